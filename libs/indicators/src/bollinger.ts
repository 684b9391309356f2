import type { Indicator, IndicatorState } from './indicator.ts';
import { checkFinite, checkPeriod, expectKind, readNumber, readObject } from './price-internal.ts';
import { RollingVariance } from './variance.ts';

/** One reading of Bollinger Bands. */
export interface BollingerBandsResult {
  /** Simple moving average of the window. */
  middle: number;
  /** middle + multiplier · σ (population σ). */
  upper: number;
  /** middle − multiplier · σ. */
  lower: number;
  /** %b = (latest − lower) / (upper − lower); 0.5 when the bands touch (σ = 0). */
  percentB: number;
  /** (upper − lower) / middle; follows IEEE division (±Infinity or NaN) when middle is 0. */
  bandwidth: number;
}

/**
 * Bollinger Bands: the SMA of the last `period` values ± `multiplier` population standard deviations,
 * with %b and bandwidth. O(1) per update (a `RollingVariance` underneath).
 * Reference: https://chartschool.stockcharts.com/table-of-contents/technical-indicators-and-overlays/technical-overlays/bollinger-bands
 *
 * The result object is reused: `update`, `replace` and `value` return the SAME object, overwritten by
 * the next update/replace/restore, so the hot path allocates nothing. Copy it (`{ ...bands }`) to keep
 * a reading; `bollingerSeries` returns copies.
 *
 * σ is the population standard deviation (divide by `period`), as trading-signals `BollingerBands` and
 * technicalindicators `BollingerBands` use. %b with σ = 0 is 0.5, as trading-signals `PercentB`
 * (technicalindicators returns NaN there). The middle band is the window mean kept by Welford's update,
 * which differs from the oracles' Σx / n in the last bits only. Ready after `period` values.
 */
export class BollingerBands implements Indicator<number, BollingerBandsResult> {
  private stats: RollingVariance;
  private latest = 0;
  private readonly result: BollingerBandsResult = {
    middle: 0,
    upper: 0,
    lower: 0,
    percentB: 0,
    bandwidth: 0,
  };

  constructor(
    readonly period = 20,
    readonly multiplier = 2,
  ) {
    checkPeriod('BollingerBands', 'period', period);
    if (!Number.isFinite(multiplier) || multiplier <= 0)
      throw new RangeError(`BollingerBands multiplier must be a finite number > 0, got ${multiplier}`);
    this.stats = new RollingVariance(period, 'population');
  }

  update(x: number): BollingerBandsResult | undefined {
    checkFinite('BollingerBands', x);
    this.latest = x;
    this.stats.update(x);
    return this.refresh();
  }

  replace(x: number): BollingerBandsResult | undefined {
    checkFinite('BollingerBands', x);
    this.latest = x;
    this.stats.replace(x);
    return this.refresh();
  }

  get isReady(): boolean {
    return this.stats.isReady;
  }

  get value(): BollingerBandsResult | undefined {
    return this.stats.isReady ? this.result : undefined;
  }

  snapshot(): IndicatorState {
    return {
      kind: 'BollingerBands',
      period: this.period,
      multiplier: this.multiplier,
      latest: this.latest,
      stats: this.stats.snapshot(),
    };
  }

  restore(state: IndicatorState): void {
    expectKind(state, 'BollingerBands', { period: this.period, multiplier: this.multiplier });
    const latest = readNumber(state, 'latest');
    const stats = new RollingVariance(this.period, 'population');
    stats.restore(readObject(state, 'stats'));
    this.stats = stats;
    this.latest = latest;
    this.refresh();
  }

  private refresh(): BollingerBandsResult | undefined {
    const variance = this.stats.populationVariance;
    if (variance === undefined) return undefined;
    const middle = this.stats.mean as number;
    const halfWidth = this.multiplier * Math.sqrt(variance);
    const r = this.result;
    r.middle = middle;
    r.upper = middle + halfWidth;
    r.lower = middle - halfWidth;
    const range = r.upper - r.lower;
    r.percentB = range === 0 ? 0.5 : (this.latest - r.lower) / range;
    r.bandwidth = range / middle;
    return r;
  }
}

/** Batch form: a copy of the bands at every index (undefined until the window is full). */
export function bollingerSeries(
  values: readonly number[],
  period = 20,
  multiplier = 2,
): (BollingerBandsResult | undefined)[] {
  const bands = new BollingerBands(period, multiplier);
  return values.map((x) => {
    const r = bands.update(x);
    return r === undefined ? undefined : { ...r };
  });
}
