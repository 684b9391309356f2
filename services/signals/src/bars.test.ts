import { describe, expect, it } from 'vitest';
import { BarStore } from './bars.ts';

const T0 = 1_770_000_000_000_000; // a whole minute, in µs

describe('BarStore', () => {
  it('says whether a trade completes the forming bars, by the 1-second boundary', () => {
    const bars = new BarStore();
    expect(bars.closes('BTC-USD', T0)).toBe(false); // nothing forming yet
    bars.update('BTC-USD', 100, 1, T0);
    expect(bars.closes('BTC-USD', T0 + 999_999)).toBe(false);
    expect(bars.closes('BTC-USD', T0 + 1_000_000)).toBe(true);
    expect(bars.closes('ETH-USD', T0 + 1_000_000)).toBe(false);
  });

  it('keeps the indicators given with the completing trade on every bar that trade completes', () => {
    const bars = new BarStore();
    bars.update('BTC-USD', 100, 1, T0);
    bars.update('BTC-USD', 101, 1, T0 + 500_000);
    bars.update('BTC-USD', 102, 1, T0 + 1_000_000, { sma10: 100.5 });
    bars.update('BTC-USD', 103, 1, T0 + 60_000_000, { sma10: 101.5 });
    const second = bars.bars('BTC-USD', '1s', 10);
    expect(second?.bars.map((b) => [b.ts, b.close, b.indicators])).toEqual([
      [T0, 101, { sma10: 100.5 }],
      [T0 + 1_000_000, 102, { sma10: 101.5 }],
    ]);
    expect(second?.forming?.indicators).toBeUndefined();
    const minute = bars.bars('BTC-USD', '1m', 10);
    expect(minute?.bars.map((b) => [b.ts, b.open, b.close, b.indicators])).toEqual([
      [T0, 100, 102, { sma10: 101.5 }],
    ]);
    expect(bars.lastTs('BTC-USD')).toBe(T0 + 60_000_000);
  });
});
