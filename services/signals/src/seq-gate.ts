import type { Tick } from '@tickflow/core';

/** A tick waiting for the seqs before it, with the TICKS stream sequence it was stored at. */
export interface HeldTick {
  tick: Tick;
  streamSeq: number;
}

export interface SeqGateOptions {
  /** Ticks held in one venue+symbol lane before its gap is read back at once. */
  maxHeldPerLane: number;
  /** Ticks held in all lanes together before every gap is read back at once. */
  maxHeldTotal: number;
  /** A gap older than this (ms) is read back from TICKS. */
  gapTimeoutMs: number;
  /**
   * A lane never seen starts at its first tick, whatever its seq: TICKS' history starts later than
   * some lanes' seq 1 (trimmed by age, or purged), so waiting for their first seqs would be vain.
   */
  openAtFirstSeq?: boolean;
}

/** What `offer` did with a tick. */
export type Offered = 'applied' | 'held' | 'duplicate' | 'read-back';

interface Lane {
  /** Highest seq applied. */
  last: number;
  /** Ticks past a gap, by seq; undefined while the lane has none. */
  held: Map<number, HeldTick> | undefined;
  /** Highest seq held (meaningful while `held` is defined). */
  maxHeld: number;
  /** When (ms) the current gap was seen first, or last re-armed. */
  since: number;
  /** Stream sequences of ticks taken from a read-back ahead of the consumer: their delivery is silent. */
  readBack: Set<number> | undefined;
}

/**
 * Puts each venue+symbol lane's ticks in `seq` order whatever order TICKS stored them in: the next
 * seq is applied (with any held ticks it unblocks), a seq at or below the last applied one is a
 * duplicate, one past a gap is held until the gap fills. Pure: time is passed in, and reading the
 * missing ticks back from TICKS is the caller's (see GapResolver).
 */
export class SeqGate {
  private readonly lanes = new Map<string, Lane>();
  /** Ticks held in all lanes. */
  held = 0;
  /** See SeqGateOptions.openAtFirstSeq; may be set after construction. */
  openAtFirstSeq: boolean;

  constructor(
    private readonly opts: SeqGateOptions,
    private readonly apply: (tick: Tick, streamSeq: number) => void,
    /** Wall time in ms, read only when a gap opens. */
    private readonly now: () => number,
  ) {
    this.openAtFirstSeq = opts.openAtFirstSeq === true;
  }

  /**
   * Last applied seqs of a restored checkpoint, by `venue:symbol`: a lane takes its own when its
   * first tick arrives, whatever subject layout (plain or partitioned) the ticks come on.
   */
  private readonly seeds = new Map<string, number>();

  /** Sets a venue+symbol's last applied seq (from a restored checkpoint). */
  seed(venue: string, symbol: string, last: number): void {
    this.seeds.set(`${venue}:${symbol}`, last);
  }

  offer(key: string, tick: Tick, streamSeq: number): Offered {
    let lane = this.lanes.get(key);
    if (!lane) {
      const last = this.seeds.get(`${tick.venue}:${tick.symbol}`) ?? 0;
      lane = { last, held: undefined, maxHeld: 0, since: 0, readBack: undefined };
      this.lanes.set(key, lane);
    }
    if (lane.readBack?.delete(streamSeq)) return 'read-back';
    const seq = tick.seq;
    if (seq <= lane.last) return 'duplicate';
    if (seq === lane.last + 1 || (lane.last === 0 && this.openAtFirstSeq && !lane.held)) {
      lane.last = seq;
      this.apply(tick, streamSeq);
      if (lane.held) this.drain(lane);
      return 'applied';
    }
    if (!lane.held) {
      lane.held = new Map();
      lane.maxHeld = 0;
      lane.since = this.now();
    }
    if (lane.held.has(seq)) return 'duplicate';
    lane.held.set(seq, { tick, streamSeq });
    if (seq > lane.maxHeld) lane.maxHeld = seq;
    this.held++;
    return 'held';
  }

  /** Applies the held ticks that follow the lane's last seq without a gap. */
  private drain(lane: Lane): void {
    const held = lane.held as Map<number, HeldTick>;
    for (let h = held.get(lane.last + 1); h; h = held.get(lane.last + 1)) {
      held.delete(h.tick.seq);
      this.held--;
      lane.last = h.tick.seq;
      this.apply(h.tick, h.streamSeq);
    }
    if (held.size === 0) lane.held = undefined;
  }

  /** Whether a lane holds more ticks than its bound (its gap should be read back at once). */
  laneOverBound(key: string): boolean {
    return (this.lanes.get(key)?.held?.size ?? 0) > this.opts.maxHeldPerLane;
  }

  /** True when the held ticks pass the total bound (the consumer should wait for a read-back). */
  get overBound(): boolean {
    return this.held > this.opts.maxHeldTotal;
  }

  /**
   * Lanes whose gap is due for a read-back: older than the timeout, over the lane's bound, or every
   * lane with a gap when the total bound is passed. `urgent` when a bound is passed.
   */
  due(nowMs: number): { key: string; urgent: boolean }[] {
    const out: { key: string; urgent: boolean }[] = [];
    const all = this.overBound;
    for (const [key, lane] of this.lanes) {
      if (!lane.held) continue;
      const urgent = all || lane.held.size > this.opts.maxHeldPerLane;
      if (urgent || nowMs - lane.since >= this.opts.gapTimeoutMs) out.push({ key, urgent });
    }
    return out;
  }

  /** Whether `seq` is one the lane still misses (between its last applied seq and a held tick). */
  misses(key: string, seq: number): boolean {
    const lane = this.lanes.get(key);
    return lane?.held !== undefined && seq > lane.last && seq < lane.maxHeld && !lane.held.has(seq);
  }

  /** The lane's missing seqs as ranges (`[from, to]`), for the read-back and the alarm. */
  gaps(key: string): [number, number][] {
    const lane = this.lanes.get(key);
    if (!lane?.held) return [];
    const seqs = [...lane.held.keys()].sort((a, b) => a - b);
    const out: [number, number][] = [];
    let prev = lane.last;
    for (const s of seqs) {
      if (s > prev + 1) out.push([prev + 1, s - 1]);
      prev = s;
    }
    return out;
  }

  /** Last applied seq of a lane (0 when unknown). */
  last(key: string): number {
    return this.lanes.get(key)?.last ?? 0;
  }

  /**
   * Ticks the read-back found: each is offered as if delivered, and its later delivery by the
   * consumer is then silent.
   */
  fill(key: string, found: HeldTick[]): void {
    for (const h of [...found].sort((a, b) => a.tick.seq - b.tick.seq)) {
      const r = this.offer(key, h.tick, h.streamSeq);
      if (r === 'applied' || r === 'held') {
        const lane = this.lanes.get(key) as Lane;
        lane.readBack ??= new Set();
        lane.readBack.add(h.streamSeq);
      }
    }
  }

  /**
   * Gives up on the lane's gaps (the ticks are not in TICKS): applies every held tick in seq order
   * past them. Returns the ranges skipped.
   */
  skipGaps(key: string): [number, number][] {
    const skipped = this.gaps(key);
    const lane = this.lanes.get(key);
    if (!lane?.held) return skipped;
    for (const seq of [...lane.held.keys()].sort((a, b) => a - b)) {
      const h = lane.held.get(seq) as HeldTick;
      lane.held.delete(seq);
      this.held--;
      lane.last = seq;
      this.apply(h.tick, h.streamSeq);
    }
    lane.held = undefined;
    return skipped;
  }

  /** Starts the lane's gap clock again (an inconclusive read-back, a reconnect). */
  rearm(key: string | undefined, nowMs: number): void {
    if (key === undefined) for (const lane of this.lanes.values()) lane.since = nowMs;
    else {
      const lane = this.lanes.get(key);
      if (lane) lane.since = nowMs;
    }
  }

  /**
   * Lowest TICKS stream sequence among held ticks (Infinity when none): a checkpoint must resume
   * at or before it, or a restart would lose the held tick.
   */
  lowestHeldStreamSeq(): number {
    let low = Number.POSITIVE_INFINITY;
    if (this.held === 0) return low;
    for (const lane of this.lanes.values()) {
      if (!lane.held) continue;
      for (const h of lane.held.values()) if (h.streamSeq < low) low = h.streamSeq;
    }
    return low;
  }
}
