import fc from 'fast-check';
import * as TS from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { anyPrices, describeIndicatorContract, expectClose, gbmPath } from './price-test-kit.ts';
import type { VarianceMode } from './variance.ts';
import { ZScore, zScoreSeries } from './zscore.ts';

/**
 * trading-signals `getZScore` of every full window, or undefined where it is not comparable: it throws
 * when σ is 0, and when σ is only rounding noise (< 1e-9 of the level) its ratio is noise too.
 */
function tradingSignalsZScores(values: readonly number[], period: number) {
  return values.map((_, i) => {
    if (i + 1 < period) return { ready: false, z: undefined };
    const w = values.slice(i + 1 - period, i + 1);
    const mean = TS.getAverage(w);
    const sd = TS.getStandardDeviation(w, mean);
    if (sd <= 1e-9 * Math.max(1, Math.abs(mean))) return { ready: true, z: undefined };
    return { ready: true, z: TS.getZScore(w) };
  });
}

function expectMatchesTradingSignals(values: readonly number[], period: number) {
  const ours = zScoreSeries(values, period);
  tradingSignalsZScores(values, period).forEach(({ ready, z }, i) => {
    if (!ready) expect(ours[i]).toBeUndefined();
    else if (z !== undefined) expectClose(ours[i], z, `z[${i}]`);
    else expect(ours[i]).toBeDefined();
  });
}

describe('ZScore', () => {
  it('matches trading-signals getZScore within 1e-9 on random series', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 30 }), anyPrices(), (period, values) =>
        expectMatchesTradingSignals(values, period),
      ),
    );
  });

  it('matches trading-signals getZScore on a 2,000-price GBM path with jumps', () => {
    const values = gbmPath();
    for (const period of [2, 20, 200]) expectMatchesTradingSignals(values, period);
  });

  it('uses the sample standard deviation in sample mode', () => {
    const values = [1, 2, 3, 4];
    const mean = 2.5;
    const sampleSd = Math.sqrt((1.5 ** 2 * 2 + 0.5 ** 2 * 2) / 3);
    expect(zScoreSeries(values, 4, 'sample')[3]).toBeCloseTo((4 - mean) / sampleSd, 14);
  });

  it('is 0 for a flat window, where trading-signals throws or returns rounding noise', () => {
    const z = new ZScore(3);
    for (const x of [0.1, 0.1, 0.1]) z.update(x);
    expect(z.value).toBe(0);
    expect(() => TS.getZScore([0.3, 0.3, 0.3])).toThrow();
    // Σ of three 0.1 / 3 is not 0.1: σ ≈ 1e-17 and trading-signals divides one ulp by another.
    expect(TS.getZScore([0.1, 0.1, 0.1])).toBe(-1);
  });

  it('is undefined until period values were seen', () => {
    const z = new ZScore(3);
    expect(z.update(1)).toBeUndefined();
    expect(z.update(2)).toBeUndefined();
    expect(z.isReady).toBe(false);
    expect(z.update(3)).toBeCloseTo(Math.sqrt(3 / 2), 15);
    expect(z.isReady).toBe(true);
  });

  it.each([[0], [-2], [0.5]])('throws RangeError for period %s', (period) => {
    expect(() => new ZScore(period)).toThrow(RangeError);
  });

  it('throws RangeError for a sample z-score over one value or an unknown mode', () => {
    expect(() => new ZScore(1, 'sample')).toThrow(RangeError);
    expect(() => new ZScore(4, 'x' as VarianceMode)).toThrow(RangeError);
  });
});

describeIndicatorContract('ZScore(5)', () => new ZScore(5), { series: (v) => zScoreSeries(v, 5) });
