import fc from 'fast-check';
import { VWAP as TiVWAP } from 'technicalindicators';
import { VWAP as TsVWAP, VWMA as TsVWMA } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { US_PER_MINUTE } from './bar-builder.ts';
import { arbBar, arbGenericBars, barContractTests, closeTo, gbmTrades, realBars } from './bar-test-data.ts';
import type { Bar } from './indicator.ts';
import {
  RollingVwap,
  rollingVwapSeries,
  SessionVwap,
  sessionVwapSeries,
  US_PER_DAY,
  utcDay,
} from './vwap.ts';

const DAY0 = Date.UTC(2024, 0, 2) * 1000;
const bar = (high: number, low: number, close: number, volume: number, ts = DAY0): Bar => ({
  open: close,
  high,
  low,
  close,
  volume,
  ts,
});
const typical = (b: Bar) => (b.high + b.low + b.close) / 3;
const naiveVwap = (bars: readonly Bar[]) => {
  const v = bars.reduce((s, b) => s + b.volume, 0);
  return v > 0 ? bars.reduce((s, b) => s + typical(b) * b.volume, 0) / v : undefined;
};

describe('SessionVwap', () => {
  it('weights the typical price of each bar by its volume', () => {
    const vwap = new SessionVwap();
    expect(vwap.update(bar(12, 9, 9, 10))).toBe(10);
    expect(vwap.update(bar(21, 18, 21, 30))).toBe((10 * 10 + 20 * 30) / 40);
  });

  it('is undefined while the session volume is 0 and ignores zero-volume bars', () => {
    const vwap = new SessionVwap();
    expect(vwap.update(bar(12, 9, 9, 0))).toBeUndefined();
    expect(vwap.isReady).toBe(false);
    expect(vwap.update(bar(12, 9, 9, 5))).toBe(10);
    expect(vwap.update(bar(99, 99, 99, 0))).toBe(10);
  });

  it('resets at UTC midnight: day 2 equals trading-signals VWAP fed day 2 only', () => {
    const bars = realBars.slice(0, 100);
    const day2 = realBars.slice(100, 200).map((b) => ({ ...b, ts: b.ts + US_PER_DAY }));
    const ours = new SessionVwap();
    for (const b of bars) ours.update(b);
    const oracle = new TsVWAP();
    for (const b of day2) {
      const want = oracle.add(b);
      expect(closeTo(ours.update(b), want as number)).toBe(true);
    }
    expect(utcDay(DAY0)).toBe(19724);
    expect(utcDay(-1)).toBe(-1);
  });

  it('matches trading-signals and technicalindicators VWAP within one session', () => {
    const check = (bars: readonly Bar[]) => {
      const ts = new TsVWAP();
      const ti = new TiVWAP({ high: [], low: [], close: [], volume: [] });
      const ours = new SessionVwap();
      for (const b of bars) {
        const got = ours.update(b);
        expect(closeTo(got, ts.add(b) as number)).toBe(true);
        expect(closeTo(got, ti.nextValue(b) as number)).toBe(true);
      }
    };
    fc.assert(fc.property(arbGenericBars(1, 80), check), { numRuns: 50 });
    check(realBars);
  });

  it("with session 'none' never resets by itself; reset() starts a new session", () => {
    const vwap = new SessionVwap({ session: 'none' });
    vwap.update(bar(12, 9, 9, 10));
    expect(vwap.update(bar(21, 18, 21, 10, DAY0 + 3 * US_PER_DAY))).toBe(15);
    vwap.reset();
    expect(vwap.value).toBeUndefined();
    expect(vwap.update(bar(21, 18, 21, 10))).toBe(20);
  });

  it('groups by a custom session key, e.g. a 09:30 UTC session open', () => {
    const open = 9.5 * 60 * US_PER_MINUTE;
    const vwap = new SessionVwap({ session: (ts) => utcDay(ts - open) });
    vwap.update(bar(12, 9, 9, 10, DAY0 + open - 1)); // previous session
    expect(vwap.update(bar(21, 18, 21, 10, DAY0 + open))).toBe(20);
    const bad = new SessionVwap({ session: () => Number.NaN });
    expect(() => bad.update(bar(1, 1, 1, 1))).toThrow(RangeError);
  });

  it('a replace may move the revised bar into the next session and back, exactly', () => {
    const vwap = new SessionVwap();
    vwap.update(bar(12, 9, 9, 10));
    vwap.update(bar(21, 18, 21, 10));
    expect(vwap.replace(bar(21, 18, 21, 10, DAY0 + US_PER_DAY))).toBe(20);
    expect(vwap.replace(bar(21, 18, 21, 10))).toBe(15);
  });

  it('gives the exact trade VWAP from trades, and trades revise like bars', () => {
    const trades = gbmTrades(5_000, 7);
    const vwap = new SessionVwap();
    for (const t of trades) vwap.updateTrade(t.price, t.size, t.ts);
    const pv = trades.reduce((s, t) => s + t.price * t.size, 0);
    const v = trades.reduce((s, t) => s + t.size, 0);
    expect(closeTo(vwap.value, pv / v, 1e-12)).toBe(true);
    const one = new SessionVwap();
    one.updateTrade(10, 1, DAY0);
    one.updateTrade(20, 1, DAY0);
    expect(one.replaceTrade(40, 1, DAY0)).toBe(25);
  });

  it('throws RangeError on a bad session option or a non-finite trade', () => {
    expect(() => new SessionVwap({ session: 'week' as 'none' })).toThrow(RangeError);
    const vwap = new SessionVwap();
    expect(() => vwap.updateTrade(Number.NaN, 1, DAY0)).toThrow(RangeError);
    expect(() => vwap.updateTrade(1, -1, DAY0)).toThrow(RangeError);
    expect(() => vwap.replaceTrade(1, 1, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  describe('contract', () => {
    barContractTests(
      () => new SessionVwap(),
      (bars) => sessionVwapSeries(bars),
    );
  });
});

describe('RollingVwap', () => {
  it('equals the VWAP of the last period bars, undefined until period bars or with no volume', () => {
    fc.assert(
      fc.property(
        fc.array(arbBar, { maxLength: 80, size: 'max' }),
        fc.integer({ min: 1, max: 12 }),
        (bars, n) => {
          rollingVwapSeries(bars, n).forEach((got, i) => {
            const want = i + 1 >= n ? naiveVwap(bars.slice(i + 1 - n, i + 1)) : undefined;
            const windowHasVolume = bars.slice(Math.max(0, i + 1 - n), i + 1).some((b) => b.volume > 0);
            if (want === undefined || !windowHasVolume) expect(got).toBeUndefined();
            else expect(closeTo(got, want)).toBe(true);
          });
        },
      ),
    );
  });

  it('is undefined once only zero-volume bars remain, despite float residue in the volume sum', () => {
    const vwap = new RollingVwap(2);
    vwap.update(bar(1, 1, 1, 0.1));
    vwap.update(bar(1, 1, 1, 0.2));
    vwap.update(bar(1, 1, 1, 0));
    expect(vwap.update(bar(1, 1, 1, 0))).toBeUndefined();
  });

  it('matches trading-signals VWMA when fed (close, volume) as trades', () => {
    const check = (bars: readonly Bar[], n: number) => {
      const oracle = new TsVWMA(n);
      const ours = new RollingVwap(n);
      for (const b of bars) {
        const want = oracle.add(b);
        const got = ours.updateTrade(b.close, b.volume, b.ts);
        if (want === null) expect(got).toBeUndefined();
        else expect(closeTo(got, want)).toBe(true);
      }
    };
    fc.assert(fc.property(arbGenericBars(0, 80), fc.integer({ min: 1, max: 20 }), check), { numRuns: 50 });
    check(realBars, 20);
  });

  it('stays accurate over a long stream after huge volumes leave the window', () => {
    const vwap = new RollingVwap(10);
    for (let i = 0; i < 50_000; i++) vwap.updateTrade(100 + (i % 7), i < 25_000 ? 1e12 + i : 1 + (i % 3), i);
    const last = Array.from({ length: 10 }, (_, j) => 49_990 + j);
    const pv = last.reduce((s, i) => s + (100 + (i % 7)) * (1 + (i % 3)), 0);
    const v = last.reduce((s, i) => s + 1 + (i % 3), 0);
    expect(closeTo(vwap.value, pv / v, 1e-12)).toBe(true);
  });

  it.each([[0], [-2], [1.5], [Number.NaN]])('throws RangeError for period %j', (period) => {
    expect(() => new RollingVwap(period)).toThrow(RangeError);
  });

  describe('contract', () => {
    barContractTests(
      () => new RollingVwap(3),
      (bars) => rollingVwapSeries(bars, 3),
    );
  });
});
