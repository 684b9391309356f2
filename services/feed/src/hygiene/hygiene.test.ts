import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecentIds } from './recent-ids.ts';
import { RollingMedian } from './rolling-median.ts';
import { SpikeFilter } from './spike-filter.ts';

describe('RecentIds', () => {
  it('reports a repeated id as a duplicate', () => {
    const ids = new RecentIds(3);
    expect(ids.add('a')).toBe(true);
    expect(ids.add('a')).toBe(false);
  });

  it('forgets the oldest id once full, and never holds more than its capacity', () => {
    const ids = new RecentIds(2);
    ids.add('a');
    ids.add('b');
    ids.add('c');
    expect(ids.size).toBe(2);
    expect(ids.add('a')).toBe(true);
    expect(ids.add('c')).toBe(false);
  });
});

describe('RollingMedian', () => {
  it('equals the median of the last `window` values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 15 }),
        (xs, w) => {
          const m = new RollingMedian(w);
          for (const x of xs) m.update(x);
          const last = xs.slice(-w).sort((a, b) => a - b);
          const mid = last.length >> 1;
          const expected =
            last.length % 2 ? last[mid] : ((last[mid - 1] as number) + (last[mid] as number)) / 2;
          expect(m.value).toBe(expected);
        },
      ),
    );
  });
});

describe('SpikeFilter', () => {
  const opts = { maxPct: 10, window: 21, minSamples: 5 };

  it('accepts everything until it has enough samples', () => {
    const f = new SpikeFilter(opts);
    for (const p of [100, 500, 100, 100]) expect(f.check('S', p)).toBeUndefined();
  });

  it('quarantines a fat-finger print and keeps it out of the median', () => {
    const f = new SpikeFilter(opts);
    for (let i = 0; i < 10; i++) f.check('S', 100 + (i % 3));
    expect(f.check('S', 150)).toBeCloseTo(49, 0);
    expect(f.check('S', 101)).toBeUndefined();
    expect(f.check('S', 150)).toBeGreaterThan(10);
  });

  it('takes a sustained move as a new level after minSamples prints in a row', () => {
    const f = new SpikeFilter(opts);
    for (let i = 0; i < 10; i++) f.check('S', 100);
    const verdicts = Array.from({ length: 6 }, () => f.check('S', 130));
    expect(verdicts.slice(0, 4).every((v) => v !== undefined)).toBe(true);
    expect(verdicts[4]).toBeUndefined();
    expect(verdicts[5]).toBeUndefined();
  });

  it('judges each key on its own prices, and does nothing when off', () => {
    const f = new SpikeFilter(opts);
    for (let i = 0; i < 10; i++) f.check('A', 100);
    expect(f.check('B', 1000)).toBeUndefined();
    const off = new SpikeFilter({ ...opts, maxPct: 0 });
    for (let i = 0; i < 10; i++) off.check('A', 100);
    expect(off.check('A', 1000)).toBeUndefined();
  });
});
