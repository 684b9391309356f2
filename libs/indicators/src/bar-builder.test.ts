import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  alignTs,
  BarBuilder,
  type BarSpec,
  type BuiltBar,
  barsOf,
  FIVE_MINUTE_BARS,
  MINUTE_BARS,
  SECOND_BARS,
  type Trade,
  tickBars,
  timeBars,
  US_PER_MINUTE,
  volumeBars,
} from './bar-builder.ts';
import { gbmTrades, realBars } from './bar-test-data.ts';
import { IndicatorStateError } from './indicator.ts';

const T0 = Date.UTC(2024, 0, 2, 14, 30) * 1000; // a minute boundary, epoch µs
const M = US_PER_MINUTE;

/** Trades with non-decreasing ts (as the feed sequences them), prices and sizes on a coarse grid. */
const arbTrades = fc
  .array(
    fc.record({
      gap: fc.integer({ min: 0, max: 3 * M }),
      price: fc.integer({ min: 1, max: 10_000 }),
      size: fc.integer({ min: 0, max: 50 }),
    }),
    { maxLength: 200, size: 'max' },
  )
  .map((rows) => {
    let ts = T0;
    return rows.map(({ gap, price, size }): Trade => {
      ts += gap;
      return { price: price / 100, size, ts };
    });
  });

/** Bars of consecutive trades, built naively from whole groups (the reference for the builder). */
function naiveBar(group: Trade[], ts: number): BuiltBar {
  const prices = group.map((t) => t.price);
  return {
    ts,
    open: prices[0] as number,
    high: Math.max(...prices),
    low: Math.min(...prices),
    close: prices[prices.length - 1] as number,
    volume: group.reduce((s, t) => s + t.size, 0),
    trades: group.length,
    lastTs: (group[group.length - 1] as Trade).ts,
  };
}

describe('BarBuilder time bars', () => {
  it('aligns bars to the interval: floor(ts / interval) * interval, also before 1970', () => {
    expect(alignTs(T0 + 59_999_999, M)).toBe(T0);
    expect(alignTs(T0 + M, M)).toBe(T0 + M);
    expect(alignTs(-1, M)).toBe(-M);
    expect(alignTs(0, M)).toBe(0);
    const b = new BarBuilder(MINUTE_BARS);
    b.update(10, 1, T0 + 12_345_678);
    expect(b.current?.ts).toBe(T0);
  });

  it('closes a bar when the first trade of a later interval arrives, which starts the next bar', () => {
    const b = new BarBuilder(MINUTE_BARS);
    expect(b.update(10, 1, T0 + 1)).toBeUndefined();
    expect(b.update(12, 2, T0 + 2)).toBeUndefined();
    expect(b.update(9, 3, T0 + 3)).toBeUndefined();
    expect(b.update(11, 4, T0 + M - 1)).toBeUndefined();
    const done = b.update(20, 5, T0 + M);
    expect(done).toEqual({
      ts: T0,
      open: 10,
      high: 12,
      low: 9,
      close: 11,
      volume: 10,
      trades: 4,
      lastTs: T0 + M - 1,
    });
    expect(b.current).toEqual({
      ts: T0 + M,
      open: 20,
      high: 20,
      low: 20,
      close: 20,
      volume: 5,
      trades: 1,
      lastTs: T0 + M,
    });
  });

  it('invents no bars for intervals without trades (gaps stay gaps)', () => {
    const bars = barsOf(
      [
        { price: 1, size: 1, ts: T0 },
        { price: 2, size: 1, ts: T0 + 5 * M + 7 },
        { price: 3, size: 1, ts: T0 + 60 * M },
      ],
      MINUTE_BARS,
    );
    expect(bars.map((b) => (b.ts - T0) / M)).toEqual([0, 5, 60]);
  });

  it('equals a naive group-by of trades on their aligned interval', () => {
    fc.assert(
      fc.property(
        arbTrades,
        fc.constantFrom(SECOND_BARS, MINUTE_BARS, FIVE_MINUTE_BARS, timeBars(7)),
        (trades, spec) => {
          const interval = spec.kind === 'time' ? spec.intervalUs : 1;
          const groups = new Map<number, Trade[]>();
          for (const t of trades) {
            const key = Math.floor(t.ts / interval) * interval;
            groups.set(key, [...(groups.get(key) ?? []), t]);
          }
          expect(barsOf(trades, spec)).toEqual([...groups].map(([ts, group]) => naiveBar(group, ts)));
        },
      ),
    );
  });

  it('folds a late trade (ts older than one seen) into the forming bar and counts it', () => {
    const b = new BarBuilder(MINUTE_BARS);
    b.update(10, 1, T0 + M + 5);
    expect(b.update(7, 2, T0 + 3)).toBeUndefined(); // belongs to an earlier minute: too late
    expect(b.lateTrades).toBe(1);
    expect(b.current).toMatchObject({
      ts: T0 + M,
      low: 7,
      close: 7,
      volume: 3,
      trades: 2,
      lastTs: T0 + M + 5,
    });
  });
});

describe('BarBuilder tick and volume bars', () => {
  it('tick bars hold exactly N trades and complete on the Nth', () => {
    fc.assert(
      fc.property(arbTrades, fc.integer({ min: 1, max: 12 }), (trades, n) => {
        const expected: BuiltBar[] = [];
        for (let i = 0; i < trades.length; i += n) {
          const group = trades.slice(i, i + n);
          expected.push(naiveBar(group, (group[0] as Trade).ts));
        }
        expect(barsOf(trades, tickBars(n))).toEqual(expected);
        const b = new BarBuilder(tickBars(n));
        trades.forEach((t, i) => {
          expect(b.update(t.price, t.size, t.ts) !== undefined).toBe((i + 1) % n === 0);
        });
      }),
    );
  });

  it('volume bars assign the crossing trade whole to the bar it closes', () => {
    const b = new BarBuilder(volumeBars(10));
    expect(b.update(1, 6, T0)).toBeUndefined();
    const done = b.update(2, 7, T0 + 1); // 6 + 7 crosses 10: the whole 7 goes into this bar
    expect(done).toMatchObject({ volume: 13, trades: 2, close: 2 });
    expect(b.current).toBeUndefined();
    expect(b.update(3, 25, T0 + 2)).toMatchObject({ volume: 25, trades: 1, ts: T0 + 2 }); // one trade, one bar
  });

  it('volume bars equal a naive accumulation that closes at >= V', () => {
    fc.assert(
      fc.property(arbTrades, fc.integer({ min: 1, max: 100 }), (trades, v) => {
        const expected: BuiltBar[] = [];
        let group: Trade[] = [];
        for (const t of trades) {
          group.push(t);
          if (group.reduce((s, x) => s + x.size, 0) >= v) {
            expected.push(naiveBar(group, (group[0] as Trade).ts));
            group = [];
          }
        }
        if (group.length > 0) expected.push(naiveBar(group, (group[0] as Trade).ts));
        expect(barsOf(trades, volumeBars(v))).toEqual(expected);
      }),
    );
  });
});

describe('BarBuilder session, state and errors', () => {
  it('flush returns the forming bar once; barsOf can leave the partial bar out', () => {
    const b = new BarBuilder(tickBars(3));
    expect(b.flush()).toBeUndefined();
    b.update(5, 1, T0);
    expect(b.flush()).toMatchObject({ open: 5, trades: 1 });
    expect(b.flush()).toBeUndefined();
    const trades = [1, 2, 3, 4].map((p, i) => ({ price: p, size: 1, ts: T0 + i }));
    expect(barsOf(trades, tickBars(3))).toHaveLength(2);
    expect(barsOf(trades, tickBars(3), { includePartial: false })).toHaveLength(1);
  });

  it('current is the live forming bar; a completed bar is never modified again', () => {
    const b = new BarBuilder(MINUTE_BARS);
    b.update(10, 1, T0);
    const live = b.current;
    b.update(11, 1, T0 + 1);
    expect(live?.close).toBe(11);
    const done = b.update(12, 1, T0 + M) as BuiltBar;
    b.update(13, 1, T0 + M + 1);
    expect(done.close).toBe(11);
  });

  it('is deterministic and resumes identically from a JSON snapshot', () => {
    const specs: BarSpec[] = [MINUTE_BARS, tickBars(5), volumeBars(40)];
    fc.assert(
      fc.property(arbTrades, fc.nat(), fc.constantFrom(...specs), (trades, at, spec) => {
        const cut = trades.length === 0 ? 0 : at % trades.length;
        const whole = barsOf(trades, spec);
        expect(barsOf(trades, spec)).toEqual(whole);
        const first = new BarBuilder(spec);
        const bars: BuiltBar[] = [];
        for (const t of trades.slice(0, cut)) {
          const done = first.update(t.price, t.size, t.ts);
          if (done) bars.push(done);
        }
        const second = new BarBuilder(spec);
        second.restore(JSON.parse(JSON.stringify(first.snapshot())));
        for (const t of trades.slice(cut)) {
          const done = second.update(t.price, t.size, t.ts);
          if (done) bars.push(done);
        }
        const last = second.flush();
        if (last) bars.push(last);
        expect(bars).toEqual(whole);
      }),
    );
  });

  it('rejects a snapshot of another spec or a malformed one with IndicatorStateError', () => {
    const state = new BarBuilder(MINUTE_BARS).snapshot();
    expect(() => new BarBuilder(SECOND_BARS).restore(state)).toThrow(IndicatorStateError);
    expect(() => new BarBuilder(MINUTE_BARS).restore({ ...state, bar: [1, 2] })).toThrow(IndicatorStateError);
    expect(() => new BarBuilder(MINUTE_BARS).restore({ ...state, late: -1 })).toThrow(IndicatorStateError);
    expect(() => new BarBuilder(MINUTE_BARS).restore({ kind: 'SMA' })).toThrow(IndicatorStateError);
  });

  it.each([
    ['NaN price', Number.NaN, 1, T0],
    ['infinite price', Number.POSITIVE_INFINITY, 1, T0],
    ['negative size', 1, -1, T0],
    ['NaN size', 1, Number.NaN, T0],
    ['fractional ts', 1, 1, T0 + 0.5],
  ])('throws RangeError on a trade with %s', (_, price, size, ts) => {
    expect(() => new BarBuilder(MINUTE_BARS).update(price, size, ts)).toThrow(RangeError);
  });

  it('throws RangeError on a bad bar spec', () => {
    expect(() => timeBars(0)).toThrow(RangeError);
    expect(() => timeBars(1.5)).toThrow(RangeError);
    expect(() => tickBars(0)).toThrow(RangeError);
    expect(() => volumeBars(Number.NaN)).toThrow(RangeError);
    expect(() => new BarBuilder({ kind: 'time', intervalUs: -5 })).toThrow(RangeError);
    expect(() => new BarBuilder({ kind: 'range' } as unknown as BarSpec)).toThrow(RangeError);
  });

  it('turns a GBM trade path into valid, ordered one-minute bars', () => {
    expect(realBars.length).toBeGreaterThan(300);
    let prev = Number.NEGATIVE_INFINITY;
    for (const bar of realBars) {
      expect(bar.ts % M).toBe(0);
      expect(bar.ts).toBeGreaterThan(prev);
      expect(bar.low).toBeLessThanOrEqual(Math.min(bar.open, bar.close));
      expect(bar.high).toBeGreaterThanOrEqual(Math.max(bar.open, bar.close));
      prev = bar.ts;
    }
    expect(barsOf(gbmTrades(20_000, 42), MINUTE_BARS)).toEqual(realBars);
  });
});
