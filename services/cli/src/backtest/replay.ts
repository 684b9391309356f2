import { Dec, money, type Tick } from '@tickflow/core';
import type { SymbolTicks } from '@tickflow/history';
import type { Tape } from '@tickflow/paper';
import type { DaySource } from './day-source.ts';
import { type LaneInput, LaneRun } from './lane-run.ts';
import { dailyReturns, maxDrawdown, meanExposure, ratios } from './metrics.ts';
import type { BacktestFigures } from './report-schema.ts';

/** A backtest that could not run to its end (exit 1): no ticks in the range, an unreadable archive. */
export class BacktestError extends Error {
  override name = 'BacktestError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface ReplayInput extends LaneInput {
  source: DaySource;
  dates: readonly string[];
  progress?: (line: string) => void;
}

/**
 * Streams `dates` day by day, symbol by symbol, through one strategy engine and a paper broker
 * per symbol (see LaneRun), and returns the run's figures. One day's ticks are in memory at a time.
 * The single run, every grid combination and every walk-forward window are this function, or
 * `replayGroup` with this one combination in it.
 */
export async function replayRange(o: ReplayInput): Promise<BacktestFigures> {
  const [figures] = await replayGroup({ source: o.source, dates: o.dates, lanes: [o], progress: o.progress });
  return figures as BacktestFigures;
}

/**
 * Several combinations over the same days in one pass (a grid's lane group): each day is read once
 * and each of its ticks, filled once into the one Tick object of its venue (`eachReused`: the
 * engine keeps no tick), goes to every combination's own engine in turn; each symbol's tapes are
 * made once for all their brokers. A combination's figures are those it has alone (its
 * state is its own: the ticks and tapes it shares are read-only); `replay` is the group's time.
 */
export async function replayGroup(o: {
  source: DaySource;
  dates: readonly string[];
  lanes: readonly LaneInput[];
  /** The first combination's progress, day by day. */
  progress?: ((line: string) => void) | undefined;
}): Promise<BacktestFigures[]> {
  const lanes = o.lanes.map((l) => new LaneRun(l));
  const n = lanes.length;
  const one = lanes[0] as LaneRun;
  // Closures, not a bound method: each run's visitor is then the same function to V8, which
  // inlines it into the tick loop (a fresh bound function per run was ~25 % slower, measured).
  const visit =
    n === 1
      ? (t: Tick) => one.tick(t)
      : (t: Tick) => {
          for (let i = 0; i < n; i++) (lanes[i] as LaneRun).tick(t);
        };
  let replayMs = 0;
  o.source.plan(o.dates);
  for (const date of o.dates) {
    for (const lane of lanes) lane.openDay(date);
    const t0 = performance.now();
    const read = await o.source
      .readDay(date, (ticks) => {
        ticks.eachReused(visit);
        const { tapeOf, lastPrice } = tapesOf(ticks);
        for (const lane of lanes) lane.endSymbol(ticks.symbol, tapeOf, lastPrice);
      })
      .catch((cause) => {
        throw new BacktestError(`could not read the ticks of ${date}: ${(cause as Error).message}`, {
          cause,
        });
      });
    replayMs += performance.now() - t0;
    const rows = lanes.map((lane) => lane.endDay(date, read));
    const row = rows[0];
    if (row)
      o.progress?.(
        `${date}  ${read.kind.padEnd(7)} ${String(read.ticks).padStart(10)} ticks ${String(row.decisions).padStart(7)} decisions ${String(row.fills).padStart(7)} fills  equity ${row.equity}`,
      );
  }
  return lanes.map((lane) => figuresOf(lane, replayMs));
}

function figuresOf(lane: LaneRun, replayMs: number): BacktestFigures {
  const { portfolio, stats, gate, brokers, totals } = lane;
  const cash = lane.input.cash;
  const pnl = portfolio.pnl();
  const seconds = replayMs / 1000;
  return {
    ...equityFigures(cash, lane.days),
    ticks: totals.ticks,
    decisions: totals.decisions,
    fills: totals.fills,
    expiredOrders: [...brokers.values()].reduce((n, b) => n + b.expired, 0),
    openOrders: [...brokers.values()].reduce((n, b) => n + b.open, 0),
    rejectedOrders: gate?.rejected ?? 0,
    rejections: { ...gate?.byReason },
    halts: gate?.haltedAt ? [{ date: gate.haltedAt.date, reason: gate.haltReason }] : [],
    duplicateTicks: totals.duplicates,
    paused: lane.paused.map(({ venue, symbol, tickSeq, error }) => ({ venue, symbol, tickSeq, error })),
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
      startEquity: money(lane.cash),
      endEquity: pnl.equity,
    },
    turnover: stats.turnover,
    trades: stats.trades,
    wins: stats.wins,
    grossProfit: stats.grossProfit,
    grossLoss: stats.grossLoss,
    winRate: stats.winRate,
    profitFactor: stats.profitFactor,
    replay: { seconds, ticksPerSecond: seconds > 0 ? Math.round(totals.ticks / seconds) : 0 },
  };
}

/** The figures of a daily equity curve: days, drawdown, Sharpe, Sortino, exposure. */
export function equityFigures(
  cash: string,
  days: BacktestFigures['days'],
): Pick<BacktestFigures, 'days' | 'maxDrawdown' | 'maxDrawdownPct' | 'sharpe' | 'sortino' | 'exposure'> {
  const start = new Dec(cash);
  const equities = days.filter((d) => d.source !== 'none').map((d) => new Dec(d.equity));
  const dd = maxDrawdown(start, equities);
  return {
    days,
    maxDrawdown: dd.abs,
    maxDrawdownPct: dd.pct,
    ...ratios(dailyReturns(start, equities)),
    exposure: meanExposure(days),
  };
}

/**
 * One symbol's day as its brokers see it: a tape per venue (made once, for every combination), and
 * its last price (the latest tick over its venues) to mark positions at.
 */
function tapesOf(ticks: SymbolTicks): { tapeOf: (venue: string) => Tape; lastPrice: string | undefined } {
  let last: { ts: number; venue: string; row: number } | undefined;
  for (const lane of ticks.lanes) {
    if (lane.to === lane.from) continue;
    const tape = ticks.tape(lane.venue);
    const ts = tape.at(tape.length - 1).ts;
    if (!last || ts >= last.ts) last = { ts, venue: lane.venue, row: tape.length - 1 };
  }
  const tapes = new Map<string, Tape>();
  const tapeOf = (venue: string) => {
    let tape = tapes.get(venue);
    if (!tape) {
      tape = ticks.tape(venue);
      tapes.set(venue, tape);
    }
    return tape;
  };
  const lastPrice = last ? ticks.tape(last.venue).at(last.row).price : undefined;
  return { tapeOf, lastPrice };
}
