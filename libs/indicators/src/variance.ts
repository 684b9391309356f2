import type { Indicator, IndicatorState } from './indicator.ts';
import {
  checkFinite,
  checkPeriod,
  expectKind,
  readBoolean,
  readFloats,
  readInteger,
  readNumber,
} from './price-internal.ts';

/**
 * Which divisor a variance uses: `'population'` divides the sum of squared deviations by `period`
 * (trading-signals `BollingerBands` / `getStandardDeviation` and technicalindicators `SD` and
 * `BollingerBands` all do this), `'sample'` by `period − 1` (Bessel's correction; DuckDB `stddev_samp`).
 */
export type VarianceMode = 'population' | 'sample';

/**
 * Rolling variance (and standard deviation) of the last `period` values, O(1) per update.
 * Reference: https://en.wikipedia.org/wiki/Algorithms_for_calculating_variance#Welford's_online_algorithm
 *
 * Numerically stable, with three ideas:
 * - Welford's update of the mean and M2 (sum of squared deviations) while the window fills, then the
 *   oldest value y is swapped for the new x in one step: mean' = mean + (x − y) / n,
 *   M2' = M2 + (x − y) · (x − mean' + y − mean). Unlike Σx² − (Σx)²/n nothing squares the price level.
 * - All of it runs on values shifted by a reference K close to the mean (the first value, then the
 *   mean at each recompute): x − K is exact for prices within a factor 2 of K (Sterbenz), so rounding
 *   scales with the spread of the window, not with its level; σ = 0.001 on a level of 1e9 keeps its
 *   digits (an unshifted running mean would carry ~1e-7 of error per update there).
 * - Removing a value is still a subtraction, whose rounding is relative to the M2 the window had before
 *   (a huge value leaving a window of small ones). So the shift, mean and M2 are recomputed from the
 *   window (two passes, O(period)) whenever M2 falls below a millionth of its largest value since the
 *   last recompute — relative error stays near 1e6 · 2⁻⁵³ ≈ 1e-10; on real prices this happens only
 *   after a volatility collapse — and in any case every `period * 64` updates, which bounds drift.
 * When the last `period` inputs are all equal, the state is set to the exact one (mean = that value,
 * M2 = 0): a flat market gives a variance of exactly 0 (a z-score of 0, a %b of 0.5), not rounding dust.
 * Ready after `period` values.
 */
abstract class RollingMoments implements Indicator<number, number> {
  /** period or period − 1, per mode. */
  private readonly divisor: number;

  private readonly window: Float64Array;
  private next = 0;
  private count = 0;
  /** K: every value enters the arithmetic as x − K. */
  private shift = 0;
  /** Mean of the shifted window; the mean is shift + shiftedMean. */
  private shiftedMean = 0;
  private m2 = 0;
  /** Largest M2 since the last recompute: the scale of the rounding error M2 carries. */
  private m2Peak = 0;
  private sinceRebuild = 0;
  private lastInput = 0;
  /** How many of the latest inputs equal `lastInput`, saturating at `period`. */
  private flatRun = 0;
  private hasUndo = false;
  // The scalars above before the last update, and the ring slot it overwrote.
  private undoCount = 0;
  private undoShift = 0;
  private undoShiftedMean = 0;
  private undoM2 = 0;
  private undoM2Peak = 0;
  private undoSinceRebuild = 0;
  private undoLastInput = 0;
  private undoFlatRun = 0;
  private undoEvicted = 0;
  private readonly rebuildEvery: number;

  constructor(
    readonly period: number,
    readonly mode: VarianceMode,
    /** Names the class in errors and snapshots. */
    private readonly kind: string,
    /** Whether `value` is the standard deviation (else the variance). */
    private readonly squareRoot: boolean,
  ) {
    if (mode !== 'population' && mode !== 'sample')
      throw new RangeError(`${kind} mode must be 'population' or 'sample', got ${String(mode)}`);
    checkPeriod(kind, 'period', period, mode === 'sample' ? 2 : 1);
    this.window = new Float64Array(period);
    this.divisor = mode === 'population' ? period : period - 1;
    this.rebuildEvery = period * 64;
  }

  update(x: number): number | undefined {
    checkFinite(this.kind, x);
    const evicted = this.window[this.next] as number;
    this.hasUndo = true;
    this.undoCount = this.count;
    this.undoShift = this.shift;
    this.undoShiftedMean = this.shiftedMean;
    this.undoM2 = this.m2;
    this.undoM2Peak = this.m2Peak;
    this.undoSinceRebuild = this.sinceRebuild;
    this.undoLastInput = this.lastInput;
    this.undoFlatRun = this.flatRun;
    this.undoEvicted = evicted;

    this.window[this.next] = x;
    if (++this.next === this.period) this.next = 0;
    if (this.count > 0 && x === this.lastInput) {
      if (this.flatRun < this.period) this.flatRun++;
    } else {
      this.flatRun = 1;
    }
    this.lastInput = x;

    if (this.count === 0) this.shift = x;
    const xs = x - this.shift;
    if (this.count < this.period) {
      this.count++;
      const delta = xs - this.shiftedMean;
      this.shiftedMean += delta / this.count;
      this.m2 += delta * (xs - this.shiftedMean);
    } else {
      const ys = evicted - this.shift;
      const delta = xs - ys;
      const oldMean = this.shiftedMean;
      this.shiftedMean += delta / this.period;
      this.m2 += delta * (xs - this.shiftedMean + ys - oldMean);
      this.sinceRebuild++;
    }

    if (this.flatRun === this.period) {
      this.shift = x;
      this.shiftedMean = 0;
      this.m2 = 0;
      this.m2Peak = 0;
      this.sinceRebuild = 0;
    } else if (
      this.count === this.period &&
      (this.m2 < this.m2Peak * 1e-6 || this.sinceRebuild >= this.rebuildEvery)
    ) {
      this.rebuild();
    } else if (this.m2 > this.m2Peak) {
      this.m2Peak = this.m2;
    }
    return this.value;
  }

  replace(x: number): number | undefined {
    checkFinite(this.kind, x);
    if (!this.hasUndo) return this.update(x);
    this.next = (this.next === 0 ? this.period : this.next) - 1;
    this.window[this.next] = this.undoEvicted;
    this.count = this.undoCount;
    this.shift = this.undoShift;
    this.shiftedMean = this.undoShiftedMean;
    this.m2 = this.undoM2;
    this.m2Peak = this.undoM2Peak;
    this.sinceRebuild = this.undoSinceRebuild;
    this.lastInput = this.undoLastInput;
    this.flatRun = this.undoFlatRun;
    return this.update(x);
  }

  get isReady(): boolean {
    return this.count >= this.period;
  }

  /** The variance (RollingVariance) or standard deviation (RollingStdDev) in this instance's mode. */
  get value(): number | undefined {
    if (this.count < this.period) return undefined;
    // Rounding can leave M2 a hair below 0: read as 0.
    const variance = this.m2 > 0 ? this.m2 / this.divisor : 0;
    return this.squareRoot ? Math.sqrt(variance) : variance;
  }

  /** Mean of the window once ready. */
  get mean(): number | undefined {
    return this.count >= this.period ? this.shift + this.shiftedMean : undefined;
  }

  /** M2 / period; rounding can leave M2 a hair below 0, which is read as 0. */
  get populationVariance(): number | undefined {
    if (this.count < this.period) return undefined;
    return this.m2 > 0 ? this.m2 / this.period : 0;
  }

  /** M2 / (period − 1); undefined for period 1, where it is not defined. */
  get sampleVariance(): number | undefined {
    if (this.count < this.period || this.period < 2) return undefined;
    return this.m2 > 0 ? this.m2 / (this.period - 1) : 0;
  }

  snapshot(): IndicatorState {
    return {
      kind: this.kind,
      period: this.period,
      mode: this.mode,
      window: Array.from(this.window),
      next: this.next,
      count: this.count,
      shift: this.shift,
      shiftedMean: this.shiftedMean,
      m2: this.m2,
      m2Peak: this.m2Peak,
      sinceRebuild: this.sinceRebuild,
      lastInput: this.lastInput,
      flatRun: this.flatRun,
      hasUndo: this.hasUndo,
      undoCount: this.undoCount,
      undoShift: this.undoShift,
      undoShiftedMean: this.undoShiftedMean,
      undoM2: this.undoM2,
      undoM2Peak: this.undoM2Peak,
      undoSinceRebuild: this.undoSinceRebuild,
      undoLastInput: this.undoLastInput,
      undoFlatRun: this.undoFlatRun,
      undoEvicted: this.undoEvicted,
    };
  }

  restore(state: IndicatorState): void {
    expectKind(state, this.kind, { period: this.period, mode: this.mode });
    const window = readFloats(state, 'window', this.period);
    const next = readInteger(state, 'next', 0, this.period - 1);
    const count = readInteger(state, 'count', 0, this.period);
    const shift = readNumber(state, 'shift');
    const shiftedMean = readNumber(state, 'shiftedMean');
    const m2 = readNumber(state, 'm2');
    const m2Peak = readNumber(state, 'm2Peak');
    const sinceRebuild = readInteger(state, 'sinceRebuild', 0, this.rebuildEvery);
    const lastInput = readNumber(state, 'lastInput');
    const flatRun = readInteger(state, 'flatRun', 0, this.period);
    const hasUndo = readBoolean(state, 'hasUndo');
    const undoCount = readInteger(state, 'undoCount', 0, this.period);
    const undoShift = readNumber(state, 'undoShift');
    const undoShiftedMean = readNumber(state, 'undoShiftedMean');
    const undoM2 = readNumber(state, 'undoM2');
    const undoM2Peak = readNumber(state, 'undoM2Peak');
    const undoSinceRebuild = readInteger(state, 'undoSinceRebuild', 0, this.rebuildEvery);
    const undoLastInput = readNumber(state, 'undoLastInput');
    const undoFlatRun = readInteger(state, 'undoFlatRun', 0, this.period);
    const undoEvicted = readNumber(state, 'undoEvicted');
    this.window.set(window);
    this.next = next;
    this.count = count;
    this.shift = shift;
    this.shiftedMean = shiftedMean;
    this.m2 = m2;
    this.m2Peak = m2Peak;
    this.sinceRebuild = sinceRebuild;
    this.lastInput = lastInput;
    this.flatRun = flatRun;
    this.hasUndo = hasUndo;
    this.undoCount = undoCount;
    this.undoShift = undoShift;
    this.undoShiftedMean = undoShiftedMean;
    this.undoM2 = undoM2;
    this.undoM2Peak = undoM2Peak;
    this.undoSinceRebuild = undoSinceRebuild;
    this.undoLastInput = undoLastInput;
    this.undoFlatRun = undoFlatRun;
    this.undoEvicted = undoEvicted;
  }

  /** Two-pass mean and M2 from the full window, re-centred on the new mean. */
  private rebuild(): void {
    let sum = 0;
    for (const v of this.window) sum += v;
    const shift = sum / this.period;
    let shiftedSum = 0;
    for (const v of this.window) shiftedSum += v - shift;
    const shiftedMean = shiftedSum / this.period;
    let m2 = 0;
    for (const v of this.window) {
      const d = v - shift - shiftedMean;
      m2 += d * d;
    }
    this.shift = shift;
    this.shiftedMean = shiftedMean;
    this.m2 = m2;
    this.m2Peak = m2;
    this.sinceRebuild = 0;
  }
}

/** Rolling variance of the last `period` values; see `RollingMoments` above for the algorithm. */
export class RollingVariance extends RollingMoments {
  constructor(period: number, mode: VarianceMode = 'population') {
    super(period, mode, 'RollingVariance', false);
  }
}

/**
 * Rolling standard deviation: the square root of the rolling variance in the same mode.
 * Reference: https://en.wikipedia.org/wiki/Standard_deviation
 */
export class RollingStdDev extends RollingMoments {
  constructor(period: number, mode: VarianceMode = 'population') {
    super(period, mode, 'RollingStdDev', true);
  }
}

/** Batch form: the rolling variance at every index (undefined until the window is full). */
export function varianceSeries(
  values: readonly number[],
  period: number,
  mode: VarianceMode = 'population',
): (number | undefined)[] {
  const variance = new RollingVariance(period, mode);
  return values.map((x) => variance.update(x));
}

/** Batch form: the rolling standard deviation at every index (undefined until the window is full). */
export function stdDevSeries(
  values: readonly number[],
  period: number,
  mode: VarianceMode = 'population',
): (number | undefined)[] {
  const stdDev = new RollingStdDev(period, mode);
  return values.map((x) => stdDev.update(x));
}
