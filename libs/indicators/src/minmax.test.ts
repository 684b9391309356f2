import fc from 'fast-check';
import * as TI from 'technicalindicators';
import { describe, expect, it } from 'vitest';
import { RollingMax, RollingMin, rollingMaxSeries, rollingMinSeries } from './minmax.ts';
import {
  anyPrices,
  describeIndicatorContract,
  expectExactReplace,
  gbmPath,
  walkPrices,
} from './price-test-kit.ts';

const naive = (values: readonly number[], period: number, pick: (...xs: number[]) => number) =>
  values.map((_, i) => (i + 1 < period ? undefined : pick(...values.slice(i + 1 - period, i + 1))));

function technicalIndicators(values: readonly number[], period: number) {
  const hi = new TI.Highest({ period, values: [] });
  const lo = new TI.Lowest({ period, values: [] });
  return { max: values.map((x) => hi.nextValue(x)), min: values.map((x) => lo.nextValue(x)) };
}

describe('RollingMin and RollingMax', () => {
  it('equal the min and max of the window exactly, and technicalindicators Lowest/Highest', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), anyPrices(), (period, values) => {
        const oracle = technicalIndicators(values, period);
        expect(rollingMinSeries(values, period)).toEqual(naive(values, period, Math.min));
        expect(rollingMaxSeries(values, period)).toEqual(naive(values, period, Math.max));
        expect(rollingMinSeries(values, period)).toEqual(oracle.min);
        expect(rollingMaxSeries(values, period)).toEqual(oracle.max);
      }),
    );
  });

  it('equal both references on a 2,000-price GBM path with jumps', () => {
    const values = gbmPath();
    for (const period of [1, 2, 20, 500]) {
      const oracle = technicalIndicators(values, period);
      expect(rollingMinSeries(values, period)).toEqual(oracle.min);
      expect(rollingMaxSeries(values, period)).toEqual(oracle.max);
      expect(rollingMaxSeries(values, period)).toEqual(naive(values, period, Math.max));
    }
  });

  it('handle monotonic runs that fill the whole deque and ties', () => {
    const down = Array.from({ length: 50 }, (_, i) => 100 - i);
    expect(rollingMaxSeries(down, 7)).toEqual(naive(down, 7, Math.max));
    expect(rollingMinSeries(down, 7)).toEqual(naive(down, 7, Math.min));
    const ties = [5, 5, 5, 4, 5, 5, 6, 6, 5, 5, 5];
    expect(rollingMaxSeries(ties, 3)).toEqual(naive(ties, 3, Math.max));
    expect(rollingMinSeries(ties, 3)).toEqual(naive(ties, 3, Math.min));
  });

  it('replace restores the entries the replaced value had dropped from the deque', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        walkPrices(60),
        fc.double({ min: 1, max: 300, noNaN: true }),
        (period, values, c) => {
          // b far above and far below everything: it drops every entry, then is replaced.
          expectExactReplace(() => new RollingMax(period), values, 1e6, c);
          expectExactReplace(() => new RollingMin(period), values, 1e-6, c);
        },
      ),
    );
  });

  it('are undefined until period values were seen', () => {
    expect(rollingMaxSeries([3, 1, 2], 3)).toEqual([undefined, undefined, 3]);
    expect(new RollingMin(2).value).toBeUndefined();
  });

  it.each([[0], [-1], [3.5]])('throw RangeError for period %s', (period) => {
    expect(() => new RollingMin(period)).toThrow(RangeError);
    expect(() => new RollingMax(period)).toThrow(RangeError);
  });
});

describeIndicatorContract('RollingMin(4)', () => new RollingMin(4), {
  series: (v) => rollingMinSeries(v, 4),
});
describeIndicatorContract('RollingMax(4)', () => new RollingMax(4), {
  series: (v) => rollingMaxSeries(v, 4),
});
describeIndicatorContract('RollingMax(1)', () => new RollingMax(1));
