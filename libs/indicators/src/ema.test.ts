import fc from 'fast-check';
import * as TI from 'technicalindicators';
import * as TS from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { EMA, type EmaSeed, emaSeries } from './ema.ts';
import {
  anyPrices,
  describeIndicatorContract,
  expectSameSeries,
  feedTradingSignals,
  gbmPath,
  resultOf,
} from './price-test-kit.ts';

const tradingSignalsEma = (values: readonly number[], period: number) => {
  const ts = new TS.EMA(period);
  return feedTradingSignals(ts, values);
};
const technicalIndicatorsEma = (values: readonly number[], period: number) => {
  const ti = new TI.EMA({ period, values: [] });
  return values.map((x) => ti.nextValue(x));
};

describe('EMA', () => {
  it("matches trading-signals EMA within 1e-9 with 'first' seeding (the default)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), anyPrices(), (period, values) => {
        expectSameSeries(emaSeries(values, period), tradingSignalsEma(values, period), 'trading-signals');
      }),
    );
  });

  it("matches technicalindicators EMA within 1e-9 with 'sma' seeding", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), anyPrices(), (period, values) => {
        expectSameSeries(
          emaSeries(values, period, 'sma'),
          technicalIndicatorsEma(values, period),
          'technicalindicators',
        );
      }),
    );
  });

  it('matches both oracles on a 2,000-price GBM path with jumps', () => {
    const values = gbmPath();
    for (const period of [1, 9, 20, 200]) {
      expectSameSeries(
        emaSeries(values, period),
        tradingSignalsEma(values, period),
        `trading-signals EMA(${period})`,
      );
      expectSameSeries(
        emaSeries(values, period, 'sma'),
        technicalIndicatorsEma(values, period),
        `technicalindicators EMA(${period})`,
      );
    }
  });

  it('matches trading-signals when live values are replaced', () => {
    fc.assert(
      fc.property(
        anyPrices(),
        fc.array(fc.boolean(), { minLength: 120, maxLength: 120 }),
        (values, flags) => {
          const ours = new EMA(4);
          const ts = new TS.EMA(4);
          values.forEach((x, i) => {
            const replace = i > 0 && flags[i] === true;
            const got = replace ? ours.replace(x) : ours.update(x);
            if (replace) ts.replace(x);
            else ts.add(x);
            expectSameSeries([got], [resultOf(ts)], `step ${i}`);
          });
        },
      ),
    );
  });

  it.each<[EmaSeed]>([['first'], ['sma']])('with %s seeding becomes ready after period values', (seed) => {
    const ema = new EMA(3, seed);
    const ts = new TS.EMA(3);
    for (const x of [10, 11, 12]) {
      expect(ema.isReady).toBe(false);
      expect(ema.value).toBeUndefined();
      ema.update(x);
      ts.add(x);
      expect(ema.isReady).toBe(ts.isStable);
    }
    expect(ema.isReady).toBe(true);
  });

  it('seeds with the first value or with the SMA of the first period values', () => {
    // k = 2 / (3 + 1) = 0.5
    expect(emaSeries([10, 20, 30, 40], 3, 'first')).toEqual([undefined, undefined, 22.5, 31.25]);
    expect(emaSeries([10, 20, 30, 40], 3, 'sma')).toEqual([undefined, undefined, 20, 30]);
  });

  it("exposes the running value during warm-up with 'first' seeding only", () => {
    const first = new EMA(3, 'first');
    const sma = new EMA(3, 'sma');
    first.update(10);
    sma.update(10);
    expect(first.runningValue).toBe(10);
    expect(sma.runningValue).toBeUndefined();
  });

  it.each([[0], [-1], [2.5], [Number.NaN]])('throws RangeError for period %s', (period) => {
    expect(() => new EMA(period)).toThrow(RangeError);
  });

  it('throws RangeError for an unknown seeding', () => {
    expect(() => new EMA(3, 'zero' as EmaSeed)).toThrow(RangeError);
  });
});

describeIndicatorContract('EMA(5)', () => new EMA(5), { series: (v) => emaSeries(v, 5) });
describeIndicatorContract("EMA(5, 'sma')", () => new EMA(5, 'sma'), {
  series: (v) => emaSeries(v, 5, 'sma'),
});
