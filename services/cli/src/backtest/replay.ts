import { Dec, type Decision, type Fill, money } from '@tickflow/core';
import type { SymbolTicks } from '@tickflow/history';
import { type ExecutionModel, Portfolio, type RiskLimits, type Tape } from '@tickflow/paper';
import { StrategyEngine, type StrategyFactory, type StrategyFault } from '@tickflow/strategy';
import { SymbolBroker } from './broker.ts';
import type { DaySource } from './day-source.ts';
import { dailyReturns, maxDrawdown, meanExposure, ratios, TradeStats } from './metrics.ts';
import type { BacktestFigures } from './report-schema.ts';
import { type Rejection, RiskGate } from './risk-gate.ts';

/** A backtest that could not run to its end (exit 1): no ticks in the range, an unreadable archive. */
export class BacktestError extends Error {
  override name = 'BacktestError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface ReplayInput {
  source: DaySource;
  dates: readonly string[];
  factory: StrategyFactory;
  execution: ExecutionModel;
  cash: string;
  /** The bot's risk limits (`--max-position` …); none set: every order goes out. */
  limits?: RiskLimits | undefined;
  /** Each symbol-day's decisions, fills and refused orders as they come (the single run writes them to CSV). */
  onDecisions?: (decisions: readonly Decision[]) => void;
  onFills?: (fills: readonly Fill[]) => void;
  onRejections?: (rejections: readonly Rejection[]) => void;
  progress?: (line: string) => void;
}

/**
 * Streams `dates` day by day, symbol by symbol, through one strategy engine (each lane's strategy
 * state and seq position carry over midnight) and a paper broker per symbol (positions and working
 * orders carry over too), and returns the run's figures. One day's ticks are in memory at a time.
 * The single run, every grid combination and every walk-forward window are this function.
 */
export async function replayRange(o: ReplayInput): Promise<BacktestFigures> {
  const cash = new Dec(o.cash);
  const paused: StrategyFault[] = [];
  const engine = new StrategyEngine(o.factory, (f) => paused.push(f));
  const brokers = new Map<string, SymbolBroker>();
  const portfolio = new Portfolio(cash);
  // Only with a limit set: the gate marks and checks at every order and fill.
  const limited = o.limits && Object.values(o.limits).some((v) => v !== '');
  const gate = limited ? new RiskGate(o.limits as RiskLimits, portfolio) : undefined;
  const stats = new TradeStats();
  const days: BacktestFigures['days'] = [];
  const totals = { ticks: 0, decisions: 0, fills: 0, duplicates: 0 };
  let replayMs = 0;
  for (const date of o.dates) {
    const day = { decisions: 0, fills: 0 };
    const pnlBefore = portfolio.equity();
    gate?.openDay(date);
    const t0 = performance.now();
    const read = await o.source
      .readDay(date, (ticks) => {
        const broker = brokerOf(brokers, ticks.symbol, o.execution, gate);
        const r = replaySymbol(ticks, engine, broker);
        totals.duplicates += r.duplicates;
        day.decisions += r.decisions.length;
        day.fills += r.fills.length;
        if (r.decisions.length) o.onDecisions?.(r.decisions);
        for (const f of r.fills) {
          if (!gate) portfolio.apply(f); // the gate applied each as it came
          stats.add(f);
        }
        if (r.fills.length) o.onFills?.(r.fills);
        if (broker.rejections.length) o.onRejections?.(broker.rejections);
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
    o.progress?.(
      `${date}  ${read.kind.padEnd(7)} ${String(read.ticks).padStart(10)} ticks ${String(day.decisions).padStart(7)} decisions ${String(day.fills).padStart(7)} fills  equity ${money(equity)}`,
    );
  }
  const pnl = portfolio.pnl();
  const seconds = replayMs / 1000;
  return {
    ...equityFigures(o.cash, days),
    ticks: totals.ticks,
    decisions: totals.decisions,
    fills: totals.fills,
    expiredOrders: [...brokers.values()].reduce((n, b) => n + b.expired, 0),
    openOrders: [...brokers.values()].reduce((n, b) => n + b.open, 0),
    rejectedOrders: gate?.rejected ?? 0,
    rejections: { ...gate?.byReason },
    halts: gate?.haltedAt ? [{ date: gate.haltedAt.date, reason: gate.haltReason }] : [],
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

function brokerOf(
  brokers: Map<string, SymbolBroker>,
  symbol: string,
  model: ExecutionModel,
  gate: RiskGate | undefined,
): SymbolBroker {
  let b = brokers.get(symbol);
  if (!b) {
    b = new SymbolBroker(symbol, model, gate);
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
  // One tape per venue for the day (each order used to make its own).
  const tapes = new Map<string, Tape>();
  const tapeOf = (venue: string) => {
    let tape = tapes.get(venue);
    if (!tape) {
      tape = ticks.tape(venue);
      tapes.set(venue, tape);
    }
    return tape;
  };
  const fills: Fill[] = broker.runDay(decisions, tapeOf);
  const lastPrice = last ? ticks.tape(last.venue).at(last.row).price : undefined;
  return { decisions, fills, duplicates, lastPrice };
}
