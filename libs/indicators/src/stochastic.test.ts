import fc from 'fast-check';
import { Stochastic as TiStochastic } from 'technicalindicators';
import { StochasticOscillator } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { arbBar, arbGenericBars, barContractTests, centBars, closeTo, realBars } from './bar-test-data.ts';
import type { Bar } from './indicator.ts';
import { Stochastic, stochasticSeries } from './stochastic.ts';

const bar = (high: number, low: number, close: number): Bar => ({
  open: close,
  high,
  low,
  close,
  volume: 1,
  ts: 0,
});
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The textbook definition, recomputing every window from scratch. */
function naive(bars: readonly Bar[], kPeriod: number, dPeriod: number, slowing: number) {
  const fast = bars.map((b, i) => {
    if (i + 1 < kPeriod) return undefined;
    const w = bars.slice(i + 1 - kPeriod, i + 1);
    const hh = Math.max(...w.map((x) => x.high));
    const ll = Math.min(...w.map((x) => x.low));
    return hh > ll ? ((b.close - ll) / (hh - ll)) * 100 : 0;
  });
  const sma = (xs: (number | undefined)[], n: number) =>
    xs.map((_, i) => {
      const w = xs.slice(Math.max(0, i + 1 - n), i + 1);
      return w.length === n && w.every((x) => x !== undefined) ? mean(w as number[]) : undefined;
    });
  const k = sma(fast, slowing);
  const d = sma(k, dPeriod);
  return { k, d };
}

describe('Stochastic', () => {
  it('defaults to 14/3/1 and is ready after kPeriod + slowing + dPeriod - 2 bars, %K earlier', () => {
    const s = new Stochastic();
    expect([s.kPeriod, s.dPeriod, s.slowing]).toEqual([14, 3, 1]);
    const small = new Stochastic(3, 2, 2);
    const bars = [bar(2, 1, 1.5), bar(3, 1, 2), bar(4, 2, 4), bar(5, 3, 3), bar(5, 4, 5)];
    const out = bars.map((b) => {
      const r = small.update(b);
      return { r: r && { ...r }, k: small.k, ready: small.isReady };
    });
    // fast %K from bar 3: 100, (3-1)/(5-1)=50, (5-2)/(5-2)=100; %K = SMA2 from bar 4: 75, 75; %D from bar 5.
    expect(out.map((o) => o.k)).toEqual([undefined, undefined, undefined, 75, 75]);
    expect(out.map((o) => o.ready)).toEqual([false, false, false, false, true]);
    expect(out[4]?.r).toEqual({ k: 75, d: 75 });
  });

  it('gives %K = 0 for a flat window, like TA-Lib and both oracles', () => {
    const s = new Stochastic(2, 1);
    s.update(bar(5, 5, 5));
    expect(s.update(bar(5, 5, 5))).toEqual({ k: 0, d: 0 });
  });

  it('matches the from-scratch definition on bars with ties, flat bars and zero ranges', () => {
    fc.assert(
      fc.property(
        fc.array(arbBar, { maxLength: 80, size: 'max' }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        (bars, kp, dp, sl) => {
          const want = naive(bars, kp, dp, sl);
          const s = new Stochastic(kp, dp, sl);
          bars.forEach((b, i) => {
            const got = s.update(b);
            const d = want.d[i];
            if (d === undefined) expect(got).toBeUndefined();
            else expect(closeTo(got?.d, d) && closeTo(got?.k, want.k[i] as number)).toBe(true);
            if (want.k[i] === undefined) expect(s.k).toBeUndefined();
            else expect(closeTo(s.k, want.k[i] as number)).toBe(true);
          });
        },
      ),
    );
  });

  const tsOracle = (bars: readonly Bar[], kPeriod: number, dPeriod: number, slowing: number) => {
    const oracle = new StochasticOscillator({ kPeriod, dPeriod, kSlowingPeriod: slowing });
    const ours = new Stochastic(kPeriod, dPeriod, slowing);
    for (const b of bars) {
      const want = oracle.add({ high: b.high, low: b.low, close: b.close });
      const got = ours.update(b);
      if (want === null) expect(got).toBeUndefined();
      else expect(closeTo(got?.k, want.stochK) && closeTo(got?.d, want.stochD)).toBe(true);
    }
  };

  it('matches trading-signals StochasticOscillator (values and ready-after) on random bars', () => {
    fc.assert(
      fc.property(
        arbGenericBars(0, 80),
        fc.integer({ min: 1, max: 15 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        (bars, kp, dp, sl) => tsOracle(bars, kp, dp, sl),
      ),
      { numRuns: 60 },
    );
  });

  it('matches trading-signals StochasticOscillator on GBM one-minute bars, float and cent prices', () => {
    tsOracle(realBars, 14, 3, 1);
    tsOracle(realBars, 14, 3, 3);
    tsOracle(centBars, 5, 3, 3);
  });

  it('matches technicalindicators Stochastic (its early {k, d: undefined} is our k getter)', () => {
    for (const bars of [realBars, centBars]) {
      const oracle = new TiStochastic({ period: 14, signalPeriod: 3, high: [], low: [], close: [] });
      const ours = new Stochastic(14, 3);
      for (const b of bars) {
        // technicalindicators types nextValue's argument as its constructor input; it reads one bar.
        const want = oracle.nextValue({ high: b.high, low: b.low, close: b.close } as never) as
          | { k: number; d?: number }
          | undefined;
        const got = ours.update(b);
        if (want === undefined) expect(ours.k).toBeUndefined();
        else expect(closeTo(ours.k, want.k)).toBe(true);
        if (want?.d === undefined) expect(got).toBeUndefined();
        else expect(closeTo(got?.d, want.d)).toBe(true);
      }
    }
  });

  it.each([
    [0, 3, 1],
    [14, 0, 1],
    [14, 3, 0],
    [2.5, 3, 1],
    [Number.NaN, 3, 1],
  ])('throws RangeError for periods %j/%j/%j', (k, d, s) => {
    expect(() => new Stochastic(k, d, s)).toThrow(RangeError);
  });

  describe('contract, fast 4/3', () => {
    barContractTests(
      () => new Stochastic(4, 3),
      (bars) => stochasticSeries(bars, 4, 3),
    );
  });

  describe('contract, slow 3/2/3', () => {
    barContractTests(
      () => new Stochastic(3, 2, 3),
      (bars) => stochasticSeries(bars, 3, 2, 3),
    );
  });

  it('stochasticSeries with defaults equals streaming with copies of each result', () => {
    const s = new Stochastic();
    expect(stochasticSeries(realBars)).toEqual(
      realBars.map((b) => {
        const r = s.update(b);
        return r && { ...r };
      }),
    );
  });
});
