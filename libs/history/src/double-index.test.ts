import { describe, expect, it } from 'vitest';
import { DoubleIndex } from './double-index.ts';

describe('DoubleIndex', () => {
  it('gives each key its position in the list and -1 for a key not in it', () => {
    const keys = Array.from({ length: 5_000 }, (_, i) => 100 + i / 100);
    const index = new DoubleIndex(keys);
    for (const [i, k] of keys.entries()) expect(index.get(k)).toBe(i);
    expect(index.get(99.995)).toBe(-1);
    expect(index.get(1e300)).toBe(-1);
  });

  it('finds 0 under -0 as a Map does, and keys whose bits differ only in their high half', () => {
    const keys = [0, 2 ** 40, 2 ** 41, 2 ** 42, 1.5, -1.5];
    const index = new DoubleIndex(keys);
    expect(index.get(-0)).toBe(0);
    expect(keys.map((k) => index.get(k))).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('keeps the first position of a key listed twice', () => {
    expect(new DoubleIndex([3, 7, 3]).get(3)).toBe(0);
  });
});
