import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anyPrices, describeIndicatorContract, expectSameSeries, gbmPath } from './price-test-kit.ts';
import { RealizedVolatility, type RealizedVolMode, realizedVolatilitySeries } from './realized-vol.ts';

/** Direct two-pass computation over each window of log returns. */
function naiveVol(prices: readonly number[], period: number, perYear: number, mode: RealizedVolMode) {
  const returns = prices.map((p, i) => (i === 0 ? Number.NaN : Math.log(p / (prices[i - 1] as number))));
  return prices.map((_, i) => {
    if (i < period) return undefined;
    const w = returns.slice(i + 1 - period, i + 1);
    if (mode === 'zero-mean') return Math.sqrt((perYear * w.reduce((a, r) => a + r * r, 0)) / period);
    const mean = w.reduce((a, b) => a + b, 0) / period;
    return Math.sqrt((perYear * w.reduce((a, r) => a + (r - mean) ** 2, 0)) / (period - 1));
  });
}

describe('RealizedVolatility', () => {
  it('matches the two-pass computation of both modes within 1e-9 on random series', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 30 }),
        fc.constantFrom<RealizedVolMode>('sample', 'zero-mean'),
        fc.constantFrom(1, 252, 525_600),
        anyPrices(),
        (period, mode, perYear, values) => {
          const ours = realizedVolatilitySeries(values, period, perYear, mode);
          expectSameSeries(ours, naiveVol(values, period, perYear, mode), mode);
        },
      ),
    );
  });

  it('matches the two-pass computation on a 2,000-price GBM path with jumps', () => {
    const values = gbmPath();
    for (const mode of ['sample', 'zero-mean'] as const) {
      for (const period of [2, 20, 390]) {
        const ours = realizedVolatilitySeries(values, period, 252, mode);
        expectSameSeries(ours, naiveVol(values, period, 252, mode), `${mode} ${period}`);
      }
    }
  });

  it('recovers the volatility of a synthetic GBM: about 1 % per step × √252', () => {
    const vol = realizedVolatilitySeries(gbmPath(20_000, 5), 19_999, 252).at(-1) as number;
    // 1 % per step plus the jumps (≈ 0.5 % of steps, ±5.5 %): ≈ √(1e-4 + 0.005 · 0.0033) · √252 ≈ 0.17.
    expect(vol).toBeGreaterThan(0.16);
    expect(vol).toBeLessThan(0.19);
  });

  it('is ready after period + 1 prices', () => {
    const vol = new RealizedVolatility(2, 1);
    expect(vol.update(100)).toBeUndefined();
    expect(vol.update(110)).toBeUndefined();
    expect(vol.isReady).toBe(false);
    const r1 = Math.log(1.1);
    const r2 = Math.log(99 / 110);
    const mean = (r1 + r2) / 2;
    expect(vol.update(99)).toBeCloseTo(Math.sqrt((r1 - mean) ** 2 + (r2 - mean) ** 2), 14);
    expect(vol.isReady).toBe(true);
  });

  it('throws RangeError for prices that have no log return: 0, negative, non-finite', () => {
    const vol = new RealizedVolatility(3, 252);
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => vol.update(bad)).toThrow(RangeError);
      expect(() => vol.replace(bad)).toThrow(RangeError);
    }
  });

  it('throws RangeError for bad periods, periods per year or modes', () => {
    expect(() => new RealizedVolatility(0, 252)).toThrow(RangeError);
    expect(() => new RealizedVolatility(1, 252)).toThrow(RangeError);
    expect(new RealizedVolatility(1, 252, 'zero-mean').period).toBe(1);
    expect(() => new RealizedVolatility(2.5, 252)).toThrow(RangeError);
    expect(() => new RealizedVolatility(20, 0)).toThrow(RangeError);
    expect(() => new RealizedVolatility(20, Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => new RealizedVolatility(20, 252, 'ewma' as RealizedVolMode)).toThrow(RangeError);
  });
});

describeIndicatorContract('RealizedVolatility(4, 252)', () => new RealizedVolatility(4, 252), {
  series: (v) => realizedVolatilitySeries(v, 4, 252),
});
describeIndicatorContract(
  "RealizedVolatility(4, 252, 'zero-mean')",
  () => new RealizedVolatility(4, 252, 'zero-mean'),
  {
    series: (v) => realizedVolatilitySeries(v, 4, 252, 'zero-mean'),
  },
);
