import fc from 'fast-check';
import * as TI from 'technicalindicators';
import * as TS from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { BollingerBands, type BollingerBandsResult, bollingerSeries } from './bollinger.ts';
import { anyPrices, describeIndicatorContract, expectClose, gbmPath, resultOf } from './price-test-kit.ts';

/** Compares the bands, %b and bandwidth with trading-signals (BollingerBands, PercentB, BBW) and technicalindicators. */
function expectMatchesOracles(values: readonly number[], period: number, multiplier: number) {
  const ours = bollingerSeries(values, period, multiplier);
  const bands = new TS.BollingerBands(period, multiplier);
  const percentB = new TS.PercentB({ interval: period, deviationMultiplier: multiplier });
  const width = new TS.BollingerBandsWidth(new TS.BollingerBands(period, multiplier));
  const ti = new TI.BollingerBands({ period, stdDev: multiplier, values: [] });
  values.forEach((x, i) => {
    bands.add(x);
    percentB.add(x);
    width.add(x);
    const t = ti.nextValue(x);
    const o = ours[i];
    const b = resultOf(bands);
    if (b === undefined) {
      expect(o).toBeUndefined();
      expect(t).toBeUndefined();
      return;
    }
    const at = `[${i}]`;
    if (o === undefined) {
      expect.fail(`${at}: not ready where trading-signals is`);
      return;
    }
    // The bands are compared relative to the price level, where their rounding lives.
    const level = Math.max(1, Math.abs(b.middle));
    for (const key of ['middle', 'upper', 'lower'] as const) {
      expectClose(o[key] / level, b[key] / level, `trading-signals ${key}${at}`);
      expectClose(o[key] / level, (t?.[key] ?? Number.NaN) / level, `technicalindicators ${key}${at}`);
    }
    // %b and bandwidth divide by the band width: only comparable where the bands are not rounding noise.
    if (b.upper - b.lower > 1e-7 * level) {
      expectClose(o.percentB, resultOf(percentB) ?? Number.NaN, `trading-signals %b${at}`, 1e-6);
      expectClose(o.percentB, t?.pb ?? Number.NaN, `technicalindicators %b${at}`, 1e-6);
      expectClose(o.bandwidth, resultOf(width) ?? Number.NaN, `trading-signals bandwidth${at}`, 1e-6);
    }
  });
}

describe('BollingerBands', () => {
  it('matches trading-signals and technicalindicators within 1e-9 on random series', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 30 }),
        fc.constantFrom(1, 2, 2.5),
        anyPrices(),
        (period, multiplier, values) => expectMatchesOracles(values, period, multiplier),
      ),
      { numRuns: 60 },
    );
  });

  it('matches both oracles on a 2,000-price GBM path with jumps', () => {
    const values = gbmPath();
    for (const period of [5, 20, 100]) expectMatchesOracles(values, period, 2);
  });

  it('computes %b and bandwidth from the bands', () => {
    const bands = new BollingerBands(4, 1);
    let r: BollingerBandsResult | undefined;
    for (const x of [2, 4, 4, 6]) r = bands.update(x);
    // mean 4, population σ √2
    expect(r?.middle).toBe(4);
    expect(r?.upper).toBeCloseTo(4 + Math.SQRT2, 14);
    expect(r?.lower).toBeCloseTo(4 - Math.SQRT2, 14);
    expect(r?.percentB).toBeCloseTo((6 - (4 - Math.SQRT2)) / (2 * Math.SQRT2), 14);
    expect(r?.bandwidth).toBeCloseTo((2 * Math.SQRT2) / 4, 14);
  });

  it('reports %b 0.5 and bandwidth 0 on a flat window, like trading-signals PercentB', () => {
    const r = bollingerSeries([7.1, 7.1, 7.1], 3)[2];
    expect(r).toEqual({ middle: 7.1, upper: 7.1, lower: 7.1, percentB: 0.5, bandwidth: 0 });
  });

  it('reuses one result object, overwritten by the next update', () => {
    const bands = new BollingerBands(2);
    const first = bands.update(1) ?? bands.update(2);
    const second = bands.update(3);
    expect(second).toBe(first);
    expect(bands.value).toBe(first);
    expect(second?.middle).toBe(2.5);
  });

  it('returns fresh copies from bollingerSeries', () => {
    const [a, b] = bollingerSeries([1, 2, 3], 2).slice(1);
    expect(a).not.toBe(b);
    expect(a?.middle).toBe(1.5);
  });

  it('becomes ready after period values, like both oracles', () => {
    const ours = new BollingerBands(3);
    const ts = new TS.BollingerBands(3);
    for (const x of [1, 2, 3, 4]) {
      ours.update(x);
      ts.add(x);
      expect(ours.isReady).toBe(ts.isStable);
    }
  });

  it('throws RangeError for a bad period or multiplier', () => {
    expect(() => new BollingerBands(0)).toThrow(RangeError);
    expect(() => new BollingerBands(2.5)).toThrow(RangeError);
    expect(() => new BollingerBands(20, 0)).toThrow(RangeError);
    expect(() => new BollingerBands(20, Number.NaN)).toThrow(RangeError);
  });
});

describeIndicatorContract('BollingerBands(5, 2)', () => new BollingerBands(5, 2), {
  series: (v) => bollingerSeries(v, 5, 2),
});
