import fc from 'fast-check';
import * as TI from 'technicalindicators';
import * as TS from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { MACD, type MacdResult, macdSeries } from './macd.ts';
import { anyPrices, describeIndicatorContract, expectClose, gbmPath, resultOf } from './price-test-kit.ts';

type Periods = [fast: number, slow: number, signal: number];

function expectSameReading(
  got: MacdResult | undefined,
  want: MacdResult | undefined,
  where: string,
  level: number,
) {
  if (want === undefined) return expect(got, where).toBeUndefined();
  if (got === undefined) return expect.fail(`${where}: not ready where the oracle is`);
  // MACD is a difference of two averages of the prices: compare relative to the price level.
  for (const key of ['macd', 'signal', 'histogram'] as const)
    expectClose(got[key] / level, want[key] / level, `${where} ${key}`);
}

function expectMatchesTradingSignals(values: readonly number[], [fast, slow, signal]: Periods) {
  const ts = new TS.MACD(new TS.EMA(fast), new TS.EMA(slow), new TS.EMA(signal));
  const ours = macdSeries(values, fast, slow, signal);
  const level = Math.max(1, ...values.map(Math.abs));
  values.forEach((x, i) => {
    ts.add(x);
    expectSameReading(ours[i], resultOf(ts), `trading-signals[${i}]`, level);
  });
}

function expectMatchesTechnicalIndicators(values: readonly number[], [fast, slow, signal]: Periods) {
  const ti = new TI.MACD({
    fastPeriod: fast,
    slowPeriod: slow,
    signalPeriod: signal,
    SimpleMAOscillator: false,
    SimpleMASignal: false,
    values: [],
  });
  const ours = macdSeries(values, fast, slow, signal, 'sma');
  const level = Math.max(1, ...values.map(Math.abs));
  values.forEach((x, i) => {
    const t = ti.nextValue(x);
    // technicalindicators emits the MACD line alone before the signal exists; we wait for all three.
    const want =
      t?.signal === undefined || t.histogram === undefined || t.MACD === undefined
        ? undefined
        : { macd: t.MACD, signal: t.signal, histogram: t.histogram };
    expectSameReading(ours[i], want, `technicalindicators[${i}]`, level);
  });
}

const periods = fc
  .tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 14 }), fc.integer({ min: 1, max: 9 }))
  .map(([fast, extra, signal]): Periods => [fast, fast + extra, signal]);

describe('MACD', () => {
  it("matches trading-signals MACD within 1e-9 with 'first' seeding (the default)", () => {
    fc.assert(fc.property(periods, anyPrices(), (p, values) => expectMatchesTradingSignals(values, p)));
  });

  it("matches technicalindicators MACD (EMA oscillator and signal) within 1e-9 with 'sma' seeding", () => {
    fc.assert(fc.property(periods, anyPrices(), (p, values) => expectMatchesTechnicalIndicators(values, p)));
  });

  it('matches both oracles on a 2,000-price GBM path with jumps', () => {
    const values = gbmPath();
    expectMatchesTradingSignals(values, [12, 26, 9]);
    expectMatchesTechnicalIndicators(values, [12, 26, 9]);
  });

  it('matches trading-signals when live values are replaced', () => {
    fc.assert(
      fc.property(
        anyPrices(),
        fc.array(fc.boolean(), { minLength: 120, maxLength: 120 }),
        (values, flags) => {
          const ours = new MACD(3, 6, 4);
          const ts = new TS.MACD(new TS.EMA(3), new TS.EMA(6), new TS.EMA(4));
          const level = Math.max(1, ...values.map(Math.abs));
          values.forEach((x, i) => {
            const replace = i > 0 && flags[i] === true;
            const got = replace ? ours.replace(x) : ours.update(x);
            if (replace) ts.replace(x);
            else ts.add(x);
            expectSameReading(got, resultOf(ts), `step ${i}`, level);
          });
        },
      ),
    );
  });

  it("is ready after slowPeriod prices with 'first' seeding (like trading-signals) and slow + signal − 1 with 'sma'", () => {
    const values = gbmPath(40);
    expect(macdSeries(values).findIndex((r) => r !== undefined)).toBe(25);
    expect(macdSeries(values, 12, 26, 9, 'sma').findIndex((r) => r !== undefined)).toBe(33);
    const ours = new MACD();
    const ts = new TS.MACD(new TS.EMA(12), new TS.EMA(26), new TS.EMA(9));
    for (const x of values) {
      ours.update(x);
      ts.add(x);
      expect(ours.isReady).toBe(resultOf(ts) !== undefined);
    }
  });

  it('reuses one result object; macdSeries returns copies', () => {
    const macd = new MACD(2, 3, 2);
    const values = gbmPath(10);
    let last: MacdResult | undefined;
    for (const x of values) last = macd.update(x) ?? last;
    expect(macd.value).toBe(last);
    const series = macdSeries(values, 2, 3, 2);
    expect(series[8]).not.toBe(series[9]);
    expect(series[9]).toEqual(last);
  });

  it('throws RangeError for bad periods, a fast period not below the slow one, or an unknown seeding', () => {
    expect(() => new MACD(0, 26, 9)).toThrow(RangeError);
    expect(() => new MACD(12, 26, 0)).toThrow(RangeError);
    expect(() => new MACD(12, 26.5, 9)).toThrow(RangeError);
    expect(() => new MACD(26, 26, 9)).toThrow(RangeError);
    expect(() => new MACD(30, 26, 9)).toThrow(RangeError);
    expect(() => new MACD(12, 26, 9, 'zero' as 'sma')).toThrow(RangeError);
  });
});

describeIndicatorContract('MACD(3, 6, 4)', () => new MACD(3, 6, 4), {
  series: (v) => macdSeries(v, 3, 6, 4),
});
describeIndicatorContract("MACD(3, 6, 4, 'sma')", () => new MACD(3, 6, 4, 'sma'), {
  series: (v) => macdSeries(v, 3, 6, 4, 'sma'),
});
