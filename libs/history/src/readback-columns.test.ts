import { describe, expect, it } from 'vitest';
import { groupLanes } from './readback-columns.ts';

const lanes = (...spec: [string, number][]) => spec.map(([symbol, n]) => ({ symbol, n }));

describe('groupLanes (the read-back in groups of symbols within a row budget)', () => {
  it('keeps the whole day in one group when it fits', () => {
    expect(groupLanes(lanes(['A', 5], ['B', 5]), 10)).toEqual([{ from: 0, to: 2 }]);
  });

  it('never splits a symbol across groups, its venues included', () => {
    const day = lanes(['A', 3], ['B', 4], ['B', 4], ['C', 3]);
    expect(groupLanes(day, 9)).toEqual([
      { from: 0, to: 1 },
      { from: 1, to: 3 },
      { from: 3, to: 4 },
    ]);
  });

  it('gives a symbol bigger than the budget a group of its own', () => {
    expect(groupLanes(lanes(['A', 1], ['B', 50], ['C', 1]), 10)).toEqual([
      { from: 0, to: 1 },
      { from: 1, to: 2 },
      { from: 2, to: 3 },
    ]);
  });

  it('makes groups of even size rather than full ones and a small rest', () => {
    // 10 symbols of 10 rows, at most 60 a group: two groups of 50, not 60 and 40.
    const day = lanes(...Array.from({ length: 10 }, (_, i): [string, number] => [`S${i}`, 10]));
    const sizes = groupLanes(day, 60).map((g) => (g.to - g.from) * 10);
    expect(sizes).toEqual([50, 50]);
  });

  it('returns no group for a day without ticks', () => {
    expect(groupLanes([], 10)).toEqual([]);
  });
});
