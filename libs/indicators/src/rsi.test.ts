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
import { RSI, rsiSeries } from './rsi.ts';

function oracles(values: readonly number[], period: number) {
  const ts = new TS.RSI(period);
  const ti = new TI.RSI({ period, values: [] });
  return {
    ts: feedTradingSignals(ts, values),
    ti: values.map((x) => ti.nextValue(x)),
  };
}

/** technicalindicators rounds RSI to 2 decimals: within 0.005 of ours (plus float noise). */
function expectMatchesRounded(
  ours: readonly (number | undefined)[],
  rounded: readonly (number | undefined)[],
) {
  ours.forEach((got, i) => {
    const want = rounded[i];
    if (want === undefined) expect(got).toBeUndefined();
    else if (got === undefined || Math.abs(got - want) > 0.005 + 1e-9)
      expect.fail(`technicalindicators[${i}]: got ${got}, expected ${want} ± 0.005`);
  });
}

describe('RSI', () => {
  it('matches trading-signals RSI within 1e-9 and technicalindicators RSI to its 2 decimals on random series', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), anyPrices(), (period, values) => {
        const ours = rsiSeries(values, period);
        const { ts, ti } = oracles(values, period);
        // trading-signals RSI(1) never becomes ready (see the test below).
        if (period > 1) expectSameSeries(ours, ts, 'trading-signals');
        expectMatchesRounded(ours, ti);
      }),
    );
  });

  it('matches both oracles on a 2,000-price GBM path with jumps', () => {
    const values = gbmPath();
    for (const period of [2, 14, 100]) {
      const ours = rsiSeries(values, period);
      const { ts, ti } = oracles(values, period);
      expectSameSeries(ours, ts, `trading-signals RSI(${period})`);
      expectMatchesRounded(ours, ti);
    }
  });

  it('matches trading-signals when live values are replaced', () => {
    fc.assert(
      fc.property(
        anyPrices(),
        fc.array(fc.boolean(), { minLength: 120, maxLength: 120 }),
        (values, flags) => {
          const ours = new RSI(4);
          const ts = new TS.RSI(4);
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

  it('seeds with the simple means of the first period gains and losses, then smooths the Wilder way', () => {
    // Changes +2, −1, +3 → avgGain 5/3, avgLoss 1/3 → RS 5 → RSI 100 − 100/6.
    const rsi = new RSI(3);
    for (const x of [10, 12, 11]) expect(rsi.update(x)).toBeUndefined();
    expect(rsi.update(14)).toBeCloseTo(100 - 100 / 6, 12);
    // Change −2: avgGain = (5/3)·2/3, avgLoss = (1/3·2 + 2)/3.
    const gain = ((5 / 3) * 2) / 3;
    const loss = ((1 / 3) * 2 + 2) / 3;
    expect(rsi.update(12)).toBeCloseTo(100 - 100 / (1 + gain / loss), 12);
  });

  it('is ready after period + 1 prices, exactly when trading-signals is', () => {
    const ours = new RSI(5);
    const ts = new TS.RSI(5);
    gbmPath(10).forEach((x, i) => {
      ours.update(x);
      ts.add(x);
      expect(ours.isReady).toBe(ts.isStable);
      expect(ours.isReady).toBe(i >= 5);
    });
  });

  it('with period 1 is ready after 2 prices, where trading-signals RSI(1) never becomes ready', () => {
    const { ts, ti } = oracles([10, 11, 10, 12], 1);
    expect(ts).toEqual([undefined, undefined, undefined, undefined]);
    expect(ti).toEqual([undefined, 100, 0, 100]);
    expect(rsiSeries([10, 11, 10, 12], 1)).toEqual([undefined, 100, 0, 100]);
  });

  it('is 100 when there were no losses, even on a flat window, like both oracles', () => {
    expect(rsiSeries([5, 5, 5, 5], 3)[3]).toBe(100);
    expect(rsiSeries([5, 6, 7, 8], 3)[3]).toBe(100);
    expect(rsiSeries([8, 7, 6, 5], 3)[3]).toBe(0);
  });

  it.each([[0], [-14], [14.5]])('throws RangeError for period %s', (period) => {
    expect(() => new RSI(period)).toThrow(RangeError);
  });
});

describeIndicatorContract('RSI(4)', () => new RSI(4), { series: (v) => rsiSeries(v, 4) });
