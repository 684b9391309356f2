import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GroupSpill, ROW_VALUES } from './readback-spill.ts';

const dir = mkdtempSync(join(tmpdir(), 'tickflow-spill-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One row's values as the read-back's column arrays (lane first, then seq, ts, …). */
const row = (lane: number, seq: number) =>
  Array.from({ length: ROW_VALUES }, (_, c) => Float64Array.of(c === 0 ? lane : seq * 10 + c));

describe('GroupSpill (the read-back sorted into groups on disk)', () => {
  it('gives each group its rows back in the order they came, across blocks', () => {
    const spill = new GroupSpill(dir, 2);
    for (let i = 0; i < 20_000; i++) spill.add(i % 2, i % 2, row(i % 2, i), 0);
    spill.finish();
    const seqs: number[] = [];
    spill.read(1, (values, rows) => {
      for (let r = 0; r < rows; r++) seqs.push(((values[r * ROW_VALUES + 1] as number) - 1) / 10);
    });
    expect(seqs).toHaveLength(10_000);
    expect(seqs.slice(0, 3)).toEqual([1, 3, 5]);
    expect(seqs.at(-1)).toBe(19_999);
    expect(spill.rows).toEqual([10_000, 10_000]);
    spill.remove();
  });

  it('never closes a descriptor twice: a file opened after finish() stays writable through remove()', () => {
    const spill = new GroupSpill(dir, 3);
    spill.add(0, 0, row(0, 1), 0);
    spill.finish();
    // The lowest free descriptors are the ones finish() closed: this file likely gets one of them.
    const other = openSync(join(dir, 'someone-else.tmp'), 'w');
    spill.remove();
    expect(() => writeSync(other, 'still mine')).not.toThrow();
    closeSync(other);
  });
});
