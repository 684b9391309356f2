import { ConfigError } from '@tickflow/runtime';
import { type Combination, describeCombination, type WalkForwardSpec } from './grid.ts';
import type { BacktestJob } from './job.ts';
import { bestOf, type Metric, metricOf } from './metric.ts';
import { drawdownFigures } from './metrics.ts';
import type { JobPool } from './pool.ts';
import { BacktestError } from './replay.ts';
import type { BacktestFigures, BacktestReport } from './report-schema.ts';
import { stitchWindows } from './stitch.ts';

type GridReport = NonNullable<BacktestReport['grid']>;
type WalkForwardReport = NonNullable<BacktestReport['walkForward']>;

/** What every job of a sweep shares: all of a BacktestJob but its key, dates and parameters. */
export type JobBase = Omit<BacktestJob, 'key' | 'dates' | 'params'>;

export interface Sweep {
  pool: JobPool;
  base: JobBase;
  dates: string[];
  /** Every combination in grid order, with the strategy's refusal where it refused the values. */
  candidates: { params: Combination; error?: string }[];
  metric: Metric;
  progress: (line: string) => void;
}

/** Runs `params` over `dates` on the pool; a job that could not run fails the sweep. */
async function figuresOf(
  s: Sweep,
  key: string,
  dates: string[],
  params: Combination,
): Promise<BacktestFigures> {
  const r = await s.pool.run({ ...s.base, key, dates, params });
  if (!r.ok) throw new BacktestError(`${describeCombination(params)}: ${r.error}`);
  return r.figures;
}

/** Every runnable candidate over `dates`; undefined where the candidate was refused. */
async function runCandidates(s: Sweep, key: string, dates: string[]) {
  let done = 0;
  return Promise.all(
    s.candidates.map(async (c, i) => {
      if (c.error !== undefined) return undefined;
      const f = await figuresOf(s, `${key}:${i}`, dates, c.params);
      done++;
      s.progress(
        `${key}: ${done}/${s.candidates.length} ${describeCombination(c.params)}  P&L ${f.pnl.total}`,
      );
      return f;
    }),
  );
}

/** `--grid` over the whole range: a row per combination; the report's body is the best one's run. */
export async function runGrid(s: Sweep, spec: string, names: string[]) {
  const runs = await runCandidates(s, 'grid', s.dates);
  const values = runs.map((f) => (f === undefined ? undefined : metricOf(f, s.metric)));
  const best = bestOf(values);
  if (best === null) throw new ConfigError([`--grid: the strategies refused every combination of ${spec}`]);
  const grid: GridReport = {
    spec,
    metric: s.metric,
    params: names,
    best,
    rows: s.candidates.map((c, i) => {
      const f = runs[i];
      if (f === undefined)
        return {
          params: c.params,
          error: c.error ?? 'not run',
          metric: null,
          pnl: null,
          sharpe: null,
          sortino: null,
          calmar: null,
          maxDrawdownPct: null,
          trades: 0,
          winRate: null,
          profitFactor: null,
        };
      return {
        params: c.params,
        metric: values[i] ?? null,
        pnl: f.pnl.total,
        sharpe: f.sharpe,
        sortino: f.sortino,
        calmar: drawdownFigures(f).calmar,
        maxDrawdownPct: f.maxDrawdownPct,
        trades: f.trades,
        winRate: f.winRate,
        profitFactor: f.profitFactor,
      };
    }),
  };
  return { figures: runs[best] as BacktestFigures, grid };
}

/** The walk-forward windows over `dates`: training days, then the test days that follow them. */
export function walkForwardWindows(dates: readonly string[], wf: WalkForwardSpec) {
  if (dates.length <= wf.trainDays)
    throw new ConfigError([
      `--walk-forward: ${dates.length} day(s) from --from to --to leave nothing to test after ${wf.trainDays} training day(s)`,
    ]);
  const out: { train: string[]; test: string[] }[] = [];
  for (let start = 0; start + wf.trainDays < dates.length; start += wf.testDays)
    out.push({
      train: dates.slice(start, start + wf.trainDays),
      test: dates.slice(start + wf.trainDays, start + wf.trainDays + wf.testDays),
    });
  return out;
}

/**
 * `--walk-forward`: on each window's training days every candidate runs and the best by the
 * metric is chosen; it then runs on the test days that follow; the test windows are stitched into
 * the report's body. All the training runs go to the pool at once, then all the test runs.
 */
export async function runWalkForward(s: Sweep, wf: WalkForwardSpec) {
  const windows = walkForwardWindows(s.dates, wf);
  const trained = await Promise.all(
    windows.map((w, k) => runCandidates(s, `window ${k + 1} train`, w.train)),
  );
  const chosen = trained.map((runs) => {
    const values = runs.map((f) => (f === undefined ? undefined : metricOf(f, s.metric)));
    const best = bestOf(values);
    if (best === null) throw new ConfigError(['--grid: the strategies refused every combination']);
    return { index: best, value: values[best] ?? null };
  });
  const tested = await Promise.all(
    windows.map((w, k) =>
      figuresOf(
        s,
        `wf:${k}:test`,
        w.test,
        (s.candidates[chosen[k]?.index ?? 0] as Sweep['candidates'][0]).params,
      ),
    ),
  );
  const figures = stitchWindows(s.base.cash, tested);
  let end = 0;
  const report: WalkForwardReport = {
    trainDays: wf.trainDays,
    testDays: wf.testDays,
    metric: s.metric,
    windows: windows.map((w, k) => {
      const t = tested[k] as BacktestFigures;
      const c = chosen[k] as { index: number; value: number | null };
      end += t.days.length;
      return {
        train: { from: w.train[0] as string, to: w.train.at(-1) as string },
        test: { from: w.test[0] as string, to: w.test.at(-1) as string },
        params: (s.candidates[c.index] as Sweep['candidates'][0]).params,
        trainMetric: c.value,
        candidates: s.candidates.filter((x) => x.error === undefined).length,
        ticks: t.ticks,
        trades: t.trades,
        pnl: t.pnl.total,
        equity: figures.days[end - 1]?.equity ?? figures.pnl.endEquity,
      };
    }),
  };
  return { figures, walkForward: report };
}
