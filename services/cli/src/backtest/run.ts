import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { executionOf, limitsOf } from '@tickflow/bot';
import { type Decision, type Fill, MICROS_PER_DAY, utcDateOf, utcDateStartMicros } from '@tickflow/core';
import type { ExecutionModel } from '@tickflow/paper';
import { toCsv } from '@tickflow/report';
import { busAuthFrom, ConfigError, loadStrategySetup } from '@tickflow/runtime';
import { DaySource } from './day-source.ts';
import { combinations, type GridParam, parseGrid, parseWalkForward, type WalkForwardSpec } from './grid.ts';
import { GridStrategies } from './grid-strategies.ts';
import { openPool } from './pool.ts';
import { BacktestError, replayRange } from './replay.ts';
import { type BacktestFigures, type BacktestReport, BacktestReportSchema } from './report-schema.ts';
import type { Rejection } from './risk-gate.ts';
import type { BacktestConfig } from './spec.ts';
import { type JobBase, runGrid, runWalkForward, type Sweep } from './sweep.ts';
import { renderTearsheet } from './tearsheet.ts';
import { gridTable, windowsTable } from './tearsheet-sweep.ts';

export { BacktestError } from './replay.ts';

export interface BacktestResult {
  report: BacktestReport;
  dir: string;
}

const MAX_DAYS = 3660;
const DECISION_HEADER = 'id,strategy,venue,symbol,action,qty,ref_price,tick_seq,tick_ts\n';
const TRADE_HEADER = 'id,decision_id,symbol,side,qty,price,fee,ts\n';
const REJECTION_HEADER = 'decision_id,symbol,side,qty,reason,message\n';

/** The dates from `from` to `to`, both included (usage error when reversed or too many). */
export function datesOf(from: string, to: string): string[] {
  const start = utcDateStartMicros(from);
  const end = utcDateStartMicros(to);
  if (end < start) throw new ConfigError([`--to ${to} is before --from ${from}`]);
  const n = (end - start) / MICROS_PER_DAY + 1;
  if (n > MAX_DAYS) throw new ConfigError([`--from ${from} to --to ${to} is ${n} days; at most ${MAX_DAYS}`]);
  return Array.from({ length: n }, (_, i) => utcDateOf(start + i * MICROS_PER_DAY));
}

/**
 * `tickflow backtest`: one run over the range (replay.ts), or with `--grid` / `--walk-forward` a
 * sweep of jobs on worker threads (sweep.ts); then reports/backtests/<id>/, written in a temporary
 * directory renamed into place so a failed run leaves nothing half written.
 */
export async function runBacktest(
  c: BacktestConfig,
  progress: (line: string) => void = () => {},
): Promise<BacktestResult> {
  if (c.from === undefined) throw new ConfigError(['--from is required (YYYY-MM-DD)']);
  const dates = datesOf(c.from, c.to ?? c.from);
  const symbols = c.symbols?.split(',');
  const sma = { fast: c.fast, slow: c.slow, qty: c.qty };
  // Usage errors first, before anything is opened or written.
  const grid = c.grid === undefined ? undefined : parseGrid(c.grid);
  const wf = c.walkForward === undefined ? undefined : parseWalkForward(c.walkForward);
  const setup = await loadStrategySetup(c.strategies, sma);
  const execution: ExecutionModel = executionOf(c);
  const limits = limitsOf(c);
  const identity = {
    from: dates[0] as string,
    to: dates[dates.length - 1] as string,
    symbols: symbols ?? null,
    strategies: c.strategies === undefined ? null : resolve(c.strategies),
    strategyFingerprint: setup.fingerprint,
    execution: { ...execution },
    limits,
    cash: c.cash,
  };
  const sweepKey =
    grid || wf ? { grid: c.grid ?? null, walkForward: c.walkForward ?? null, metric: c.metric } : {};
  const base = `${new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '')}-${createHash('sha256')
    .update(JSON.stringify({ ...identity, ...sweepKey }))
    .digest('hex')
    .slice(0, 8)}`;
  const outRoot = resolve(c.out);
  const archiveDir = resolve(c.archiveDir ?? join(c.dataDir, 'archive'));
  const db = resolve(c.db ?? join(c.dataDir, 'tickflow.duckdb'));
  const jobBase: JobBase = {
    v: 1,
    archiveDir,
    db,
    symbols: symbols ?? null,
    strategies: identity.strategies,
    sma,
    execution,
    limits,
    cash: c.cash,
  };
  let sweep: Pick<BacktestReport, 'grid' | 'walkForward'> = {};
  let figures: BacktestFigures;
  let files: Record<string, string> = {};
  const tmp = join(outRoot, `.tmp-${base}-${process.pid}`);
  mkdirSync(tmp, { recursive: true });
  try {
    if (grid || wf) ({ figures, sweep, files } = await runSweep(c, { grid, wf, dates, jobBase, progress }));
    else
      figures = await singleRun(tmp, {
        archiveDir,
        db,
        symbols,
        dates,
        factory: setup.factory,
        execution,
        limits,
        cash: c.cash,
        progress,
      });
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  if (figures.ticks === 0) {
    rmSync(tmp, { recursive: true, force: true });
    throw new BacktestError(
      `no ticks from ${identity.from} to ${identity.to}${symbols ? ` for ${symbols.join(', ')}` : ''} in the archive or the database`,
    );
  }
  // The same config run twice within a second: the second run gets `-2`, and so on.
  let id = base;
  for (let n = 2; existsSync(join(outRoot, id)); n++) id = `${base}-${n}`;
  const report: BacktestReport = {
    id,
    createdAt: new Date().toISOString(),
    config: identity,
    ...figures,
    ...sweep,
  };
  files = {
    'report.json': `${JSON.stringify(report, null, 2)}\n`,
    'report.schema.json': `${JSON.stringify(BacktestReportSchema, null, 2)}\n`,
    'report.html': renderTearsheet(report),
    ...files,
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(tmp, name), text);
  const dir = join(outRoot, id);
  renameSync(tmp, dir);
  return { report, dir };
}

/**
 * `--grid` and/or `--walk-forward`: every combination checked by the strategy first (a refused one
 * is listed, not run), the jobs on worker threads (or the JetStream work queue with `--queue`).
 */
async function runSweep(
  c: BacktestConfig,
  o: {
    grid: GridParam[] | undefined;
    wf: WalkForwardSpec | undefined;
    dates: string[];
    jobBase: JobBase;
    progress: (line: string) => void;
  },
): Promise<{
  figures: BacktestFigures;
  sweep: Pick<BacktestReport, 'grid' | 'walkForward'>;
  files: Record<string, string>;
}> {
  const names = o.grid?.map((p) => p.name) ?? [];
  const strategies = await GridStrategies.load(o.jobBase.strategies ?? undefined, o.jobBase.sma);
  strategies.bind(names);
  const candidates = combinations(o.grid ?? []).map((params) => {
    try {
      strategies.factoryFor(params);
      return { params };
    } catch (err) {
      return { params, error: (err as Error).message };
    }
  });
  const runnable = candidates.filter((x) => x.error === undefined).length;
  // nats is loaded only when a queue is asked for.
  const pool = c.queue
    ? await (await import('./queue-pool.ts')).openQueuePool(busAuthFrom({ ...c, natsUrl: c.queue }), {
        timeoutMs: c.queueTimeoutMs,
      })
    : openPool(Math.min(c.workers, o.wf ? Number.POSITIVE_INFINITY : runnable));
  const s: Sweep = {
    pool,
    base: o.jobBase,
    dates: o.dates,
    candidates,
    metric: c.metric,
    progress: o.progress,
  };
  try {
    if (o.wf) {
      const r = await runWalkForward(s, o.wf);
      return {
        figures: r.figures,
        sweep: { walkForward: r.walkForward },
        files: { 'windows.csv': toCsv(windowsTable(r.walkForward)) },
      };
    }
    const r = await runGrid(s, c.grid as string, names);
    return { figures: r.figures, sweep: { grid: r.grid }, files: { 'grid.csv': toCsv(gridTable(r.grid)) } };
  } finally {
    await pool.close();
  }
}

/** The run without a grid: the range in this thread, its decisions and fills to CSV as they come. */
async function singleRun(
  tmp: string,
  o: Omit<Parameters<typeof replayRange>[0], 'source'> & {
    archiveDir: string;
    db: string;
    symbols: string[] | undefined;
  },
): Promise<BacktestFigures> {
  const decisionsCsv = openSync(join(tmp, 'decisions.csv'), 'w');
  const tradesCsv = openSync(join(tmp, 'trades.csv'), 'w');
  const rejectedCsv = openSync(join(tmp, 'rejected.csv'), 'w');
  writeSync(decisionsCsv, DECISION_HEADER);
  writeSync(tradesCsv, TRADE_HEADER);
  writeSync(rejectedCsv, REJECTION_HEADER);
  let source: DaySource | undefined;
  try {
    source = await DaySource.open({ ...o, readAhead: true }).catch((cause) => {
      throw new BacktestError(`could not open the archive or the database: ${(cause as Error).message}`, {
        cause,
      });
    });
    return await replayRange({
      ...o,
      source,
      onDecisions: (ds) => writeSync(decisionsCsv, ds.map(decisionRow).join('')),
      onFills: (fs) => writeSync(tradesCsv, fs.map(tradeRow).join('')),
      onRejections: (rs) => writeSync(rejectedCsv, rs.map(rejectionRow).join('')),
    });
  } finally {
    closeSync(decisionsCsv);
    closeSync(tradesCsv);
    closeSync(rejectedCsv);
    source?.close();
  }
}

const csv = (v: string | number) => {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

const decisionRow = (d: Decision) =>
  `${[d.id, d.strategy, d.venue, d.symbol, d.action, d.qty, d.refPrice, d.tickSeq, d.tickTs].map(csv).join(',')}\n`;

/** A refused order as the bot's ORDERS rejection has it. */
const rejectionRow = ({ decision: d, side, qty, verdict }: Rejection) =>
  `${[d.id, d.symbol, side, qty, verdict.reason, verdict.message].map(csv).join(',')}\n`;

const tradeRow = (f: Fill) =>
  `${[f.id, f.decisionId, f.symbol, f.side, f.qty, f.price, f.fee, f.ts].map(csv).join(',')}\n`;
