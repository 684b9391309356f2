import { Dec, dec, ZERO } from '@tickflow/core';

/** Places kept for the cost removed by a partial reduce (far below money's 8). */
export const COST_DP = 20;

/** One fill as the P&L computation needs it; decimals as exact strings. */
export interface PnlFill {
  symbol: string;
  side: 'BUY' | 'SELL';
  qty: string;
  price: string;
  fee: string;
  ts: number;
}

/**
 * One symbol's book, average-cost method, long and short, in exact decimals. Written here rather
 * than taken from libs/paper on purpose: the batch layer recomputes P&L independently of the
 * speed layer's code, so a bug there shows up as a difference instead of being repeated.
 *
 * Round trips: a trip opens when the position leaves zero and closes when it returns to zero or
 * flips sign (a flip closes one trip and opens the next). A trip's P&L is the realised P&L of its
 * reducing fills less the fees of all its fills; a flipping fill's whole fee counts to the trip it
 * closes. A trip still open at the close is not counted.
 */
export class AvgCostBook {
  qty = ZERO;
  /** Signed cost of the open quantity (qty × average cost). */
  cost = ZERO;
  realised = ZERO;
  fees = ZERO;
  turnover = ZERO;
  boughtQty = ZERO;
  soldQty = ZERO;
  fills = 0;
  roundTrips = 0;
  wins = 0;
  /** The symbol's last trade seen; until there is one, the position is marked at its last fill. */
  tradeMark: Dec | undefined;
  private lastFillPrice: Dec | undefined;
  /** Realised − fees of the trip in progress. */
  private trip = ZERO;

  apply(f: PnlFill): void {
    const price = dec(f.price);
    const fee = dec(f.fee);
    const qty = dec(f.qty);
    this.fills++;
    this.fees = this.fees.plus(fee);
    this.turnover = this.turnover.plus(qty.mul(price));
    if (f.side === 'BUY') this.boughtQty = this.boughtQty.plus(qty);
    else this.soldQty = this.soldQty.plus(qty);
    this.trip = this.trip.minus(fee);
    let remaining = f.side === 'BUY' ? qty : qty.neg();
    if (!this.qty.isZero() && this.qty.isNegative() !== remaining.isNegative()) {
      const closing = Dec.min(this.qty.abs(), remaining.abs());
      // All of the cost when closing all, so no rounding of the average cost is left behind. A
      // partial reduce removes cost × closing / qty, a ratio that may not terminate: it is rounded
      // to COST_DP places and exactly that amount leaves the cost basis for realised P&L, so every
      // amount stays a finite decimal and realised + unrealised equals the fills' cash flows plus
      // the marked position exactly (40 significant digits would otherwise round the sums).
      const costRemoved = closing.eq(this.qty.abs())
        ? this.cost
        : this.cost.mul(closing).div(this.qty.abs()).toDecimalPlaces(COST_DP, Dec.ROUND_HALF_EVEN);
      const proceeds = closing.mul(price).mul(this.qty.isNegative() ? -1 : 1);
      const realised = proceeds.minus(costRemoved);
      this.realised = this.realised.plus(realised);
      this.trip = this.trip.plus(realised);
      this.cost = this.cost.minus(costRemoved);
      this.qty = this.qty.plus(remaining.isNegative() ? closing.neg() : closing);
      remaining = remaining.isNegative() ? remaining.plus(closing) : remaining.minus(closing);
      if (this.qty.isZero()) this.closeTrip();
    }
    if (!remaining.isZero()) {
      this.qty = this.qty.plus(remaining);
      this.cost = this.cost.plus(remaining.mul(price));
    }
    this.lastFillPrice = price;
  }

  private closeTrip(): void {
    this.roundTrips++;
    if (this.trip.gt(0)) this.wins++;
    this.trip = ZERO;
  }

  get mark(): Dec | undefined {
    return this.tradeMark ?? this.lastFillPrice;
  }

  unrealised(): Dec {
    const mark = this.mark;
    return mark === undefined ? ZERO : this.qty.mul(mark).minus(this.cost);
  }

  /** realised + unrealised − fees at the current mark. */
  equity(): Dec {
    return this.realised.plus(this.unrealised()).minus(this.fees);
  }
}

/** Tracks the peak of an equity curve that starts at 0 and the largest fall from a peak. */
export class Drawdown {
  private peak = ZERO;
  max = ZERO;

  observe(equity: Dec): void {
    if (equity.gt(this.peak)) this.peak = equity;
    const dd = this.peak.minus(equity);
    if (dd.gt(this.max)) this.max = dd;
  }
}
