import type { Decision, Micros, Tick } from '@tickflow/core';
import { type IndicatorState, IndicatorStateError, RSI } from '@tickflow/indicators';
import { checkQty, fmt, makeDecision, readNullableNumber, readState, restoreAll } from './internal.ts';
import type { Strategy } from './strategy.ts';

export interface RsiThresholdParams {
  period: number;
  /** BUY when the RSI crosses up through this level. */
  oversold: number;
  /** SELL when the RSI crosses down through this level. */
  overbought: number;
  /** Quantity per decision, a decimal string (a RiskGate's sizing replaces it). */
  qty: string;
}

export const RSI_THRESHOLD_DEFAULTS: RsiThresholdParams = {
  period: 14,
  oversold: 30,
  overbought: 70,
  qty: '1',
};

/**
 * `rsi-threshold` — RSI overbought/oversold exits: BUY when Wilder's RSI leaves the oversold zone
 * (previous RSI < oversold ≤ current RSI), SELL when it leaves the overbought zone (previous RSI >
 * overbought ≥ current RSI). Acting on the way OUT of a zone, not on entering it, waits for the move
 * to turn instead of buying into a falling price.
 * Reference: https://chartschool.stockcharts.com/table-of-contents/technical-indicators-and-overlays/technical-indicators/relative-strength-index-rsi
 *
 * The first ready RSI only sets the previous value, so nothing fires before period + 2 prices.
 */
export class RsiThreshold implements Strategy {
  readonly name = 'rsi-threshold';
  private readonly rsi: RSI;
  /** RSI at the previous tick, null until the RSI is ready. */
  private previous: number | null = null;
  private lastPrice: number | null = null;

  constructor(
    readonly venue: string,
    readonly symbol: string,
    private readonly params: RsiThresholdParams = RSI_THRESHOLD_DEFAULTS,
  ) {
    const { oversold, overbought } = params;
    if (!(oversold > 0 && oversold < overbought && overbought < 100))
      throw new RangeError(
        `rsi-threshold needs 0 < oversold (${oversold}) < overbought (${overbought}) < 100`,
      );
    checkQty('rsi-threshold', params.qty);
    this.rsi = new RSI(params.period);
  }

  onTick(tick: Tick, now: Micros): Decision | undefined {
    const price = Number(tick.price);
    const r = this.rsi.update(price);
    this.lastPrice = price;
    if (r === undefined) return undefined;
    const prev = this.previous;
    this.previous = r;
    if (prev === null) return undefined;
    const { period, oversold, overbought, qty } = this.params;
    if (prev < oversold && r >= oversold) {
      const reason = `RSI${period} crossed up through ${oversold} (${fmt(prev)} → ${fmt(r)})`;
      return makeDecision(this.name, tick, now, 'BUY', qty, reason, this.indicators());
    }
    if (prev > overbought && r <= overbought) {
      const reason = `RSI${period} crossed down through ${overbought} (${fmt(prev)} → ${fmt(r)})`;
      return makeDecision(this.name, tick, now, 'SELL', qty, reason, this.indicators());
    }
    return undefined;
  }

  indicators(): Record<string, number> {
    const out: Record<string, number> = {};
    if (this.lastPrice !== null) out.price = this.lastPrice;
    if (this.rsi.value !== undefined) out[`rsi${this.params.period}`] = this.rsi.value;
    return out;
  }

  snapshot(): IndicatorState {
    return {
      kind: this.name,
      rsi: this.rsi.snapshot(),
      previous: this.previous,
      lastPrice: this.lastPrice,
    };
  }

  restore(state: IndicatorState): void {
    if (state.kind !== this.name) throw new IndicatorStateError(`${this.name}: bad kind`);
    const rsi = readState(state, 'rsi', this.name);
    const previous = readNullableNumber(state, 'previous', this.name);
    const lastPrice = readNullableNumber(state, 'lastPrice', this.name);
    restoreAll([[this.rsi, rsi]]);
    this.previous = previous;
    this.lastPrice = lastPrice;
  }
}
