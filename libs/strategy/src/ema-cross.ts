import type { Decision, Micros, Tick } from '@tickflow/core';
import { EMA, type EmaSeed, type IndicatorState, IndicatorStateError } from '@tickflow/indicators';
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

export interface EmaCrossParams {
  fast: number;
  slow: number;
  /** EMA seeding (see libs/indicators EMA): 'first' (trading-signals) or 'sma' (TA-Lib). */
  seed: EmaSeed;
  /** Quantity per decision, a decimal string (a RiskGate's sizing replaces it). */
  qty: string;
}

export const EMA_CROSS_DEFAULTS: EmaCrossParams = { fast: 12, slow: 26, seed: 'first', qty: '1' };

/**
 * `ema-cross` — EMA crossover: BUY when the fast EMA crosses above the slow one, SELL when it
 * crosses below. Same rule as SmaCross with exponential averages, which react faster to a turn.
 * Reference: https://chartschool.stockcharts.com/table-of-contents/technical-indicators-and-overlays/technical-overlays/moving-averages-simple-and-exponential
 *
 * Nothing fires until both EMAs are ready and a first side (fast above or below slow) has been seen,
 * so the first decision is a real cross, never the initial ordering. Equal averages keep the side.
 */
export class EmaCross implements Strategy {
  readonly name = 'ema-cross';
  private readonly fast: EMA;
  private readonly slow: EMA;
  /** Sign of fast - slow at the last tick where they differed: 1, -1, or 0 before any. */
  private side: -1 | 0 | 1 = 0;
  private lastPrice: number | null = null;

  constructor(
    readonly venue: string,
    readonly symbol: string,
    private readonly params: EmaCrossParams = EMA_CROSS_DEFAULTS,
  ) {
    if (params.fast >= params.slow)
      throw new RangeError(`ema-cross fast period ${params.fast} must be < slow ${params.slow}`);
    checkQty('ema-cross', params.qty);
    this.fast = new EMA(params.fast, params.seed);
    this.slow = new EMA(params.slow, params.seed);
  }

  onTick(tick: Tick, now: Micros): Decision | undefined {
    const price = Number(tick.price);
    const f = this.fast.update(price);
    const s = this.slow.update(price);
    this.lastPrice = price;
    if (f === undefined || s === undefined || f === s) return undefined;
    const side = f > s ? 1 : -1;
    const previous = this.side;
    this.side = side;
    if (previous === 0 || previous === side) return undefined;
    const { fast, slow } = this.params;
    const reason =
      side > 0
        ? `EMA${fast} crossed above EMA${slow} (${fmt(f)} > ${fmt(s)})`
        : `EMA${fast} crossed below EMA${slow} (${fmt(f)} < ${fmt(s)})`;
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
    if (this.fast.value !== undefined) out[`ema${this.params.fast}`] = this.fast.value;
    if (this.slow.value !== undefined) out[`ema${this.params.slow}`] = this.slow.value;
    return out;
  }

  snapshot(): IndicatorState {
    return {
      kind: this.name,
      fast: this.fast.snapshot(),
      slow: this.slow.snapshot(),
      side: this.side,
      lastPrice: this.lastPrice,
    };
  }

  restore(state: IndicatorState): void {
    // Read everything before changing anything, so a bad state leaves this instance untouched.
    if (state.kind !== this.name) throw new IndicatorStateError(`${this.name}: bad kind`);
    const fast = readState(state, 'fast', this.name);
    const slow = readState(state, 'slow', this.name);
    const side = readSide(state, 'side', this.name);
    const lastPrice = readNullableNumber(state, 'lastPrice', this.name);
    restoreAll([
      [this.fast, fast],
      [this.slow, slow],
    ]);
    this.side = side;
    this.lastPrice = lastPrice;
  }
}
