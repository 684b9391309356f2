import type { Tick } from '@tickflow/core';
import { createLogger } from '@tickflow/runtime';
import { describe, expect, it } from 'vitest';
import { GapResolver, type SkippedGap } from './gap-resolver.ts';
import { SeqGate } from './seq-gate.ts';

const KEY = 'ticks.X.BTC-USD';
const tick = (seq: number): Tick => ({
  v: 1,
  venue: 'X',
  symbol: 'BTC-USD',
  seq,
  ts: 1_700_000_000_000_000 + seq,
  price: '1',
  size: '1',
  recvTs: 1_700_000_000_000_000 + seq,
});

function gate(opts: Partial<{ maxHeldPerLane: number; maxHeldTotal: number; gapTimeoutMs: number }> = {}) {
  const applied: number[] = [];
  const positions: number[] = [];
  let now = 0;
  const g = new SeqGate(
    { maxHeldPerLane: 100, maxHeldTotal: 1000, gapTimeoutMs: 1000, ...opts },
    (t, streamSeq) => {
      applied.push(t.seq);
      positions.push(streamSeq);
    },
    () => now,
  );
  return { g, applied, positions, at: (ms: number) => (now = ms) };
}

describe('SeqGate', () => {
  it('continues a restored venue+symbol after its checkpoint whatever subject its ticks come on', () => {
    for (const subject of [KEY, `${KEY}.p1of2`]) {
      const { g, applied } = gate();
      g.seed('X', 'BTC-USD', 5);
      expect(g.offer(subject, tick(5), 20)).toBe('duplicate');
      expect(g.offer(subject, tick(6), 21)).toBe('applied');
      expect(applied).toEqual([6]);
    }
  });

  it('applies the next seq at once and counts a seq at or below the last as a duplicate', () => {
    const { g, applied } = gate();
    expect(g.offer(KEY, tick(1), 10)).toBe('applied');
    expect(g.offer(KEY, tick(2), 11)).toBe('applied');
    expect(g.offer(KEY, tick(2), 12)).toBe('duplicate');
    expect(g.offer(KEY, tick(1), 13)).toBe('duplicate');
    expect(applied).toEqual([1, 2]);
  });

  it('holds a tick past a gap and applies it, in seq order, once the late one arrives', () => {
    const { g, applied, positions } = gate();
    g.offer(KEY, tick(1), 1);
    expect(g.offer(KEY, tick(4), 2)).toBe('held');
    expect(g.offer(KEY, tick(3), 3)).toBe('held');
    expect(g.offer(KEY, tick(4), 4)).toBe('duplicate'); // the same seq twice while held
    expect(applied).toEqual([1]);
    expect(g.gaps(KEY)).toEqual([[2, 2]]);
    expect(g.held).toBe(2);
    expect(g.offer(KEY, tick(2), 5)).toBe('applied');
    expect(applied).toEqual([1, 2, 3, 4]);
    expect(positions).toEqual([1, 5, 3, 2]);
    expect(g.held).toBe(0);
    expect(g.gaps(KEY)).toEqual([]);
  });

  it('keeps a checkpoint position below the lowest held tick', () => {
    const { g } = gate();
    g.offer(KEY, tick(1), 1);
    expect(g.lowestHeldStreamSeq()).toBe(Number.POSITIVE_INFINITY);
    g.offer(KEY, tick(3), 7);
    g.offer('ticks.X.ETH-USD', tick(5), 5);
    g.offer(KEY, tick(4), 9);
    expect(g.lowestHeldStreamSeq()).toBe(5);
  });

  it('reports a gap due after its timeout, or at once when a bound is passed', () => {
    const { g, at } = gate({ maxHeldPerLane: 2, gapTimeoutMs: 1000 });
    at(100);
    g.offer(KEY, tick(1), 1);
    g.offer(KEY, tick(3), 2);
    expect(g.due(500)).toEqual([]);
    expect(g.due(1100)).toEqual([{ key: KEY, urgent: false }]);
    g.rearm(KEY, 1100);
    expect(g.due(1500)).toEqual([]);
    g.offer(KEY, tick(4), 3);
    g.offer(KEY, tick(5), 4);
    expect(g.laneOverBound(KEY)).toBe(true);
    expect(g.due(1500)).toEqual([{ key: KEY, urgent: true }]);
  });

  it('skips a gap given up on, applies the held ticks in order, and counts a later arrival as a duplicate', () => {
    const { g, applied } = gate();
    g.offer(KEY, tick(1), 1);
    g.offer(KEY, tick(5), 2);
    g.offer(KEY, tick(3), 3);
    expect(g.skipGaps(KEY)).toEqual([
      [2, 2],
      [4, 4],
    ]);
    expect(applied).toEqual([1, 3, 5]);
    expect(g.offer(KEY, tick(2), 4)).toBe('duplicate');
  });

  it('applies ticks found by a read-back and keeps their later delivery silent', () => {
    const { g, applied } = gate();
    g.offer(KEY, tick(1), 1);
    g.offer(KEY, tick(3), 2);
    g.fill(KEY, [{ tick: tick(2), streamSeq: 9 }]);
    expect(applied).toEqual([1, 2, 3]);
    expect(g.offer(KEY, tick(2), 9)).toBe('read-back');
  });
});

describe('GapResolver', () => {
  const silent = createLogger('test', 'silent');
  // A TICKS stand-in: stream sequence → the tick stored there, all on KEY.
  const reader = (stream: Map<number, Tick>) => async (_subject: string, from: number) => {
    const seqs = [...stream.keys()].filter((s) => s >= from).sort((a, b) => a - b);
    const at = seqs[0];
    return at === undefined
      ? undefined
      : { seq: at, data: new TextEncoder().encode(JSON.stringify(stream.get(at))) };
  };
  const parse = (_s: string, d: Uint8Array) => JSON.parse(new TextDecoder().decode(d)) as Tick;

  it('reads a late tick back from further on in the stream and applies the lane in order', async () => {
    const { g, applied, at } = gate();
    at(0);
    g.offer(KEY, tick(1), 1);
    g.offer(KEY, tick(3), 2);
    const skipped: SkippedGap[] = [];
    at(2000);
    const r = new GapResolver(
      g,
      reader(new Map([[50, tick(2)]])),
      parse,
      () => 3,
      () => 2000,
      (s) => skipped.push(s),
      silent,
      { scanLimit: 10 },
    );
    await r.resolve();
    expect(applied).toEqual([1, 2, 3]);
    expect(skipped).toEqual([]);
  });

  it('gives a gap up with an alarm only once the read-back reached the end of the stream', async () => {
    const { g, applied } = gate();
    g.offer(KEY, tick(1), 1);
    g.offer(KEY, tick(4), 2);
    const skipped: SkippedGap[] = [];
    // 30 other ticks of the lane after the position, the missing 2 and 3 not among them.
    const stream = new Map<number, Tick>();
    for (let i = 0; i < 30; i++) stream.set(10 + i, tick(100 + i));
    const make = (scanLimit: number) =>
      new GapResolver(
        g,
        reader(stream),
        parse,
        () => 3,
        () => 5000,
        (s) => skipped.push(s),
        silent,
        {
          scanLimit,
        },
      );
    await make(10).resolve(); // inconclusive: stopped after 10 messages
    expect(skipped).toEqual([]);
    expect(applied).toEqual([1]);
    expect(g.due(5000)).toEqual([]); // re-armed
    await make(100).resolve(); // not due yet
    expect(skipped).toEqual([]);
    g.rearm(KEY, 0);
    await make(100).resolve();
    expect(skipped).toEqual([{ key: KEY, ranges: [[2, 3]], laneStart: false }]);
    expect(applied).toEqual([1, 4]);
  });
});

describe('SeqGate on a TICKS whose history starts after seq 1', () => {
  it('starts a lane never seen at its first tick, and still holds past a later gap', () => {
    const { g, applied } = gate();
    g.openAtFirstSeq = true;
    expect(g.offer(KEY, tick(500), 1)).toBe('applied');
    expect(g.offer(KEY, tick(502), 2)).toBe('held');
    expect(g.offer(KEY, tick(501), 3)).toBe('applied');
    expect(applied).toEqual([500, 501, 502]);
  });

  it('holds a lane never seen past a gap when the history is whole', () => {
    const { g, applied } = gate();
    expect(g.offer(KEY, tick(3), 1)).toBe('held');
    expect(g.gaps(KEY)).toEqual([[1, 2]]);
    expect(applied).toEqual([]);
  });
});
