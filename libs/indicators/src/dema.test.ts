import fc from 'fast-check';
import * as TS from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { DEMA, demaSeries, TEMA, temaSeries } from './dema.ts';
import type { EmaSeed } from './ema.ts';
import {
  anyPrices,
  describeIndicatorContract,
  expectSameSeries,
  feedTradingSignals,
  gbmPath,
  resultOf,
} from './price-test-kit.ts';

/** Plain-array EMA with SMA seeding (TA-Lib convention): undefined until `period` inputs. */
function naiveSmaSeededEma(values: readonly number[], period: number): (number | undefined)[] {
  const k = 2 / (period + 1);
  let ema: number | undefined;
  return values.map((x, i) => {
    if (i + 1 < period) return undefined;
    if (ema === undefined) ema = values.slice(0, period).reduce((a, b) => a + b, 0) / period;
    else ema = ema + k * (x - ema);
    return ema;
  });
}

/** EMA of an EMA series that starts when the inner one is ready. */
function chain(values: readonly (number | undefined)[], period: number): (number | undefined)[] {
  const start = values.findIndex((v) => v !== undefined);
  if (start < 0) return values.map(() => undefined);
  const inner = naiveSmaSeededEma(values.slice(start) as number[], period);
  return [...values.slice(0, start).map(() => undefined), ...inner];
}

function naiveDema(values: readonly number[], period: number) {
  const e1 = naiveSmaSeededEma(values, period);
  const e2 = chain(e1, period);
  return e1.map((a, i) => {
    const b = e2[i];
    return a === undefined || b === undefined ? undefined : 2 * a - b;
  });
}

function naiveTema(values: readonly number[], period: number) {
  const e1 = naiveSmaSeededEma(values, period);
  const e2 = chain(e1, period);
  const e3 = chain(e2, period);
  return e1.map((a, i) => {
    const b = e2[i];
    const c = e3[i];
    return a === undefined || b === undefined || c === undefined ? undefined : 3 * a - 3 * b + c;
  });
}

const tsSeries = (oracle: TS.DEMA | TS.TEMA, values: readonly number[]) => feedTradingSignals(oracle, values);

describe('DEMA', () => {
  it("matches trading-signals DEMA within 1e-9 with 'first' seeding (the default)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), anyPrices(), (period, values) => {
        expectSameSeries(
          demaSeries(values, period),
          tsSeries(new TS.DEMA(period), values),
          'trading-signals',
        );
      }),
    );
  });

  it("matches 2·EMA − EMA(EMA) with SMA-seeded EMAs (TA-Lib) with 'sma' seeding", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), anyPrices(), (period, values) => {
        expectSameSeries(demaSeries(values, period, 'sma'), naiveDema(values, period), 'naive DEMA');
      }),
    );
  });

  it('matches trading-signals and the SMA-seeded reference on a 2,000-price GBM path', () => {
    const values = gbmPath();
    for (const period of [2, 10, 50]) {
      expectSameSeries(
        demaSeries(values, period),
        tsSeries(new TS.DEMA(period), values),
        `trading-signals DEMA(${period})`,
      );
      expectSameSeries(demaSeries(values, period, 'sma'), naiveDema(values, period), `naive DEMA(${period})`);
    }
  });

  it("is ready after period values with 'first' seeding and 2·period − 1 with 'sma'", () => {
    const values = gbmPath(30);
    expect(demaSeries(values, 5).findIndex((v) => v !== undefined)).toBe(4);
    expect(demaSeries(values, 5, 'sma').findIndex((v) => v !== undefined)).toBe(8);
    const ours = new DEMA(5);
    const ts = new TS.DEMA(5);
    for (const x of values) {
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
          const ours = new DEMA(3);
          const ts = new TS.DEMA(3);
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
});

describe('TEMA', () => {
  it("matches trading-signals TEMA within 1e-9 with 'first' seeding (the default)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 15 }), anyPrices(), (period, values) => {
        expectSameSeries(
          temaSeries(values, period),
          tsSeries(new TS.TEMA(period), values),
          'trading-signals',
        );
      }),
    );
  });

  it("matches 3·EMA1 − 3·EMA2 + EMA3 with SMA-seeded EMAs (TA-Lib) with 'sma' seeding", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 15 }), anyPrices(), (period, values) => {
        expectSameSeries(temaSeries(values, period, 'sma'), naiveTema(values, period), 'naive TEMA');
      }),
    );
  });

  it('matches trading-signals and the SMA-seeded reference on a 2,000-price GBM path', () => {
    const values = gbmPath();
    for (const period of [2, 10, 50]) {
      expectSameSeries(
        temaSeries(values, period),
        tsSeries(new TS.TEMA(period), values),
        `trading-signals TEMA(${period})`,
      );
      expectSameSeries(temaSeries(values, period, 'sma'), naiveTema(values, period), `naive TEMA(${period})`);
    }
  });

  it.each<[EmaSeed]>([['first'], ['sma']])(
    'with %s seeding is ready after 3·(period − 1) + 1 values',
    (seed) => {
      const values = gbmPath(30);
      expect(temaSeries(values, 5, seed).findIndex((v) => v !== undefined)).toBe(12);
      const ours = new TEMA(5, seed);
      const ts = new TS.TEMA(5);
      for (const x of values) {
        ours.update(x);
        ts.add(x);
        expect(ours.isReady).toBe(ts.isStable);
      }
    },
  );

  it('matches trading-signals when live values are replaced', () => {
    fc.assert(
      fc.property(
        anyPrices(),
        fc.array(fc.boolean(), { minLength: 120, maxLength: 120 }),
        (values, flags) => {
          const ours = new TEMA(3);
          const ts = new TS.TEMA(3);
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
});

describe('DEMA and TEMA arguments', () => {
  it.each([[0], [-1], [1.5]])('throw RangeError for period %s', (period) => {
    expect(() => new DEMA(period)).toThrow(RangeError);
    expect(() => new TEMA(period)).toThrow(RangeError);
  });

  it('throw RangeError for an unknown seeding', () => {
    expect(() => new DEMA(3, 'x' as EmaSeed)).toThrow(RangeError);
    expect(() => new TEMA(3, 'x' as EmaSeed)).toThrow(RangeError);
  });
});

describeIndicatorContract('DEMA(3)', () => new DEMA(3), { series: (v) => demaSeries(v, 3) });
describeIndicatorContract("DEMA(3, 'sma')", () => new DEMA(3, 'sma'), {
  series: (v) => demaSeries(v, 3, 'sma'),
});
describeIndicatorContract('TEMA(3)', () => new TEMA(3), { series: (v) => temaSeries(v, 3) });
describeIndicatorContract("TEMA(3, 'sma')", () => new TEMA(3, 'sma'), {
  series: (v) => temaSeries(v, 3, 'sma'),
});
