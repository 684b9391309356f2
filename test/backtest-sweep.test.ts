import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { executionOf } from '@tickflow/bot';
import { Dec } from '@tickflow/core';
import { ConfigError, resolveConfig } from '@tickflow/runtime';
import Value from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRunner } from '../services/cli/src/backtest/job.ts';
import {
  type BacktestFigures,
  type BacktestReport,
  BacktestReportSchema,
} from '../services/cli/src/backtest/report-schema.ts';
import { runBacktest } from '../services/cli/src/backtest/run.ts';
import { backtestSpec } from '../services/cli/src/backtest/spec.ts';
import { strategyNew } from '../services/cli/src/strategy-command.ts';
import { writeSmallArchive } from './backtest-archive.ts';
import { openTearsheet } from './backtest-tearsheet.ts';

/** Five days of 300 ticks of two symbols: every figure below is checked against single runs. */
const DATES = ['2026-04-06', '2026-04-07', '2026-04-08', '2026-04-09', '2026-04-10'];
const FROM = DATES[0] as string;
const TO = DATES[4] as string;
/** fast=6 slow=6 is refused by SMA cross (fast must be < slow): listed, not run. */
const GRID = 'fast=2|6,slow=6|12';
const COMBOS = [
  { fast: 2, slow: 6 },
  { fast: 2, slow: 12 },
  { fast: 6, slow: 6 },
  { fast: 6, slow: 12 },
];

describe('backtest --grid and --walk-forward over a small archive', () => {
  let archiveDir: string;
  let root: string;
  const run = async (flags: Record<string, string>) =>
    runBacktest(
      resolveConfig(
        backtestSpec,
        { archiveDir, db: join(root, 'none.duckdb'), out: join(root, 'out'), cash: '10000', ...flags },
        {},
      ),
    );
  /** A plain run of one combination over `from`..`to`: the reference every sweep figure must equal. */
  const single = async (from: string, to: string, c: { fast: number; slow: number }) =>
    (await run({ from, to, fast: String(c.fast), slow: String(c.slow) })).report;
  /** The report without what differs between two runs of the same thing (id, time, replay speed). */
  const stable = (r: BacktestReport) => ({ ...r, id: '', createdAt: '', replay: null });

  beforeAll(async () => {
    archiveDir = await writeSmallArchive(DATES, { perDay: 300, symbols: ['AAA', 'BBB'] });
    root = dirname(archiveDir);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  let grid: { report: BacktestReport; dir: string };

  it('runs every combination on worker threads, each row equal to that combination run alone', async () => {
    grid = await run({ from: FROM, to: TO, grid: GRID, metric: 'pnl', workers: '2' });
    const g = grid.report.grid;
    expect(g?.params).toEqual(['fast', 'slow']);
    expect(g?.rows.map((r) => r.params)).toEqual(COMBOS);
    expect(g?.rows[2]?.error).toBe('fast period 6 must be < slow 6');
    const alone = await Promise.all(COMBOS.map((c) => (c.fast < c.slow ? single(FROM, TO, c) : undefined)));
    for (const [i, a] of alone.entries()) {
      if (!a) continue;
      const row = g?.rows[i];
      expect(row?.pnl).toBe(a.pnl.total);
      expect(row?.metric).toBe(Number(a.pnl.total));
      expect(row?.trades).toBe(a.trades);
      expect(row?.sharpe).toBe(a.sharpe);
      expect(a.trades).toBeGreaterThan(0); // the fixture trades, or the comparison proves little
    }
    // The best by P&L, first on a tie; the report's body is its run.
    const pnls = alone.map((a) => (a ? Number(a.pnl.total) : Number.NEGATIVE_INFINITY));
    const best = pnls.indexOf(Math.max(...pnls));
    expect(g?.best).toBe(best);
    expect(stable(grid.report)).toMatchObject({
      pnl: alone[best]?.pnl,
      days: alone[best]?.days,
      symbols: alone[best]?.symbols,
    });
    expect(
      Value.Check(BacktestReportSchema, JSON.parse(readFileSync(join(grid.dir, 'report.json'), 'utf8'))),
    ).toBe(true);
    const csv = readFileSync(join(grid.dir, 'grid.csv'), 'utf8').trimEnd().split('\r\n');
    expect(csv[0]).toBe(
      'fast,slow,metric,pnl,sharpe,sortino,calmar,maxDrawdownPct,trades,winRate,profitFactor,error',
    );
    expect(csv).toHaveLength(5);
    expect(existsSync(join(grid.dir, 'trades.csv'))).toBe(false);
  });

  it('gives the same report on worker threads as in one thread', async () => {
    const serial = await run({ from: FROM, to: TO, grid: GRID, metric: 'pnl', workers: '1' });
    expect(stable(serial.report)).toEqual(stable(grid.report));
  });

  it('draws the heat map of the metric over the two parameters in Chromium', async () => {
    const drawn = await openTearsheet(join(grid.dir, 'report.html'));
    expect(drawn.errors).toEqual([]);
    expect(drawn.requests).toEqual([]);
    expect(drawn.charts['grid-heat-map']?.cells).toBe(4);
    expect(drawn.charts['grid-heat-map']?.height).toBeGreaterThan(50);
    expect(drawn.charts.equity?.points).toBeGreaterThan(1);
    const html = readFileSync(join(grid.dir, 'report.html'), 'utf8');
    expect(html).toContain('class="cell empty"'); // the refused combination
  });

  it('walks forward: picks the best on each training window and stitches the test windows', async () => {
    const { report } = await run({
      from: FROM,
      to: TO,
      grid: GRID,
      metric: 'pnl',
      walkForward: 'train=2d,test=1d',
      workers: '2',
    });
    const wf = report.walkForward;
    expect(wf?.windows.map((w) => [w.train.from, w.train.to, w.test.from, w.test.to])).toEqual([
      [DATES[0], DATES[1], DATES[2], DATES[2]],
      [DATES[1], DATES[2], DATES[3], DATES[3]],
      [DATES[2], DATES[3], DATES[4], DATES[4]],
    ]);
    // The training runs through one JobRunner (the single run's replay, one DuckDB for all 12).
    const runner = new JobRunner();
    const c = resolveConfig(backtestSpec, {}, {});
    const train = async (from: string, to: string, params: { fast: number; slow: number }) => {
      const r = await runner.run({
        v: 1,
        key: 'reference',
        dates: DATES.filter((d) => d >= from && d <= to),
        archiveDir,
        db: join(root, 'none.duckdb'),
        symbols: null,
        strategies: null,
        sma: { fast: c.fast, slow: c.slow, qty: c.qty },
        params,
        execution: executionOf(c),
        cash: '10000',
      });
      return r.ok ? r.figures : undefined;
    };
    let total = new Dec(0);
    for (const w of wf?.windows ?? []) {
      const trained: (BacktestFigures | undefined)[] = [];
      for (const combo of COMBOS)
        trained.push(combo.fast < combo.slow ? await train(w.train.from, w.train.to, combo) : undefined);
      const pnls = trained.map((t) => (t ? Number(t.pnl.total) : Number.NEGATIVE_INFINITY));
      const chosen = COMBOS[pnls.indexOf(Math.max(...pnls))] as (typeof COMBOS)[number];
      expect(w.params).toEqual(chosen);
      expect(w.trainMetric).toBe(Math.max(...pnls));
      const tested = await single(w.test.from, w.test.to, chosen);
      expect(w.pnl).toBe(tested.pnl.total);
      total = total.plus(tested.pnl.total);
      expect(new Dec(w.equity).eq(total.plus(10000))).toBe(true);
    }
    runner.close();
    expect(new Dec(report.pnl.total).eq(total)).toBe(true);
    expect(new Dec(report.pnl.endEquity).eq(total.plus(10000))).toBe(true);
    expect(report.days.map((d) => d.date)).toEqual(DATES.slice(2));
    expect(Value.Check(BacktestReportSchema, report)).toBe(true);
  });

  it('hands the bot’s risk limits to every grid job: each row equals that combination run alone with them', async () => {
    // AAA trades near 100, BBB near 200: one unit of BBB is over the limit, of AAA under it.
    const limits = { maxNotional: '150' };
    const limited = await run({
      from: FROM,
      to: TO,
      grid: 'fast=2|3,slow=12',
      metric: 'pnl',
      workers: '2',
      ...limits,
    });
    for (const [i, fast] of [2, 3].entries()) {
      const alone = (await run({ from: FROM, to: TO, fast: String(fast), slow: '12', ...limits })).report;
      expect(alone.rejections.MAX_NOTIONAL).toBeGreaterThan(0);
      const fees = (symbol: string) => new Dec(alone.symbols.find((x) => x.symbol === symbol)?.fees ?? '0');
      expect([fees('AAA').isZero(), fees('BBB').isZero()]).toEqual([false, true]);
      expect(limited.report.grid?.rows[i]?.pnl).toBe(alone.pnl.total);
      expect(limited.report.grid?.rows[i]?.trades).toBe(alone.trades);
    }
  });

  it('loads a strategy module from outside the repo in every worker thread, with the same results', async () => {
    // The starter `tickflow strategy new` writes: a module in a temp directory, named by its config.
    const dir = join(root, 'strategies');
    strategyNew('trend', { dir, force: false });
    const flags = {
      from: FROM,
      to: TO,
      strategies: join(dir, 'trend.json'),
      grid: 'fast=5|10,slow=40',
      metric: 'pnl',
    };
    const threads = await run({ ...flags, workers: '2' });
    const serial = await run({ ...flags, workers: '1' });
    expect(threads.report.grid?.rows.map((r) => r.error)).toEqual([undefined, undefined]);
    expect(threads.report.trades).toBeGreaterThan(0);
    expect(stable(threads.report)).toEqual(stable(serial.report));
  });

  it.each([
    [{ grid: 'fast=5..' }, /--grid: fast=5\.\.: expected lo\.\.hi:step/],
    [{ grid: 'period=10..20:5' }, /--grid: period matches no strategy parameter \(there are: fast, slow/],
    [{ walkForward: 'train=5d' }, /--walk-forward: expected train=<days>d,test=<days>d/],
    [{ walkForward: 'train=5d,test=1d' }, /5 day\(s\) from --from to --to leave nothing to test after 5/],
  ])('refuses %j with a usage error saying why', async (flags, message) => {
    const err = await run({ from: FROM, to: TO, ...flags }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(message);
  });
});
