import { partitionOf } from '@tickflow/core';
import { describe, expect, it } from 'vitest';
import { siblingsOf, subjects } from './subjects.ts';

describe('partitioned subjects', () => {
  it('keeps the plain subjects for one partition', () => {
    expect(subjects.tick('synth', 'BTC-USD')).toBe('ticks.synth.BTC-USD');
    expect(subjects.tick('synth', 'BTC-USD', 1)).toBe('ticks.synth.BTC-USD');
    expect(subjects.decision('BTC-USD', 'synth', 1)).toBe('decisions.BTC-USD');
    expect(subjects.ticksOf({ index: 0, count: 1 })).toBe('ticks.>');
    expect(subjects.decisionsOf({ index: 0, count: 1 })).toBe('decisions.>');
  });

  it('puts the venue+symbol’s partition (partitionOf, FNV-1a) in the last token', () => {
    for (const symbol of ['S0', 'S1', 'S2', 'S3', 'BTC-USD', 'AAPL']) {
      const k = partitionOf('synth', symbol, 3);
      expect(subjects.tick('synth', symbol, 3)).toBe(`ticks.synth.${symbol}.p${k}of3`);
      expect(subjects.decision(symbol, 'synth', 3)).toBe(`decisions.${symbol}.p${k}of3`);
    }
  });

  it('gives each partition a filter that matches exactly its symbols’ subjects', () => {
    const matches = (filter: string, subject: string) => {
      const f = filter.split('.');
      const s = subject.split('.');
      return f.length === s.length && f.every((t, i) => t === '*' || t === s[i]);
    };
    const symbols = Array.from({ length: 40 }, (_, i) => `S${i}`);
    for (const index of [0, 1]) {
      const filter = subjects.ticksOf({ index, count: 2 });
      const mine = symbols.filter((s) => matches(filter, subjects.tick('synth', s, 2)));
      expect(mine).toEqual(symbols.filter((s) => partitionOf('synth', s, 2) === index));
      expect(mine.length).toBeGreaterThan(5);
    }
    expect(matches(subjects.decisionsOf({ index: 1, count: 2 }), 'decisions.S1.p1of2')).toBe(true);
    expect(matches(subjects.decisionsOf({ index: 1, count: 2 }), 'decisions.S1')).toBe(false);
  });

  it('reads the siblings of a series in the same layout', () => {
    expect(siblingsOf('ticks.synth.BTC-USD')).toBe('ticks.synth.*');
    expect(siblingsOf('ticks.synth.BTC-USD.p1of2')).toBe('ticks.synth.*.p1of2');
    expect(siblingsOf('decisions.BTC-USD.p0of4')).toBe('decisions.*.p0of4');
    expect(siblingsOf('fills.BTC-USD')).toBe('fills.*');
    expect(siblingsOf('orders.rejected.AAPL')).toBe('orders.rejected.*');
    expect(siblingsOf('single')).toBeUndefined();
  });
});
