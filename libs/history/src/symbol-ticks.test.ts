import type { Tick } from '@tickflow/core';
import { describe, expect, it } from 'vitest';
import { dictionariesOf, SymbolTicks } from './symbol-ticks.ts';

/** Two venues of one symbol (the second with a side on one row), over columns of five rows. */
function ticks(): SymbolTicks {
  const columns = {
    seq: Float64Array.from([1, 2, 3, 7, 8]),
    ts: Float64Array.from([10, 20, 30, 40, 50]),
    price: Float64Array.from([0, 1, 0, 2, 1]),
    size: Float64Array.from([0, 0, 1, 1, 0]),
    side: Uint8Array.from([0, 0, 0, 1, 0]),
    recvTs: Float64Array.from([11, 21, 31, 41, 51]),
  };
  const dict = dictionariesOf({
    prices: { keys: null, strings: ['100.5', '100.25', '99'] },
    sizes: { keys: null, strings: ['1', '0.5'] },
  });
  const lanes = [
    { venue: 'a', from: 0, to: 3 },
    { venue: 'b', from: 3, to: 5 },
  ];
  return new SymbolTicks('XYZ', lanes, columns, dict).withSeqOffsets(new Map([['b', 100]]));
}

describe('SymbolTicks.eachReused', () => {
  it('hands over the same ticks as each, in the same order, side and seq offset included', () => {
    const fresh: Tick[] = [];
    ticks().each((t) => fresh.push(t));
    const reused: Tick[] = [];
    ticks().eachReused((t) => reused.push({ ...t }));
    expect(reused).toEqual(fresh);
    expect(fresh[3]).toMatchObject({ venue: 'b', seq: 107, price: '99', side: 'buy' });
    expect(fresh[0]).not.toHaveProperty('side');
    expect(reused[4]).not.toHaveProperty('side'); // after a row with one
  });

  it('refills one object per venue and side, not one per row', () => {
    const seen = new Set<Tick>();
    ticks().eachReused((t) => seen.add(t));
    expect(seen.size).toBe(3); // venue a without a side; venue b with and without
  });
});
