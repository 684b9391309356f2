import { Dec, type Decision, type Fill, money, type Tick } from '@tickflow/core';
import { type ExecutionModel, Portfolio, type RiskLimits, type Tape } from '@tickflow/paper';
import { StrategyEngine, type StrategyFactory, type StrategyFault } from '@tickflow/strategy/light';
import { SymbolBroker } from './broker.ts';
import type { DaySourceKind } from './day-source.ts';
import { TradeStats } from './metrics.ts';
import type { BacktestFigures } from './report-schema.ts';
import { type Rejection, RiskGate } from './risk-gate.ts';

/** What one combination of a replay is run with. */
export interface LaneInput {
  factory: StrategyFactory;
  execution: ExecutionModel;
  cash: string;
  /** The bot's risk limits (`--max-position` …); none set: every order goes out. */
  limits?: RiskLimits | undefined;
  /** Each symbol-day's decisions, fills and refused orders as they come (the single run writes them to CSV). */
  onDecisions?: (decisions: readonly Decision[]) => void;
  onFills?: (fills: readonly Fill[]) => void;
  onRejections?: (rejections: readonly Rejection[]) => void;
}

/**
 * One combination's state across a replay: its strategy engine (each lane's strategy state and seq
 * position carry over midnight), a paper broker per symbol (positions and working orders carry over
 * too), the portfolio and the day rows. A replay feeds it ticks symbol by symbol (`tick`, then
 * `endSymbol` with the symbol's tapes) and closes each day (`endDay`); several LaneRuns can take
 * the same ticks in one pass (a grid's lane group), each as if it ran alone.
 */
export class LaneRun {
  readonly cash: Dec;
  readonly paused: StrategyFault[] = [];
  private readonly engine: StrategyEngine;
  readonly brokers = new Map<string, SymbolBroker>();
  readonly portfolio: Portfolio;
  readonly gate: RiskGate | undefined;
  readonly stats = new TradeStats();
  readonly days: BacktestFigures['days'] = [];
  readonly totals = { ticks: 0, decisions: 0, fills: 0, duplicates: 0 };
  private day = { decisions: 0, fills: 0 };
  private pnlBefore: Dec;
  /** The current symbol's decisions, in the order made. */
  private decisions: Decision[] = [];

  constructor(readonly input: LaneInput) {
    const o = input;
    this.cash = new Dec(o.cash);
    this.engine = new StrategyEngine(o.factory, (f) => this.paused.push(f));
    this.portfolio = new Portfolio(this.cash, (a) => this.stats.applied(a));
    // Only with a limit set: the gate marks and checks at every order and fill.
    const limited = o.limits && Object.values(o.limits).some((v) => v !== '');
    this.gate = limited ? new RiskGate(o.limits as RiskLimits, this.portfolio) : undefined;
    this.pnlBefore = this.portfolio.equity();
  }

  openDay(date: string): void {
    this.day = { decisions: 0, fills: 0 };
    this.pnlBefore = this.portfolio.equity();
    this.gate?.openDay(date);
  }

  /** One tick through the engine (`now` = the tick's time). The tick is not kept. */
  tick(t: Tick): void {
    const r = this.engine.onTick(t, t.ts);
    if (r.decision) this.decisions.push(r.decision);
    if (r.skip?.kind === 'duplicate') this.totals.duplicates++;
  }

  /** The symbol's decisions of the day through its broker, against its venues' tapes. */
  endSymbol(symbol: string, tapeOf: (venue: string) => Tape, lastPrice: string | undefined): void {
    const decisions = this.decisions;
    this.decisions = [];
    const broker = this.brokerOf(symbol);
    const fills: Fill[] = broker.runDay(decisions, tapeOf);
    this.day.decisions += decisions.length;
    this.day.fills += fills.length;
    if (decisions.length) this.input.onDecisions?.(decisions);
    // The gate applied each as it came; the portfolio tells the trade statistics.
    if (!this.gate) for (const f of fills) this.portfolio.apply(f);
    if (fills.length) this.input.onFills?.(fills);
    if (broker.rejections.length) this.input.onRejections?.(broker.rejections);
    if (lastPrice !== undefined) this.portfolio.mark(symbol, lastPrice);
  }

  /** Closes the day's row; returns it for the progress line. */
  endDay(date: string, read: { kind: DaySourceKind; ticks: number }) {
    this.totals.ticks += read.ticks;
    this.totals.decisions += this.day.decisions;
    this.totals.fills += this.day.fills;
    const equity = this.portfolio.equity();
    const row = {
      date,
      source: read.kind,
      ticks: read.ticks,
      ...this.day,
      equity: money(equity),
      pnl: money(equity.minus(this.pnlBefore)),
      grossExposure: money(this.portfolio.grossExposure()),
    };
    this.days.push(row);
    return row;
  }

  private brokerOf(symbol: string): SymbolBroker {
    let b = this.brokers.get(symbol);
    if (!b) {
      b = new SymbolBroker(symbol, this.input.execution, this.gate);
      this.brokers.set(symbol, b);
    }
    return b;
  }
}
