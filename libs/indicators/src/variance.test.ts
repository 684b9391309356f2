import fc from 'fast-check';
import * as TI from 'technicalindicators';
import * as TS from 'trading-signals';
import { describe, expect, it } from 'vitest';
import {
  anyPrices,
  describeIndicatorContract,
  expectExactReplace,
  expectSameSeries,
  gbmPath,
} from './price-test-kit.ts';
import {
  RollingStdDev,
  RollingVariance,
  stdDevSeries,
  type VarianceMode,
  varianceSeries,
} from './variance.ts';

/** Two-pass variance of each full window: the definition, no streaming. */
function naiveVariance(values: readonly number[], period: number, mode: VarianceMode) {
  return values.map((_, i) => {
    if (i + 1 < period) return undefined;
    const w = values.slice(i + 1 - period, i + 1);
    const mean = w.reduce((a, b) => a + b, 0) / period;
    const m2 = w.reduce((a, x) => a + (x - mean) ** 2, 0);
    return m2 / (mode === 'population' ? period : period - 1);
  });
}

/** trading-signals' own population standard deviation of each window (what its BollingerBands uses). */
const tradingSignalsStdDev = (values: readonly number[], period: number) =>
  values.map((_, i) =>
    i + 1 < period ? undefined : TS.getStandardDeviation(values.slice(i + 1 - period, i + 1)),
  );

const technicalIndicatorsStdDev = (values: readonly number[], period: number) => {
  const sd = new TI.SD({ period, values: [] });
  return values.map((x) => sd.nextValue(x));
};

describe('RollingVariance and RollingStdDev', () => {
  it('match trading-signals getStandardDeviation and technicalindicators SD (population) within 1e-9', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), anyPrices(), (period, values) => {
        const ours = stdDevSeries(values, period);
        expectSameSeries(ours, tradingSignalsStdDev(values, period), 'trading-signals');
        expectSameSeries(ours, technicalIndicatorsStdDev(values, period), 'technicalindicators');
      }),
    );
  });

  it('match the two-pass definition in both modes on random series', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 30 }),
        fc.constantFrom<VarianceMode>('population', 'sample'),
        anyPrices(),
        (period, mode, values) => {
          expectSameSeries(varianceSeries(values, period, mode), naiveVariance(values, period, mode), mode);
        },
      ),
    );
  });

  it('match both oracles on a 2,000-price GBM path with jumps', () => {
    const values = gbmPath();
    for (const period of [2, 20, 200]) {
      const ours = stdDevSeries(values, period);
      expectSameSeries(ours, tradingSignalsStdDev(values, period), `trading-signals σ(${period})`);
      expectSameSeries(ours, technicalIndicatorsStdDev(values, period), `technicalindicators σ(${period})`);
      const sample = varianceSeries(values, period, 'sample');
      expectSameSeries(sample, naiveVariance(values, period, 'sample'), `sample variance(${period})`);
    }
  });

  it('keeps a tiny spread on a huge price level where Σx² − (Σx)²/n has no digit left', () => {
    const values = gbmPath(5000, 3).map((x) => 1e9 + x / 1000);
    const period = 20;
    const ours = stdDevSeries(values, period);
    const expected = naiveVariance(values, period, 'population').map((v) =>
      v === undefined ? v : Math.sqrt(v),
    );
    let worstOurs = 0;
    let worstSumOfSquares = 0;
    expected.forEach((want, i) => {
      if (want === undefined) return;
      worstOurs = Math.max(worstOurs, Math.abs((ours[i] as number) - want) / want);
      const w = values.slice(i + 1 - period, i + 1);
      const sum = w.reduce((a, b) => a + b, 0);
      const sumSq = w.reduce((a, b) => a + b * b, 0);
      const naive = Math.sqrt(Math.max(0, (sumSq - (sum * sum) / period) / period));
      worstSumOfSquares = Math.max(worstSumOfSquares, Math.abs(naive - want) / want);
    });
    // σ down to 3e-4 on a level of 1e9; the two-pass reference itself is only good to ~1e-6 here.
    expect(worstOurs).toBeLessThan(1e-5);
    expect(worstSumOfSquares).toBeGreaterThan(1);
  });

  it('recovers full accuracy when a huge value leaves a window of small ones', () => {
    const values = [724.3192282914937, 0.07376640956798042, 0.025672059217527025, 0.0301, 0.0299];
    expectSameSeries(varianceSeries(values, 2), naiveVariance(values, 2, 'population'), 'variance', 1e-12);
  });

  it('reports exactly 0 once the window is flat, even after volatile values left it', () => {
    const sd = new RollingStdDev(5);
    for (const x of gbmPath(1000, 11)) sd.update(x * 1000);
    for (let i = 0; i < 5; i++) sd.update(100.1);
    expect(sd.value).toBe(0);
    expect(sd.mean).toBe(100.1);
    sd.update(100.2);
    expect(sd.value).toBeGreaterThan(0);
  });

  it('gives population and sample variance of the same window', () => {
    const v = new RollingVariance(4);
    for (const x of [2, 4, 4, 6]) v.update(x);
    expect(v.value).toBe(2);
    expect(v.populationVariance).toBe(2);
    expect(v.sampleVariance).toBeCloseTo(8 / 3, 15);
    expect(v.mean).toBe(4);
    const s = new RollingStdDev(4, 'sample');
    for (const x of [2, 4, 4, 6]) s.update(x);
    expect(s.value).toBeCloseTo(Math.sqrt(8 / 3), 15);
  });

  it('is undefined until period values were seen', () => {
    expect(stdDevSeries([1, 2, 3], 3)).toEqual([undefined, undefined, Math.sqrt(2 / 3)]);
    expect(new RollingVariance(2).mean).toBeUndefined();
  });

  it('replaces exactly across the update that recomputes mean and M2', () => {
    const values = gbmPath(300);
    for (let cut = 126; cut < 132; cut++)
      expectExactReplace(() => new RollingVariance(2), values.slice(0, cut), 77, 88);
  });

  it.each([[0], [-1], [1.5]])('throws RangeError for period %s', (period) => {
    expect(() => new RollingVariance(period)).toThrow(RangeError);
    expect(() => new RollingStdDev(period)).toThrow(RangeError);
  });

  it('throws RangeError for a sample variance over one value or an unknown mode', () => {
    expect(() => new RollingVariance(1, 'sample')).toThrow(RangeError);
    expect(() => new RollingVariance(5, 'other' as VarianceMode)).toThrow(RangeError);
    expect(new RollingVariance(1).update(3)).toBe(0);
  });
});

describeIndicatorContract('RollingVariance(4)', () => new RollingVariance(4), {
  series: (v) => varianceSeries(v, 4),
});
describeIndicatorContract("RollingStdDev(4, 'sample')", () => new RollingStdDev(4, 'sample'), {
  series: (v) => stdDevSeries(v, 4, 'sample'),
});
