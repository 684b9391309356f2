import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SMA, smaSeries } from './sma.ts';

const naiveMean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

const closeTo = (actual: number | undefined, expected: number, rel = 1e-9) =>
  actual !== undefined && Math.abs(actual - expected) <= rel * Math.max(1, Math.abs(expected));

const price = fc.double({ min: 0.01, max: 100_000, noNaN: true, noDefaultInfinity: true });

describe('SMA', () => {
  it('is undefined and not ready until period values were seen', () => {
    const sma = new SMA(3);
    expect(sma.update(1)).toBeUndefined();
    expect(sma.isReady).toBe(false);
    expect(sma.update(2)).toBeUndefined();
    expect(sma.value).toBeUndefined();
    expect(sma.update(6)).toBe(3);
    expect(sma.isReady).toBe(true);
    expect(sma.value).toBe(3);
  });

  it('drops the oldest value once the window is full', () => {
    const sma = new SMA(2);
    sma.update(10);
    sma.update(20);
    expect(sma.update(40)).toBe(30);
    expect(sma.update(0)).toBe(20);
  });

  it('with period 1 returns the last value', () => {
    const sma = new SMA(1);
    expect(sma.update(5)).toBe(5);
    expect(sma.update(-7.5)).toBe(-7.5);
  });

  it.each([[0], [1.5], [-1], [Number.NaN]])('throws RangeError for period %j', (period) => {
    expect(() => new SMA(period)).toThrow(RangeError);
  });

  it('matches the naive mean of the last period values', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(price, { maxLength: 300 }), (period, values) => {
        const sma = new SMA(period);
        values.forEach((x, i) => {
          const got = sma.update(x);
          if (i + 1 < period) expect(got).toBeUndefined();
          else expect(closeTo(got, naiveMean(values.slice(i + 1 - period, i + 1)))).toBe(true);
        });
      }),
    );
  });

  it('stays accurate over a long stream after huge values leave the window', () => {
    const period = 10;
    const sma = new SMA(period);
    let seed = 12345;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const values: number[] = [];
    for (let i = 0; i < 200_000; i++) {
      // Huge, badly scaled values first (they poison a naive running sum), then prices around 1.
      const x = i < 100_000 ? 1e12 * rand() + rand() : 1 + rand();
      values.push(x);
      sma.update(x);
    }
    const expected = naiveMean(values.slice(-period));
    expect(closeTo(sma.value, expected, 1e-12)).toBe(true);
  });
});

describe('smaSeries', () => {
  it('equals feeding the values one by one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), fc.array(price, { maxLength: 100 }), (period, values) => {
        const sma = new SMA(period);
        expect(smaSeries(values, period)).toEqual(values.map((x) => sma.update(x)));
      }),
    );
  });

  it('returns undefined for the warm-up indexes', () => {
    expect(smaSeries([1, 2, 3, 4], 3)).toEqual([undefined, undefined, 2, 3]);
  });

  it('throws RangeError for a bad period', () => {
    expect(() => smaSeries([1], 0)).toThrow(RangeError);
  });
});

describe('SMA input guard', () => {
  it('refuses a NaN instead of letting it poison the running sum', () => {
    const sma = new SMA(2);
    sma.update(1);
    expect(() => sma.update(Number.NaN)).toThrow(RangeError);
    expect(sma.update(1)).toBe(1);
  });
});
