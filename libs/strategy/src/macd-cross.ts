import type { Decision, Micros, Tick } from '@tickflow/core';
import { type EmaSeed, type IndicatorState, IndicatorStateError, MACD } from '@tickflow/indicators';
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

export interface MacdCrossParams {
  fast: number;
  slow: number;
  signal: number;
  /** EMA seeding (see libs/indicators MACD): 'first' (trading-signals) or 'sma' (TA-Lib). */
  seed: EmaSeed;
  /** Quantity per decision, a decimal string (a RiskGate's sizing replaces it). */
  qty: string;
}

export const MACD_CROSS_DEFAULTS: MacdCrossParams = {
  fast: 12,
  slow: 26,
  signal: 9,
  seed: 'first',
  qty: '1',
};

/**
 * `macd-cross` — MACD signal-line crossover: BUY when the MACD line crosses above its signal line
 * (the histogram turns positive), SELL when it crosses below (the histogram turns negative).
 * Reference: https://chartschool.stockcharts.com/table-of-contents/technical-indicators-and-overlays/technical-indicators/macd-moving-average-convergence-divergence-oscillator
 *
 * As in SmaCross, the first side seen after warm-up is not a decision (with 'first' seeding the
 * first histogram is exactly 0 anyway), and a histogram of exactly 0 keeps the previous side.
 */
export class MacdCross implements Strategy {
  readonly name = 'macd-cross';
  private readonly macd: MACD;
  /** Sign of the histogram at the last tick where it was not 0: 1, -1, or 0 before any. */
  private side: -1 | 0 | 1 = 0;
  private lastPrice: number | null = null;

  constructor(
    readonly venue: string,
    readonly symbol: string,
    private readonly params: MacdCrossParams = MACD_CROSS_DEFAULTS,
  ) {
    this.macd = new MACD(params.fast, params.slow, params.signal, params.seed);
    checkQty('macd-cross', params.qty);
  }

  onTick(tick: Tick, now: Micros): Decision | undefined {
    const price = Number(tick.price);
    const m = this.macd.update(price);
    this.lastPrice = price;
    if (m === undefined || m.histogram === 0) return undefined;
    const side = m.histogram > 0 ? 1 : -1;
    const previous = this.side;
    this.side = side;
    if (previous === 0 || previous === side) return undefined;
    const reason = `MACD crossed ${side > 0 ? 'above' : 'below'} its signal line (${fmt(m.macd)} ${side > 0 ? '>' : '<'} ${fmt(m.signal)})`;
    return makeDecision(
      this.name,
      tick,
      now,
      side > 0 ? 'BUY' : 'SELL',
      this.params.qty,
      reason,
      this.indicators(),
    );
  }

  indicators(): Record<string, number> {
    const out: Record<string, number> = {};
    if (this.lastPrice !== null) out.price = this.lastPrice;
    const m = this.macd.value;
    if (m !== undefined) {
      // Copied field by field: the indicator reuses its result object.
      out.macd = m.macd;
      out.signal = m.signal;
      out.histogram = m.histogram;
    }
    return out;
  }

  snapshot(): IndicatorState {
    return { kind: this.name, macd: this.macd.snapshot(), side: this.side, lastPrice: this.lastPrice };
  }

  restore(state: IndicatorState): void {
    if (state.kind !== this.name) throw new IndicatorStateError(`${this.name}: bad kind`);
    const macd = readState(state, 'macd', this.name);
    const side = readSide(state, 'side', this.name);
    const lastPrice = readNullableNumber(state, 'lastPrice', this.name);
    restoreAll([[this.macd, macd]]);
    this.side = side;
    this.lastPrice = lastPrice;
  }
}
