import { type Decision, type Micros, type Tick, WIRE_VERSION } from '@tickflow/core';
import { type IndicatorState, IndicatorStateError, SMA } from '@tickflow/indicators';
import { decisionId, type Strategy } from './strategy.ts';

export interface SmaCrossParams {
  fast: number;
  slow: number;
  /** Quantity per decision, a decimal string. */
  qty: string;
}

export const SMA_CROSS_DEFAULTS: SmaCrossParams = { fast: 10, slow: 30, qty: '1' };

/**
 * SMA crossover: BUY when the fast SMA crosses above the slow one, SELL when it crosses below.
 * Nothing fires until both averages are ready and a first side has been seen (warm-up), so the
 * first decision is always a real cross, never the initial ordering of the two averages.
 */
export class SmaCross implements Strategy {
  readonly name = 'sma-cross';
  private readonly fast: SMA;
  private readonly slow: SMA;
  /** Sign of fast - slow at the last tick where they differed: 1, -1, or 0 before any. */
  private side = 0;
  private lastPrice = Number.NaN;

  constructor(
    readonly venue: string,
    readonly symbol: string,
    private readonly params: SmaCrossParams = SMA_CROSS_DEFAULTS,
  ) {
    if (params.fast >= params.slow)
      throw new RangeError(`fast period ${params.fast} must be < slow ${params.slow}`);
    this.fast = new SMA(params.fast);
    this.slow = new SMA(params.slow);
  }

  onTick(tick: Tick, now: Micros): Decision | undefined {
    const price = Number(tick.price);
    this.lastPrice = price;
    const f = this.fast.update(price);
    const s = this.slow.update(price);
    if (f === undefined || s === undefined || f === s) return undefined;
    const side = f > s ? 1 : -1;
    const previous = this.side;
    this.side = side;
    if (previous === 0 || previous === side) return undefined;
    const action = side > 0 ? 'BUY' : 'SELL';
    return {
      v: WIRE_VERSION,
      id: decisionId(this.name, tick.venue, tick.symbol, tick.seq),
      strategy: this.name,
      venue: tick.venue,
      symbol: tick.symbol,
      action,
      qty: this.params.qty,
      refPrice: tick.price,
      tickSeq: tick.seq,
      tickTs: tick.ts,
      decidedAt: now,
      reason: `SMA${this.params.fast} crossed ${side > 0 ? 'above' : 'below'} SMA${this.params.slow}`,
      indicators: this.indicators(),
    };
  }

  snapshot(): IndicatorState {
    return {
      fast: this.fast.snapshot(),
      slow: this.slow.snapshot(),
      side: this.side,
      lastPrice: Number.isNaN(this.lastPrice) ? null : this.lastPrice,
    };
  }

  restore(state: IndicatorState): void {
    const { fast, slow, side, lastPrice } = state;
    if (typeof fast !== 'object' || fast === null || Array.isArray(fast))
      throw new IndicatorStateError('sma-cross: bad fast');
    if (typeof slow !== 'object' || slow === null || Array.isArray(slow))
      throw new IndicatorStateError('sma-cross: bad slow');
    if (side !== 1 && side !== -1 && side !== 0) throw new IndicatorStateError('sma-cross: bad side');
    this.fast.restore(fast);
    this.slow.restore(slow);
    this.side = side;
    this.lastPrice = typeof lastPrice === 'number' ? lastPrice : Number.NaN;
  }

  indicators(): Record<string, number> {
    const out: Record<string, number> = {};
    if (!Number.isNaN(this.lastPrice)) out.price = this.lastPrice;
    if (this.fast.value !== undefined) out[`sma${this.params.fast}`] = this.fast.value;
    if (this.slow.value !== undefined) out[`sma${this.params.slow}`] = this.slow.value;
    return out;
  }
}
