import { EMA, type EmaSeed } from './ema.ts';
import type { Indicator, IndicatorState } from './indicator.ts';
import { checkFinite, checkPeriod, checkSeed, expectKind, readObject } from './price-internal.ts';

/** One reading of MACD. */
export interface MacdResult {
  /** EMA(fast) − EMA(slow). */
  macd: number;
  /** EMA(signalPeriod) of the MACD line. */
  signal: number;
  /** macd − signal. */
  histogram: number;
}

/**
 * MACD — Moving Average Convergence/Divergence (default periods 12 / 26 / 9), O(1) per update.
 * Reference: https://chartschool.stockcharts.com/table-of-contents/technical-indicators-and-overlays/technical-indicators/macd-moving-average-convergence-divergence-oscillator
 *
 * The signal EMA is fed the MACD line from the price at which the slow EMA becomes ready.
 * - `'first'` seeding (default) reproduces trading-signals 8 `MACD(new EMA(fast), new EMA(slow),
 *   new EMA(signal))`: fast and slow EMAs seeded with the first price, the signal EMA with the first
 *   MACD value and reported at once, so MACD is ready after `slowPeriod` prices (its first histogram is 0).
 * - `'sma'` seeding reproduces technicalindicators `MACD` with `SimpleMAOscillator: false,
 *   SimpleMASignal: false`: every EMA seeded with an SMA, ready after slowPeriod + signalPeriod − 1
 *   prices. technicalindicators already emits `{ MACD }` with no signal for the signalPeriod − 1 prices
 *   before that; this class reports nothing until all three numbers exist.
 * `fastPeriod` must be below `slowPeriod` (neither oracle checks this).
 *
 * The result object is reused: `update`, `replace` and `value` return the SAME object, overwritten by
 * the next update/replace/restore. Copy it to keep a reading; `macdSeries` returns copies.
 */
export class MACD implements Indicator<number, MacdResult> {
  private fast: EMA;
  private slow: EMA;
  private signal: EMA;
  private readonly result: MacdResult = { macd: 0, signal: 0, histogram: 0 };

  constructor(
    readonly fastPeriod = 12,
    readonly slowPeriod = 26,
    readonly signalPeriod = 9,
    readonly seed: EmaSeed = 'first',
  ) {
    checkPeriod('MACD', 'fastPeriod', fastPeriod);
    checkPeriod('MACD', 'slowPeriod', slowPeriod);
    checkPeriod('MACD', 'signalPeriod', signalPeriod);
    if (fastPeriod >= slowPeriod)
      throw new RangeError(`MACD fastPeriod (${fastPeriod}) must be below slowPeriod (${slowPeriod})`);
    checkSeed('MACD', seed);
    this.fast = new EMA(fastPeriod, seed);
    this.slow = new EMA(slowPeriod, seed);
    this.signal = new EMA(signalPeriod, seed);
  }

  update(x: number): MacdResult | undefined {
    checkFinite('MACD', x);
    return this.step(x, false);
  }

  replace(x: number): MacdResult | undefined {
    checkFinite('MACD', x);
    return this.step(x, true);
  }

  // Whether the signal EMA is fed depends only on how many prices the slow EMA has seen, which a
  // replace does not change: so replacing re-does exactly the stages the replaced update touched.
  private step(x: number, replacing: boolean): MacdResult | undefined {
    if (replacing) {
      this.fast.replace(x);
      this.slow.replace(x);
    } else {
      this.fast.update(x);
      this.slow.update(x);
    }
    if (!this.slow.isReady) return undefined;
    const line = (this.fast.runningValue as number) - (this.slow.value as number);
    if (replacing) this.signal.replace(line);
    else this.signal.update(line);
    return this.refresh();
  }

  get isReady(): boolean {
    return this.signal.runningValue !== undefined;
  }

  get value(): MacdResult | undefined {
    return this.isReady ? this.result : undefined;
  }

  snapshot(): IndicatorState {
    return {
      kind: 'MACD',
      fastPeriod: this.fastPeriod,
      slowPeriod: this.slowPeriod,
      signalPeriod: this.signalPeriod,
      seed: this.seed,
      fast: this.fast.snapshot(),
      slow: this.slow.snapshot(),
      signal: this.signal.snapshot(),
    };
  }

  restore(state: IndicatorState): void {
    expectKind(state, 'MACD', {
      fastPeriod: this.fastPeriod,
      slowPeriod: this.slowPeriod,
      signalPeriod: this.signalPeriod,
      seed: this.seed,
    });
    const fast = new EMA(this.fastPeriod, this.seed);
    const slow = new EMA(this.slowPeriod, this.seed);
    const signal = new EMA(this.signalPeriod, this.seed);
    fast.restore(readObject(state, 'fast'));
    slow.restore(readObject(state, 'slow'));
    signal.restore(readObject(state, 'signal'));
    this.fast = fast;
    this.slow = slow;
    this.signal = signal;
    this.refresh();
  }

  /** Fills the result from the current EMAs; undefined while the signal line does not exist yet. */
  private refresh(): MacdResult | undefined {
    const signal = this.signal.runningValue;
    if (signal === undefined) return undefined;
    const r = this.result;
    r.macd = (this.fast.runningValue as number) - (this.slow.value as number);
    r.signal = signal;
    r.histogram = r.macd - signal;
    return r;
  }
}

/** Batch form: a copy of the MACD reading at every index (undefined until ready). */
export function macdSeries(
  values: readonly number[],
  fastPeriod = 12,
  slowPeriod = 26,
  signalPeriod = 9,
  seed: EmaSeed = 'first',
): (MacdResult | undefined)[] {
  const macd = new MACD(fastPeriod, slowPeriod, signalPeriod, seed);
  return values.map((x) => {
    const r = macd.update(x);
    return r === undefined ? undefined : { ...r };
  });
}
