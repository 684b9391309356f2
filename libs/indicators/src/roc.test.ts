import fc from 'fast-check';
import * as TI from 'technicalindicators';
import * as TS from 'trading-signals';
import { describe, expect, it } from 'vitest';
import {
  anyPrices,
  describeIndicatorContract,
  expectSameSeries,
  feedTradingSignals,
  gbmPath,
  resultOf,
} from './price-test-kit.ts';
import { Momentum, momentumSeries, ROC, rocSeries } from './roc.ts';

function rocOracles(values: readonly number[], period: number) {
  const ts = new TS.ROC(period);
  const ti = new TI.ROC({ period, values: [] });
  return {
    ts: feedTradingSignals(ts, values),
    // technicalindicators gives a percentage.
    tiAsFraction: values.map((x) => {
      const v = ti.nextValue(x);
      return v === undefined ? undefined : v / 100;
    }),
  };
}

const tradingSignalsMomentum = (values: readonly number[], period: number) => {
  const ts = new TS.MOM(period);
  return feedTradingSignals(ts, values);
};

describe('ROC', () => {
  it('matches trading-signals ROC and technicalindicators ROC / 100 within 1e-9 on random series', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), anyPrices(), (period, values) => {
        const ours = rocSeries(values, period);
        const { ts, tiAsFraction } = rocOracles(values, period);
        expectSameSeries(ours, ts, 'trading-signals');
        expectSameSeries(ours, tiAsFraction, 'technicalindicators');
      }),
    );
  });

  it('matches both oracles on a 2,000-price GBM path with jumps', () => {
    const values = gbmPath();
    for (const period of [1, 12, 250]) {
      const { ts, tiAsFraction } = rocOracles(values, period);
      expectSameSeries(rocSeries(values, period), ts, `trading-signals ROC(${period})`);
      expectSameSeries(rocSeries(values, period), tiAsFraction, `technicalindicators ROC(${period})`);
    }
  });

  it('is a fraction of the price period steps back, ready after period + 1 values', () => {
    expect(rocSeries([100, 50, 110, 100], 2)).toEqual([undefined, undefined, 0.1, 1]);
    const ours = new ROC(2);
    const ts = new TS.ROC(2);
    for (const x of [1, 2, 3, 4]) {
      ours.update(x);
      ts.add(x);
      expect(ours.isReady).toBe(ts.isStable);
    }
  });

  it('matches trading-signals when live values are replaced', () => {
    fc.assert(
      fc.property(
        anyPrices(),
        fc.array(fc.boolean(), { minLength: 120, maxLength: 120 }),
        (values, flags) => {
          const ours = new ROC(3);
          const ts = new TS.ROC(3);
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

  it.each([[0], [-1], [2.5]])('throws RangeError for period %s', (period) => {
    expect(() => new ROC(period)).toThrow(RangeError);
    expect(() => new Momentum(period)).toThrow(RangeError);
  });
});

describe('Momentum', () => {
  it('matches trading-signals MOM within 1e-9 on random series and a GBM path', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), anyPrices(), (period, values) => {
        expectSameSeries(
          momentumSeries(values, period),
          tradingSignalsMomentum(values, period),
          'trading-signals',
        );
      }),
    );
    const values = gbmPath();
    for (const period of [1, 10, 250]) {
      expectSameSeries(
        momentumSeries(values, period),
        tradingSignalsMomentum(values, period),
        `MOM(${period})`,
      );
    }
  });

  it('is the change over period steps, ready after period + 1 values', () => {
    expect(momentumSeries([100, 50, 110, 100], 2)).toEqual([undefined, undefined, 10, 50]);
  });
});

describeIndicatorContract('ROC(3)', () => new ROC(3), { series: (v) => rocSeries(v, 3) });
describeIndicatorContract('Momentum(3)', () => new Momentum(3), { series: (v) => momentumSeries(v, 3) });
