import { type Dec, type Decision, type Fill, money } from '@tickflow/core';
import {
  lossLimitHalt,
  type PaperOrder,
  type Portfolio,
  preTradeCheck,
  type RiskLimits,
  type RiskVerdict,
  type Tape,
  type TapeTick,
} from '@tickflow/paper';

/** An order the limits refused before it went out, as the bot publishes it on ORDERS. */
export interface Rejection {
  decision: Decision;
  /** The order's side and quantity (a FLAT's, from the position it would close). */
  side: 'BUY' | 'SELL';
  qty: string;
  verdict: RiskVerdict;
}

/**
 * The bot's risk limits in the backtest, through the bot's own checks (libs/paper `preTradeCheck`,
 * `lossLimitHalt`), on the run's portfolio. The bot checks an order when it starts (after the
 * orders before it of its symbol), against the position those left, the decision's price and the
 * other symbols' exposure at their marks; it halts when the UTC day's net P&L falls to minus the
 * daily loss limit, checked after every fill and on its marks, and stays halted (every order
 * refused) until an operator resumes it — so, here, for the rest of the run.
 *
 * In exchange time here: a symbol is marked at the tick of each fill and, before each order, at its
 * deciding tick; the loss limit is checked at both. The per-symbol limits (position, notional) give
 * exactly the bot's verdicts. Gross exposure and the loss limit read the other symbols, which the
 * replay runs one after another through a day (each at its state when its turn comes): exact for
 * one symbol, an approximation across several (docs/STRATEGIES.md).
 */
export class RiskGate {
  halted = false;
  haltReason = '';
  /** The date and exchange time of the halt, if any. */
  haltedAt: { date: string; ts: number } | undefined;
  readonly byReason: Record<string, number> = {};
  rejected = 0;
  private date = '';
  private dayOpen: Dec;

  constructor(
    private readonly limits: RiskLimits,
    private readonly portfolio: Portfolio,
  ) {
    this.dayOpen = portfolio.equity();
  }

  /** A new UTC date: the day's P&L counts from the equity now (the bot's day-open equity). */
  openDay(date: string): void {
    this.date = date;
    this.dayOpen = this.portfolio.equity();
  }

  /** The verdict on an order about to start; undefined lets it go out. */
  check(d: Decision, order: PaperOrder, positionBefore: Dec, tape: Tape): RiskVerdict | undefined {
    const deciding = decidingTick(tape, d.tickSeq);
    if (deciding) this.markAndWatch(d.symbol, deciding);
    const verdict = preTradeCheck(this.limits, this, {
      symbol: d.symbol,
      side: order.side as 'BUY' | 'SELL',
      qty: order.qty,
      positionBefore,
      refPrice: d.refPrice,
      grossOfOthers: this.portfolio.grossExposure(d.symbol),
    });
    if (verdict) {
      this.rejected++;
      this.byReason[verdict.reason] = (this.byReason[verdict.reason] ?? 0) + 1;
    }
    return verdict;
  }

  /** After a fill: the portfolio takes it, marked at its tick, and the loss limit is checked. */
  filled(fill: Fill, tick: TapeTick): void {
    this.portfolio.apply(fill);
    this.markAndWatch(fill.symbol, tick);
  }

  private markAndWatch(symbol: string, tick: TapeTick): void {
    this.portfolio.mark(symbol, tick.price);
    if (this.halted || !this.limits.dailyLossLimit) return;
    const why = lossLimitHalt(this.limits, money(this.portfolio.equity().minus(this.dayOpen)));
    if (why) {
      this.halted = true;
      this.haltReason = why;
      this.haltedAt = { date: this.date, ts: tick.ts };
    }
  }
}

/** The last tick at or below `seq` (the decision's own tick), if the tape has one. */
function decidingTick(tape: Tape, seq: number): TapeTick | undefined {
  let lo = 0;
  let hi = tape.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (tape.seqAt(mid) <= seq) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? tape.at(lo - 1) : undefined;
}
