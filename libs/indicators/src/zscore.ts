import type { Indicator, IndicatorState } from './indicator.ts';
import { checkFinite, checkPeriod, expectKind, readNumber, readObject } from './price-internal.ts';
import { RollingVariance, type VarianceMode } from './variance.ts';

/**
 * Rolling z-score: how many standard deviations the latest value is from the mean of the last
 * `period` values (the window includes the latest value), z = (x − mean) / σ. O(1) per update.
 * Reference: https://en.wikipedia.org/wiki/Standard_score
 *
 * σ is the population standard deviation by default (as trading-signals `getZScore`), or the sample
 * one. When σ is 0 (all values in the window equal) z is 0: the latest value is at the mean.
 * trading-signals' `getZScore` throws there instead, and on a window that is flat only up to rounding
 * (its two-pass mean of equal values can be off by an ulp) it returns an arbitrary ratio of two rounding
 * errors; `RollingVariance` detects a flat window exactly and reports σ = 0.
 * Ready after `period` values; technicalindicators has no z-score.
 */
export class ZScore implements Indicator<number, number> {
  private stats: RollingVariance;
  /** The latest input (replace overwrites it, so it needs no undo copy). */
  private latest = 0;

  constructor(
    readonly period: number,
    readonly mode: VarianceMode = 'population',
  ) {
    checkPeriod('ZScore', 'period', period, mode === 'sample' ? 2 : 1);
    this.stats = new RollingVariance(period, mode);
  }

  update(x: number): number | undefined {
    checkFinite('ZScore', x);
    this.latest = x;
    this.stats.update(x);
    return this.value;
  }

  replace(x: number): number | undefined {
    checkFinite('ZScore', x);
    this.latest = x;
    this.stats.replace(x);
    return this.value;
  }

  get isReady(): boolean {
    return this.stats.isReady;
  }

  get value(): number | undefined {
    const variance = this.stats.value;
    if (variance === undefined) return undefined;
    if (variance === 0) return 0;
    return (this.latest - (this.stats.mean as number)) / Math.sqrt(variance);
  }

  snapshot(): IndicatorState {
    return {
      kind: 'ZScore',
      period: this.period,
      mode: this.mode,
      latest: this.latest,
      stats: this.stats.snapshot(),
    };
  }

  restore(state: IndicatorState): void {
    expectKind(state, 'ZScore', { period: this.period, mode: this.mode });
    const latest = readNumber(state, 'latest');
    const stats = new RollingVariance(this.period, this.mode);
    stats.restore(readObject(state, 'stats'));
    this.stats = stats;
    this.latest = latest;
  }
}

/** Batch form: the z-score at every index (undefined until the window is full). */
export function zScoreSeries(
  values: readonly number[],
  period: number,
  mode: VarianceMode = 'population',
): (number | undefined)[] {
  const z = new ZScore(period, mode);
  return values.map((x) => z.update(x));
}
