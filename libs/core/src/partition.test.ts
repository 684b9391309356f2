import { describe, expect, it } from 'vitest';
import { PartitionSpecError, parsePartition, partitionOf } from './partition.ts';

describe('partitionOf', () => {
  it('puts each venue+symbol in exactly one partition, the same every time', () => {
    for (let i = 0; i < 200; i++) {
      const p = partitionOf('synth', `SYN${i}-USD`, 4);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThan(4);
      expect(partitionOf('synth', `SYN${i}-USD`, 4)).toBe(p);
    }
  });

  it('spreads symbols over the partitions', () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 1000; i++) {
      const p = partitionOf('synth', `SYN${i}-USD`, 4);
      counts[p] = (counts[p] ?? 0) + 1;
    }
    for (const c of counts) expect(c).toBeGreaterThan(150);
  });
});

describe('parsePartition', () => {
  it('parses i/n and refuses what is not one', () => {
    expect(parsePartition('1/3')).toEqual({ index: 1, count: 3 });
    for (const bad of ['3/3', '0/0', 'a/b', '1', '-1/2'])
      expect(() => parsePartition(bad)).toThrow(PartitionSpecError);
  });
});
