import type { TapeTick } from '@tickflow/paper';
import { describe, expect, it, vi } from 'vitest';
import { type StoredTick, Tape, type TapeBackfill } from './tape.ts';

const tick = (seq: number, streamSeq: number): StoredTick => ({
  seq,
  ts: seq * 1000,
  price: String(100 + seq),
  size: '1',
  streamSeq,
});

/** TICKS for one lane: the ticks in the order they were stored (stream seq = position + 1). */
function stream(seqs: number[]): { stored: StoredTick[]; backfill: TapeBackfill; reads: number[][] } {
  const stored = seqs.map((s, i) => tick(s, i + 1));
  const reads: number[][] = [];
  const backfill: TapeBackfill = async (_v, _s, from, to, want) => {
    const start = typeof from === 'number' ? from : 1;
    const ticks = stored.filter((t) => t.streamSeq >= start && t.streamSeq <= to).slice(0, want);
    reads.push([start, to]);
    const last = ticks.at(-1);
    return { ticks, next: ticks.length === want && last ? last.streamSeq + 1 : to + 1 };
  };
  return { stored, backfill, reads };
}

/** Follows the lane after `afterSeq` and collects the seqs offered, until `until` of them. */
async function collect(tape: Tape, afterSeq: number, from: number, until: number): Promise<number[]> {
  const got: number[] = [];
  await tape.follow('v', 'S', afterSeq, { streamSeq: from }, (t: TapeTick) => {
    got.push(t.seq);
    return got.length >= until;
  });
  return got;
}

describe('Tape', () => {
  it('waits at a gap in seq for the late tick instead of skipping it, then goes on in seq order', async () => {
    const tape = new Tape(1000, stream([]).backfill);
    const got: number[] = [];
    await tape.follow('v', 'S', 1, { streamSeq: 1 }, (t) => {
      got.push(t.seq);
      return false;
    });
    tape.push('v', 'S', tick(2, 1));
    expect(tape.push('v', 'S', tick(4, 2))).toBe(true);
    expect(got).toEqual([2]);
    expect(tape.push('v', 'S', tick(3, 3))).toBe(false); // late: kept, not the newest for marks
    tape.push('v', 'S', tick(5, 4));
    expect(got).toEqual([2, 3, 4, 5]);
  });

  it('passes over a tick that never comes after --lost-tick-ms, saying which, and goes on in seq order', async () => {
    vi.useFakeTimers();
    try {
      const lost: string[] = [];
      const tape = new Tape(1000, stream([]).backfill, undefined, {
        afterMs: 30_000,
        onLost: (venue, symbol, seq) => lost.push(`${venue}:${symbol}:${seq}`),
      });
      const got: number[] = [];
      await tape.follow('v', 'S', 1, { streamSeq: 1 }, (t) => {
        got.push(t.seq);
        return false;
      });
      tape.push('v', 'S', tick(2, 1));
      tape.push('v', 'S', tick(4, 2));
      await vi.advanceTimersByTimeAsync(29_999);
      expect(got).toEqual([2]);
      await vi.advanceTimersByTimeAsync(1);
      expect(lost).toEqual(['v:S:3']);
      expect(got).toEqual([2, 4]);
      tape.push('v', 'S', tick(5, 3));
      expect(got).toEqual([2, 4, 5]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not pass over a late tick that comes before --lost-tick-ms', async () => {
    vi.useFakeTimers();
    try {
      const lost: number[] = [];
      const tape = new Tape(1000, stream([]).backfill, undefined, {
        afterMs: 30_000,
        onLost: (_v, _s, seq) => lost.push(seq),
      });
      const got: number[] = [];
      await tape.follow('v', 'S', 1, { streamSeq: 1 }, (t) => {
        got.push(t.seq);
        return false;
      });
      tape.push('v', 'S', tick(2, 1));
      tape.push('v', 'S', tick(4, 2));
      await vi.advanceTimersByTimeAsync(20_000);
      tape.push('v', 'S', tick(3, 3));
      await vi.advanceTimersByTimeAsync(60_000);
      expect(got).toEqual([2, 3, 4]);
      expect(lost).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps a late tick for an order that starts after it arrived', async () => {
    const tape = new Tape(1000, stream([]).backfill);
    for (const [seq, at] of [
      [1, 1],
      [2, 2],
      [5, 3],
      [6, 4],
      [3, 5],
      [4, 6],
    ] as const)
      tape.push('v', 'S', tick(seq, at));
    expect(await collect(tape, 2, 3, 4)).toEqual([3, 4, 5, 6]);
  });

  it('reads back in full what was stored before the live start, in seq order whatever the store order', async () => {
    const { backfill } = stream([1, 2, 5, 6, 3, 4, 7]);
    const tape = new Tape(1000, backfill);
    tape.startLive(8);
    tape.noteLatest('v', 'S', 7);
    expect(await collect(tape, 2, 3, 5)).toEqual([3, 4, 5, 6, 7]);
  });

  it('looks back before the deciding tick for later ticks stored ahead of it', async () => {
    // Tick 4 (the decision's) was stored after 5 and 6: they come before its stream position.
    const { backfill } = stream([1, 2, 5, 6, 3, 4]);
    const tape = new Tape(1000, backfill);
    tape.startLive(7);
    tape.noteLatest('v', 'S', 6);
    expect(await collect(tape, 4, 7, 2)).toEqual([5, 6]);
  });

  it('reads again what the ring evicted, and never skips it', async () => {
    const seqs = Array.from({ length: 300 }, (_, i) => i + 1);
    const { stored, backfill } = stream(seqs);
    const tape = new Tape(64, backfill);
    for (const t of stored) tape.push('v', 'S', t);
    expect(await collect(tape, 10, 11, 290)).toEqual(seqs.slice(10));
  });
});
