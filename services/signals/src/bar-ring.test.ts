import type { BuiltBar } from '@tickflow/indicators';
import { describe, expect, it } from 'vitest';
import { BarRing } from './bar-ring.ts';

/** A bar as the ring reads it back (without the builder's lastTs). */
const bar = (i: number) => ({
  ts: i * 1_000_000,
  open: i,
  high: i + 0.5,
  low: i - 0.5,
  close: i + 0.25,
  volume: 1.5 * i,
  trades: i,
});
const built = (i: number): BuiltBar => ({ ...bar(i), lastTs: i * 1_000_000 + 999 });

describe('BarRing', () => {
  it('keeps the last `keep` bars, oldest first, across growth and wrap-around', () => {
    const ring = new BarRing(20);
    for (let i = 1; i <= 53; i++) ring.push(built(i));
    expect(ring.length).toBe(20);
    expect(ring.last(100).map((b) => b.open)).toEqual(Array.from({ length: 20 }, (_, i) => 34 + i));
    expect(ring.last(3)).toEqual([bar(51), bar(52), bar(53)]);
  });

  it('gives back the indicators a bar was stored with, and none for bars without', () => {
    const ring = new BarRing(10);
    ring.push(built(1));
    ring.push(built(2), { sma10: 100.5, sma30: 99 });
    for (let i = 3; i <= 12; i++) ring.push(built(i), { sma10: i, sma30: -i });
    ring.push(built(13), { sma10: 7 }); // a name missing: left out, not NaN
    const got = ring.last(10);
    expect(got[0]).toEqual({ ...bar(4), indicators: { sma10: 4, sma30: -4 } });
    expect(got[9]).toEqual({ ...bar(13), indicators: { sma10: 7 } });
    const short = new BarRing(4);
    short.push(built(1));
    short.push(built(2), { x: 1 });
    expect(short.last(2)).toEqual([bar(1), { ...bar(2), indicators: { x: 1 } }]);
  });
});
