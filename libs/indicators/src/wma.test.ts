import fc from 'fast-check';
import * as TI from 'technicalindicators';
import * as TS from 'trading-signals';
import { describe, expect, it } from 'vitest';
import {
  anyPrices,
  describeIndicatorContract,
  expectClose,
  expectExactReplace,
  expectSameSeries,
  feedTradingSignals,
  gbmPath,
} from './price-test-kit.ts';
import { WMA, wmaSeries } from './wma.ts';

function oracles(values: readonly number[], period: number) {
  const ts = new TS.WMA(period);
  const ti = new TI.WMA({ period, values: [] });
  return {
    ts: feedTradingSignals(ts, values),
    ti: values.map((x) => ti.nextValue(x)),
  };
}

describe('WMA', () => {
  it('matches trading-signals and technicalindicators WMA within 1e-9 on random series', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), anyPrices(), (period, values) => {
        const ours = wmaSeries(values, period);
        const { ts, ti } = oracles(values, period);
        expectSameSeries(ours, ts, 'trading-signals');
        expectSameSeries(ours, ti, 'technicalindicators');
      }),
    );
  });

  it('matches both oracles on a 2,000-price GBM path with jumps', () => {
    const values = gbmPath();
    for (const period of [1, 2, 20, 200]) {
      const { ts, ti } = oracles(values, period);
      expectSameSeries(wmaSeries(values, period), ts, `trading-signals WMA(${period})`);
      expectSameSeries(wmaSeries(values, period), ti, `technicalindicators WMA(${period})`);
    }
  });

  it('weights the newest value most: (1·a + 2·b + 3·c) / 6', () => {
    expect(wmaSeries([6, 12, 18, 0], 3)).toEqual([undefined, undefined, 14, 8]);
  });

  it('stays accurate over a long stream after huge values leave the window', () => {
    const period = 10;
    const wma = new WMA(period);
    const values = gbmPath(100_000, 7).map((x, i) => (i < 50_000 ? x * 1e10 : x));
    for (const x of values) wma.update(x);
    const window = values.slice(-period);
    const expected = window.reduce((acc, x, i) => acc + x * (i + 1), 0) / ((period * (period + 1)) / 2);
    expectClose(wma.value, expected, 'WMA after 100k updates', 1e-12);
  });

  it('replaces exactly across the update that rebuilds the running sums', () => {
    const values = gbmPath(300);
    for (let cut = 126; cut < 132; cut++) expectExactReplace(() => new WMA(2), values.slice(0, cut), 77, 88);
  });

  it('becomes ready after period values, like trading-signals', () => {
    const ours = new WMA(3);
    const ts = new TS.WMA(3);
    for (const x of [1, 2, 3, 4]) {
      ours.update(x);
      ts.add(x);
      expect(ours.isReady).toBe(ts.isStable);
    }
  });

  it.each([[0], [-3], [1.5], [Number.POSITIVE_INFINITY]])('throws RangeError for period %s', (period) => {
    expect(() => new WMA(period)).toThrow(RangeError);
  });
});

describeIndicatorContract('WMA(4)', () => new WMA(4), { series: (v) => wmaSeries(v, 4) });
