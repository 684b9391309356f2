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
import { executionOf } from '@tickflow/bot';
import {
  Dec,
  type Decision,
  type Fill,
  MICROS_PER_DAY,
  money,
  utcDateOf,
  utcDateStartMicros,
} from '@tickflow/core';
import type { SymbolTicks } from '@tickflow/history';
import { type ExecutionModel, Portfolio } from '@tickflow/paper';
import { ConfigError, loadStrategySetup } from '@tickflow/runtime';
import { StrategyEngine, type StrategyFault } from '@tickflow/strategy';
import { SymbolBroker } from './broker.ts';
import { DaySource } from './day-source.ts';
import { dailyReturns, maxDrawdown, meanExposure, ratios, TradeStats } from './metrics.ts';
import { type BacktestReport, BacktestReportSchema } from './report-schema.ts';
import type { BacktestConfig } from './spec.ts';
import { renderTearsheet } from './tearsheet.ts';

/** A backtest that could not run to its end (exit 1): no ticks in the range, an unreadable archive. */
export class BacktestError extends Error {
  override name = 'BacktestError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface BacktestResult {
  report: BacktestReport;
  dir: string;
}

const MAX_DAYS = 3660;
const DECISION_HEADER = 'id,strategy,venue,symbol,action,qty,ref_price,tick_seq,tick_ts\n';
const TRADE_HEADER = 'id,decision_id,symbol,side,qty,price,fee,ts\n';

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
 * Streams the archived ticks day by day, symbol by symbol, through the strategy engine (one engine
 * for the run: each lane's strategy state and seq position carry over midnight) and a paper broker
 * per symbol (positions and working orders carry over too), then writes reports/backtests/<id>/.
 * Only one day's ticks are in memory at a time; decisions and fills go to CSV as they come.
 */
export async function runBacktest(
  c: BacktestConfig,
  progress: (line: string) => void = () => {},
): Promise<BacktestResult> {
  if (c.from === undefined) throw new ConfigError(['--from is required (YYYY-MM-DD)']);
  const dates = datesOf(c.from, c.to ?? c.from);
  const symbols = c.symbols?.split(',');
  const setup = await loadStrategySetup(c.strategies, { fast: c.fast, slow: c.slow, qty: c.qty });
  const execution: ExecutionModel = executionOf(c);
  const cash = new Dec(c.cash);
  const identity = {
    from: dates[0] as string,
    to: dates[dates.length - 1] as string,
    symbols: symbols ?? null,
    strategies: c.strategies === undefined ? null : resolve(c.strategies),
    strategyFingerprint: setup.fingerprint,
    execution: { ...execution },
    cash: c.cash,
  };
  const base = `${new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '')}-${createHash('sha256')
    .update(JSON.stringify(identity))
    .digest('hex')
    .slice(0, 8)}`;
  const outRoot = resolve(c.out);
  // The same config run twice within a second: the second run gets `-2`, and so on.
  let id = base;
  for (let n = 2; existsSync(join(outRoot, id)); n++) id = `${base}-${n}`;
  const dir = join(outRoot, id);
  const tmp = join(outRoot, `.tmp-${id}-${process.pid}`);
  mkdirSync(tmp, { recursive: true });
  const decisionsCsv = openSync(join(tmp, 'decisions.csv'), 'w');
  const tradesCsv = openSync(join(tmp, 'trades.csv'), 'w');
  writeSync(decisionsCsv, DECISION_HEADER);
  writeSync(tradesCsv, TRADE_HEADER);
  const source = await DaySource.open({
    archiveDir: resolve(c.archiveDir ?? join(c.dataDir, 'archive')),
    db: resolve(c.db ?? join(c.dataDir, 'tickflow.duckdb')),
    symbols,
  }).catch((cause) => {
    throw new BacktestError(`could not open the archive or the database: ${(cause as Error).message}`, {
      cause,
    });
  });
  const paused: StrategyFault[] = [];
  const engine = new StrategyEngine(setup.factory, (f) => paused.push(f));
  const brokers = new Map<string, SymbolBroker>();
  const portfolio = new Portfolio(cash);
  const stats = new TradeStats();
  const days: BacktestReport['days'] = [];
  const totals = { ticks: 0, decisions: 0, fills: 0, duplicates: 0 };
  let replayMs = 0;
  try {
    for (const date of dates) {
      const day = { decisions: 0, fills: 0 };
      const pnlBefore = portfolio.equity();
      const t0 = performance.now();
      const read = await source
        .readDay(date, (ticks) => {
          const r = replaySymbol(ticks, engine, brokerOf(brokers, ticks.symbol, execution));
          totals.duplicates += r.duplicates;
          day.decisions += r.decisions.length;
          day.fills += r.fills.length;
          if (r.decisions.length) writeSync(decisionsCsv, r.decisions.map(decisionRow).join(''));
          for (const f of r.fills) {
            portfolio.apply(f);
            stats.add(f);
          }
          if (r.fills.length) writeSync(tradesCsv, r.fills.map(tradeRow).join(''));
          if (r.lastPrice !== undefined) portfolio.mark(ticks.symbol, r.lastPrice);
        })
        .catch((cause) => {
          throw new BacktestError(`could not read the ticks of ${date}: ${(cause as Error).message}`, {
            cause,
          });
        });
      replayMs += performance.now() - t0;
      totals.ticks += read.ticks;
      totals.decisions += day.decisions;
      totals.fills += day.fills;
      const equity = portfolio.equity();
      days.push({
        date,
        source: read.kind,
        ticks: read.ticks,
        ...day,
        equity: money(equity),
        pnl: money(equity.minus(pnlBefore)),
        grossExposure: money(portfolio.grossExposure()),
      });
      progress(
        `${date}  ${read.kind.padEnd(7)} ${String(read.ticks).padStart(10)} ticks ${String(day.decisions).padStart(7)} decisions ${String(day.fills).padStart(7)} fills  equity ${money(equity)}`,
      );
    }
  } catch (err) {
    closeSync(decisionsCsv);
    closeSync(tradesCsv);
    source.close();
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  closeSync(decisionsCsv);
  closeSync(tradesCsv);
  source.close();
  if (totals.ticks === 0) {
    rmSync(tmp, { recursive: true, force: true });
    throw new BacktestError(
      `no ticks from ${identity.from} to ${identity.to}${symbols ? ` for ${symbols.join(', ')}` : ''} in the archive or the database`,
    );
  }
  const equities = days.filter((d) => d.source !== 'none').map((d) => new Dec(d.equity));
  const returns = dailyReturns(cash, equities);
  const dd = maxDrawdown(cash, equities);
  const pnl = portfolio.pnl();
  const seconds = replayMs / 1000;
  const report: BacktestReport = {
    id,
    createdAt: new Date().toISOString(),
    config: identity,
    days,
    ticks: totals.ticks,
    decisions: totals.decisions,
    fills: totals.fills,
    expiredOrders: [...brokers.values()].reduce((n, b) => n + b.expired, 0),
    openOrders: [...brokers.values()].reduce((n, b) => n + b.open, 0),
    duplicateTicks: totals.duplicates,
    paused: paused.map(({ venue, symbol, tickSeq, error }) => ({ venue, symbol, tickSeq, error })),
    symbols: portfolio
      .positions()
      .sort((a, b) => a.symbol.localeCompare(b.symbol))
      .map((p) => ({
        symbol: p.symbol,
        qty: p.qty,
        realized: p.realizedPnl,
        unrealized: p.unrealizedPnl,
        fees: p.fees,
        net: money(new Dec(p.realizedPnl).plus(p.unrealizedPnl).minus(p.fees)),
        lastPrice: p.lastPrice,
      })),
    pnl: {
      total: pnl.net,
      realized: pnl.realized,
      unrealized: pnl.unrealized,
      fees: pnl.fees,
      startEquity: money(cash),
      endEquity: pnl.equity,
    },
    turnover: stats.turnover,
    maxDrawdown: dd.abs,
    maxDrawdownPct: dd.pct,
    ...ratios(returns),
    trades: stats.trades,
    winRate: stats.winRate,
    profitFactor: stats.profitFactor,
    exposure: meanExposure(days),
    replay: { seconds, ticksPerSecond: seconds > 0 ? Math.round(totals.ticks / seconds) : 0 },
  };
  writeFileSync(join(tmp, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(tmp, 'report.schema.json'), `${JSON.stringify(BacktestReportSchema, null, 2)}\n`);
  writeFileSync(join(tmp, 'report.html'), renderTearsheet(report));
  renameSync(tmp, dir);
  return { report, dir };
}

function brokerOf(brokers: Map<string, SymbolBroker>, symbol: string, model: ExecutionModel): SymbolBroker {
  let b = brokers.get(symbol);
  if (!b) {
    b = new SymbolBroker(symbol, model);
    brokers.set(symbol, b);
  }
  return b;
}

/**
 * One symbol's day: its ticks through the engine (as the end of day's `replayInOrder`, venue by
 * venue in seq order, `now` = the tick's time), then its decisions through its broker.
 */
function replaySymbol(ticks: SymbolTicks, engine: StrategyEngine, broker: SymbolBroker) {
  const decisions: Decision[] = [];
  let duplicates = 0;
  let last: { ts: number; venue: string; row: number } | undefined;
  ticks.each((t) => {
    const r = engine.onTick(t, t.ts);
    if (r.decision) decisions.push(r.decision);
    if (r.skip?.kind === 'duplicate') duplicates++;
  });
  for (const lane of ticks.lanes) {
    if (lane.to === lane.from) continue;
    const tape = ticks.tape(lane.venue);
    const ts = tape.at(tape.length - 1).ts;
    if (!last || ts >= last.ts) last = { ts, venue: lane.venue, row: tape.length - 1 };
  }
  const fills: Fill[] = broker.runDay(decisions, (venue) => ticks.tape(venue));
  const lastPrice = last ? ticks.tape(last.venue).at(last.row).price : undefined;
  return { decisions, fills, duplicates, lastPrice };
}

const csv = (v: string | number) => {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

const decisionRow = (d: Decision) =>
  `${[d.id, d.strategy, d.venue, d.symbol, d.action, d.qty, d.refPrice, d.tickSeq, d.tickTs].map(csv).join(',')}\n`;

const tradeRow = (f: Fill) =>
  `${[f.id, f.decisionId, f.symbol, f.side, f.qty, f.price, f.fee, f.ts].map(csv).join(',')}\n`;
