/**
 * Stochastic oscillator (Lane): %K and %D over OHLC bars.
 * Reference: https://en.wikipedia.org/wiki/Stochastic_oscillator
 *
 *   fast %K = 100 * (close - lowest low) / (highest high - lowest low)   over the last `kPeriod` bars
 *   %K      = SMA(`slowing`) of fast %K      (slowing 1 = the "fast" stochastic, 3 = the "slow" one)
 *   %D      = SMA(`dPeriod`) of %K
 * A flat window (highest high = lowest low) gives fast %K = 0, as TA-Lib, trading-signals and
 * technicalindicators do (the alternative, 50, is equally arbitrary; matching them keeps the oracles).
 *
 * Ready after kPeriod + slowing + dPeriod - 2 bars (16 for 14/3/1); `value` is undefined until %D is
 * ready, while the `k` getter already shows %K. Differences from the oracles:
 * - trading-signals StochasticOscillator({kPeriod, kSlowingPeriod: slowing, dPeriod}): same values and
 *   ready-after; it also returns stochJ (3K - 2D), which we leave to the caller.
 * - technicalindicators Stochastic({period, signalPeriod}): no slowing; it returns {k, d: undefined}
 *   from bar `period`, before %D is ready — our `k` getter gives that %K.
 *
 * The window extremes come from two monotonic deques (O(1) amortised) holding the window WITHOUT its
 * newest bar; the newest bar's high/low are kept apart and combined at read time, so `replace` (a live
 * bar revised) only overwrites them: O(1) and exact, no deque undo needed.
 *
 * The result object is reused across updates (no allocation per update): copy it to keep it.
 */
import { checkBar, checkPeriod, count, expectKind, num, numOrNull, obj } from './bar-internal.ts';
import { MonoDeque, RingSum } from './bar-windows.ts';
import type { Bar, Indicator, IndicatorState } from './indicator.ts';

export interface StochasticResult {
  /** %K in [0, 100] for bars with low <= close <= high. */
  k: number;
  /** %D: the `dPeriod` simple average of %K. */
  d: number;
}

export class Stochastic implements Indicator<Bar, StochasticResult> {
  private readonly highs: MonoDeque; // max of high over the window minus its newest bar
  private readonly lows: MonoDeque; // max of -low over the same bars
  private readonly slow: RingSum | undefined; // undefined when slowing = 1 (%K is fast %K)
  private readonly dSum: RingSum;
  private n = 0; // bars seen
  private lastHigh = 0;
  private lastLow = 0;
  private kValue: number | undefined;
  private readonly result: StochasticResult = { k: 0, d: 0 };

  constructor(
    readonly kPeriod = 14,
    readonly dPeriod = 3,
    readonly slowing = 1,
  ) {
    checkPeriod('Stochastic', 'kPeriod', kPeriod);
    checkPeriod('Stochastic', 'dPeriod', dPeriod);
    checkPeriod('Stochastic', 'slowing', slowing);
    this.highs = new MonoDeque(kPeriod);
    this.lows = new MonoDeque(kPeriod);
    this.slow = slowing > 1 ? new RingSum(slowing) : undefined;
    this.dSum = new RingSum(dPeriod);
  }

  update(bar: Bar): StochasticResult | undefined {
    checkBar('Stochastic', bar);
    if (this.n > 0) {
      // The previous newest bar joins the deques; bars older than the new window leave them.
      const oldest = this.n - this.kPeriod + 1;
      this.highs.push(this.n - 1, this.lastHigh);
      this.highs.evictBefore(oldest);
      this.lows.push(this.n - 1, -this.lastLow);
      this.lows.evictBefore(oldest);
    }
    this.n++;
    return this.apply(bar, false);
  }

  replace(bar: Bar): StochasticResult | undefined {
    if (this.n === 0) return this.update(bar);
    checkBar('Stochastic', bar);
    return this.apply(bar, true);
  }

  private apply(bar: Bar, revise: boolean): StochasticResult | undefined {
    this.lastHigh = bar.high;
    this.lastLow = bar.low;
    if (this.n < this.kPeriod) return undefined;
    const hh = Math.max(this.highs.front, bar.high);
    const ll = Math.min(-this.lows.front, bar.low);
    const range = hh - ll;
    const fastK = range > 0 ? ((bar.close - ll) / range) * 100 : 0;
    let k: number | undefined = fastK;
    if (this.slow !== undefined) {
      if (revise) this.slow.replace(fastK);
      else this.slow.update(fastK);
      k = this.slow.mean;
    }
    this.kValue = k;
    if (k === undefined) return undefined;
    if (revise) this.dSum.replace(k);
    else this.dSum.update(k);
    const d = this.dSum.mean;
    if (d === undefined) return undefined;
    this.result.k = k;
    this.result.d = d;
    return this.result;
  }

  /** %K of the newest bar, available before %D is ready; undefined for the first kPeriod+slowing-2 bars. */
  get k(): number | undefined {
    return this.kValue;
  }

  get isReady(): boolean {
    return this.dSum.full;
  }

  get value(): StochasticResult | undefined {
    return this.isReady ? this.result : undefined;
  }

  snapshot(): IndicatorState {
    return {
      kind: 'Stochastic',
      kPeriod: this.kPeriod,
      dPeriod: this.dPeriod,
      slowing: this.slowing,
      n: this.n,
      lastHigh: this.lastHigh,
      lastLow: this.lastLow,
      k: this.kValue ?? null,
      result: { k: this.result.k, d: this.result.d },
      highs: this.highs.snapshot(),
      lows: this.lows.snapshot(),
      slow: this.slow?.snapshot() ?? null,
      dSum: this.dSum.snapshot(),
    };
  }

  restore(state: IndicatorState): void {
    expectKind(state, 'Stochastic', { kPeriod: this.kPeriod, dPeriod: this.dPeriod, slowing: this.slowing });
    const result = obj(state, 'result');
    this.result.k = num(result, 'k');
    this.result.d = num(result, 'd');
    this.n = count(state, 'n');
    this.lastHigh = num(state, 'lastHigh');
    this.lastLow = num(state, 'lastLow');
    this.kValue = numOrNull(state, 'k');
    this.highs.restore(obj(state, 'highs'));
    this.lows.restore(obj(state, 'lows'));
    if (this.slow !== undefined) this.slow.restore(obj(state, 'slow'));
    this.dSum.restore(obj(state, 'dSum'));
  }
}

/** Batch form: the Stochastic at every bar (a fresh object each), undefined while warming up. */
export function stochasticSeries(
  bars: readonly Bar[],
  kPeriod = 14,
  dPeriod = 3,
  slowing = 1,
): (StochasticResult | undefined)[] {
  const stoch = new Stochastic(kPeriod, dPeriod, slowing);
  return bars.map((bar) => {
    const r = stoch.update(bar);
    return r === undefined ? undefined : { k: r.k, d: r.d };
  });
}
