// Oracle and contract tests for the upgraded SMA (replace, snapshot/restore); the original
// behaviour tests stay in sma.test.ts.
import fc from 'fast-check';
import * as TI from 'technicalindicators';
import * as TS from 'trading-signals';
import { describe, expect, it } from 'vitest';
import {
  anyPrices,
  describeIndicatorContract,
  expectExactReplace,
  expectSameSeries,
  feedTradingSignals,
  gbmPath,
  resultOf,
} from './price-test-kit.ts';
import { SMA, smaSeries } from './sma.ts';

function oracles(values: readonly number[], period: number) {
  const ts = new TS.SMA(period);
  const ti = new TI.SMA({ period, values: [] });
  return {
    ts: feedTradingSignals(ts, values),
    ti: values.map((x) => ti.nextValue(x)),
  };
}

describe('SMA against the oracles', () => {
  it('matches trading-signals and technicalindicators SMA within 1e-9 on random series', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), anyPrices(), (period, values) => {
        const ours = smaSeries(values, period);
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
      expectSameSeries(smaSeries(values, period), ts, `trading-signals SMA(${period})`);
      expectSameSeries(smaSeries(values, period), ti, `technicalindicators SMA(${period})`);
    }
  });

  it('matches trading-signals when live values are replaced', () => {
    fc.assert(
      fc.property(
        anyPrices(),
        fc.array(fc.boolean(), { minLength: 120, maxLength: 120 }),
        (values, flags) => {
          const ours = new SMA(5);
          const ts = new TS.SMA(5);
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

  it('becomes ready at the same price as trading-signals', () => {
    const ours = new SMA(4);
    const ts = new TS.SMA(4);
    for (const x of [1, 2, 3, 4, 5]) {
      ours.update(x);
      ts.add(x);
      expect(ours.isReady).toBe(ts.isStable);
    }
  });
});

describe('SMA replace', () => {
  it('replaces inside the window and in the update that rebuilds the running sum', () => {
    // period 2 rebuilds its sum every 128 updates: replace across that update too.
    const values = gbmPath(300);
    for (let cut = 126; cut < 132; cut++) expectExactReplace(() => new SMA(2), values.slice(0, cut), 77, 88);
  });
});

describeIndicatorContract('SMA(3)', () => new SMA(3), { series: (v) => smaSeries(v, 3) });
describeIndicatorContract('SMA(1)', () => new SMA(1));
