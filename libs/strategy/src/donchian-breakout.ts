import type { Decision, Micros, Tick } from '@tickflow/core';
import { type IndicatorState, IndicatorStateError, RollingMax, RollingMin } from '@tickflow/indicators';
import {
  checkQty,
  fmt,
  makeDecision,
  readNullableNumber,
  readSide,
  readState,
  restoreAll,
} from './internal.ts';
import type { Strategy } from './strategy.ts';

export interface DonchianBreakoutParams {
  /** Channel length: the previous `period` prices, the current one excluded. */
  period: number;
  /** Quantity per decision, a decimal string (a RiskGate's sizing replaces it). */
  qty: string;
}

export const DONCHIAN_BREAKOUT_DEFAULTS: DonchianBreakoutParams = { period: 20, qty: '1' };

/**
 * `donchian-breakout` — Donchian channel breakout (the Turtle rule on tick prices): BUY when the
 * price exceeds the highest of the previous `period` prices, SELL when it falls below the lowest of
 * them. The channel excludes the current price, otherwise a price could never exceed it.
 * Reference: https://chartschool.stockcharts.com/table-of-contents/technical-indicators-and-overlays/technical-overlays/donchian-channels
 *
 * Repeated breakouts in the same direction (every new high of a rally) are one signal: a BUY fires
 * only when the last breakout was not already upward, a SELL only when it was not downward. So the
 * decisions alternate, like a stop-and-reverse system.
 */
export class DonchianBreakout implements Strategy {
  readonly name = 'donchian-breakout';
  private readonly high: RollingMax;
  private readonly low: RollingMin;
  /** Direction of the last breakout: 1 up, -1 down, 0 none yet. */
  private side: -1 | 0 | 1 = 0;
  private lastPrice: number | null = null;

  constructor(
    readonly venue: string,
    readonly symbol: string,
    private readonly params: DonchianBreakoutParams = DONCHIAN_BREAKOUT_DEFAULTS,
  ) {
    this.high = new RollingMax(params.period);
    this.low = new RollingMin(params.period);
    checkQty('donchian-breakout', params.qty);
  }

  onTick(tick: Tick, now: Micros): Decision | undefined {
    const price = Number(tick.price);
    // The channel of the previous prices, read before the current price joins the window.
    const hi = this.high.value;
    const lo = this.low.value;
    this.high.update(price);
    this.low.update(price);
    this.lastPrice = price;
    if (hi === undefined || lo === undefined) return undefined;
    const n = this.params.period;
    if (price > hi && this.side !== 1) {
      this.side = 1;
      const reason = `price ${fmt(price)} broke above the ${n}-price high ${fmt(hi)}`;
      return makeDecision(
        this.name,
        tick,
        now,
        'BUY',
        this.params.qty,
        reason,
        this.decisionIndicators(hi, lo),
      );
    }
    if (price < lo && this.side !== -1) {
      this.side = -1;
      const reason = `price ${fmt(price)} broke below the ${n}-price low ${fmt(lo)}`;
      return makeDecision(
        this.name,
        tick,
        now,
        'SELL',
        this.params.qty,
        reason,
        this.decisionIndicators(hi, lo),
      );
    }
    return undefined;
  }

  /** The channel that caused the decision (the one before this price), not the updated one. */
  private decisionIndicators(hi: number, lo: number): Record<string, number> {
    return { price: this.lastPrice as number, high: hi, low: lo };
  }

  /** Latest price and the channel the NEXT price will be compared with. */
  indicators(): Record<string, number> {
    const out: Record<string, number> = {};
    if (this.lastPrice !== null) out.price = this.lastPrice;
    if (this.high.value !== undefined) out.high = this.high.value;
    if (this.low.value !== undefined) out.low = this.low.value;
    return out;
  }

  snapshot(): IndicatorState {
    return {
      kind: this.name,
      high: this.high.snapshot(),
      low: this.low.snapshot(),
      side: this.side,
      lastPrice: this.lastPrice,
    };
  }

  restore(state: IndicatorState): void {
    if (state.kind !== this.name) throw new IndicatorStateError(`${this.name}: bad kind`);
    const high = readState(state, 'high', this.name);
    const low = readState(state, 'low', this.name);
    const side = readSide(state, 'side', this.name);
    const lastPrice = readNullableNumber(state, 'lastPrice', this.name);
    restoreAll([
      [this.high, high],
      [this.low, low],
    ]);
    this.side = side;
    this.lastPrice = lastPrice;
  }
}
