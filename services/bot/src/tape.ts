import type { TapeTick } from '@tickflow/paper';
import { type StoredTick, TickWindow } from './tick-window.ts';

export type { StoredTick } from './tick-window.ts';

/** Where to start reading a lane back from the stream: a TICKS sequence, or a store time. */
export type BackfillFrom = { streamSeq: number } | { since: Date };

/**
 * Reads one venue+symbol's ticks back from TICKS, in stream order: every one stored from `from` up
 * to sequence `to`, unless `want` of them were read first. `next` is where to continue (`to + 1`
 * once the range is done). Complete: never cut short by a timeout.
 */
export type TapeBackfill = (
  venue: string,
  symbol: string,
  from: number | Date,
  to: number,
  want: number,
) => Promise<{ ticks: StoredTick[]; next: number }>;

/** A lane keeps at least this many ticks, however many lanes share the budget. */
const MIN_PER_LANE = 64;
/**
 * How far before its decision's tick a tick after it may be stored: further than any feed re-send
 * window (an old feed re-sent up to its 64 MiB outbox after a broker restart, ~600 k ticks).
 */
const REORDER_REACH = 1_000_000;

interface Lane {
  /** The ticks seen live, by seq (late ones inserted in place): the lane's share of the budget. */
  ring: TickWindow;
  /** Highest seq seen (live, or the latest stored before the start): what marks follow. */
  maxSeq: number;
  /** Every tick of the lane stored at or after this TICKS sequence and received is in the ring. */
  liveFrom: number;
  /** The last batch read back, with the TICKS range it covers completely. */
  cache: { from: number; next: number; ticks: StoredTick[] } | undefined;
  /** Followers waiting for a tick that has not arrived yet. */
  waiting: Set<() => void>;
}

/**
 * The tape per venue+symbol, as the bot's TICKS consumer sees it, so an order can be matched against
 * the ticks after its decision even when those passed by before the decision arrived (in a burst or
 * after a restart the TICKS consumer may be far ahead of DECISIONS). An order gets exactly the ticks
 * the batch layer gives it: every seq after its decision's, one by one, in seq order. A tick not
 * held is read back from TICKS when it may be stored before the live tape's reach, or waited for;
 * never skipped (a gap in seq is a tick still to come: an old feed stored re-sent ticks late). A late
 * tick is inserted in its place, never dropped. Bounded: `budget` live ticks shared by all lanes
 * (each keeps budget / lanes, at least 64); what was evicted is read back again when needed.
 */
export class Tape {
  private readonly lanes = new Map<string, Lane>();
  private perLane: number;
  /** TICKS sequence the live consumer starts at: ticks stored before it are read back. */
  private liveStart = 1;

  constructor(
    private readonly budget: number,
    private readonly backfill: TapeBackfill,
    /** Told once per order when it waits for a tick missing below ticks already seen (a gap). */
    private readonly onGap: (venue: string, symbol: string, seq: number) => void = () => {},
    /**
     * A tick missing below newer ones, looked for in TICKS and waited for this long, is taken as
     * lost and passed over (`onLost`), as the batch layer's tape of stored ticks passes over it:
     * an order never waits forever for a tick that will not come. Undefined: wait for ever.
     */
    private readonly lost?: { afterMs: number; onLost: (venue: string, symbol: string, seq: number) => void },
  ) {
    this.perLane = budget;
  }

  /** The live consumer starts at this TICKS sequence; what is stored before it is read back. */
  startLive(streamSeq: number): void {
    this.liveStart = streamSeq;
    for (const lane of this.lanes.values()) lane.liveFrom = Math.max(lane.liveFrom, streamSeq);
  }

  /** The lane's latest seq, live or noted (0: none yet). */
  latestSeq(venue: string, symbol: string): number {
    return this.lanes.get(`${venue}\u0000${symbol}`)?.maxSeq ?? 0;
  }

  /** The lane's latest seq stored before the live start (rebuild): older live ticks are late ones. */
  noteLatest(venue: string, symbol: string, seq: number): void {
    const lane = this.lane(venue, symbol);
    lane.maxSeq = Math.max(lane.maxSeq, seq);
  }

  /**
   * Adds a live tick. True when it is the newest of its lane by seq (what a mark follows); false for
   * a late one (kept, in its place) or one already held.
   */
  push(venue: string, symbol: string, tick: StoredTick): boolean {
    const lane = this.lane(venue, symbol);
    const newest = tick.seq > lane.maxSeq;
    if (!lane.ring.insert(tick)) return false;
    if (newest) lane.maxSeq = tick.seq;
    const dropped = lane.ring.trim(this.perLane);
    if (dropped > 0) lane.liveFrom = Math.max(lane.liveFrom, dropped + 1);
    for (const wake of lane.waiting) wake();
    return newest;
  }

  /**
   * Calls `onTick` with every tick of the lane after `afterSeq`, in seq order and without a gap —
   * first those already past (read back from the stream from `from` when the tape does not hold
   * them), then each as it arrives — until `onTick` returns true or the returned `stop` is called.
   * Resolves once the order has caught up (it waits for a tick to come, or is done); a read-back
   * failing after that goes to `onError`.
   */
  follow(
    venue: string,
    symbol: string,
    afterSeq: number,
    from: BackfillFrom,
    onTick: (tick: TapeTick) => boolean,
    onError: (err: unknown) => void = () => {},
  ): Promise<() => void> {
    const lane = this.lane(venue, symbol);
    let seen = afterSeq;
    let done = false;
    let reading = false;
    let caughtUp = false;
    let reported = false;
    /** Ticks read back with seq > seen, by seq. */
    const found = new Map<number, StoredTick>();
    /** Next TICKS position to read forward from; and where that began (for the look back). */
    let scan: number | Date = 'streamSeq' in from ? from.streamSeq : from.since;
    let hint = typeof scan === 'number' ? scan : 0;
    // A market order usually needs the first tick or two: ask for few, then for more and more.
    let want = 2;
    let settle: { resolve: (stop: () => void) => void; reject: (err: unknown) => void } | undefined;
    const caught = new Promise<() => void>((resolve, reject) => {
      settle = { resolve, reject };
    });
    const lost = this.lost;
    /** The timer of the gap this order waits at (see `lost`), and the seq it waits for. */
    let lostTimer: { seq: number; timer: NodeJS.Timeout } | undefined;
    const stop = () => {
      done = true;
      lane.waiting.delete(pump);
      if (lostTimer) clearTimeout(lostTimer.timer);
    };
    const fail = (err: unknown) => {
      stop();
      if (caughtUp) onError(err);
      else settle?.reject(err);
    };
    const keep = (ticks: StoredTick[]) => {
      for (const t of ticks) if (t.seq > seen && !found.has(t.seq)) found.set(t.seq, t);
    };
    /** The look back, once: the TICKS range still to read before the decision's tick, if any. */
    let back: { pos: number; end: number } | undefined;
    let lookedBack = false;
    const read = (range: { from: number | Date; to: number }, forward: boolean) => {
      reading = true;
      const cache = lane.cache;
      const start = range.from;
      const cached = typeof start === 'number' && cache && cache.from <= start && start < cache.next;
      const batch = cached
        ? Promise.resolve({ ticks: cache.ticks.filter((t) => t.streamSeq >= start), next: cache.next })
        : this.backfill(venue, symbol, start, range.to, forward ? want : 10_000);
      batch.then(
        (b) => {
          reading = false;
          if (done) return;
          if (!cached) {
            if (typeof start === 'number' && b.ticks.length > 0)
              lane.cache = { from: start, next: b.next, ticks: b.ticks };
            if (forward) want = Math.min(want * 4, 1024);
          }
          if (forward) {
            if (typeof scan !== 'number') hint = b.ticks[0]?.streamSeq ?? b.next;
            scan = b.next;
          } else if (back) back.pos = b.next;
          keep(b.ticks);
          pump();
        },
        (err: unknown) => {
          reading = false;
          if (!done) fail(err);
        },
      );
    };
    function pump(): void {
      if (reading) return;
      while (!done) {
        const k = seen + 1;
        const t = found.get(k) ?? lane.ring.get(k);
        if (t) {
          found.delete(k);
          seen = k;
          done = onTick(t);
          continue;
        }
        // Not held. Stored before the live tape's reach (evicted, or before the start)? Read it back.
        if (typeof scan !== 'number' || scan < lane.liveFrom) {
          read({ from: scan, to: lane.liveFrom - 1 }, true);
          return;
        }
        // Later ticks are known but not this one: it may be stored before the decision's own tick
        // (an old feed's re-send): look back once, as far as a re-send reaches.
        const gap = lane.maxSeq > k || found.size > 0;
        if (gap && !lookedBack && hint > 1) {
          lookedBack = true;
          back = { pos: Math.max(1, hint - REORDER_REACH), end: hint - 1 };
        }
        if (back && back.pos <= back.end) {
          read({ from: back.pos, to: back.end }, false);
          return;
        }
        // Not stored yet: it comes live.
        if (gap && !reported) {
          reported = true;
          onGap(k);
        }
        if (gap && lost && lostTimer?.seq !== k) {
          if (lostTimer) clearTimeout(lostTimer.timer);
          const { afterMs, onLost } = lost;
          const timer = setTimeout(() => {
            lostTimer = undefined;
            // Still waiting at this seq, and it has not come: passed over, the order goes on.
            if (done || seen !== k - 1 || found.has(k) || lane.ring.get(k)) return;
            seen = k;
            onLost(venue, symbol, k);
            pump();
          }, afterMs);
          timer.unref();
          lostTimer = { seq: k, timer };
        }
        lane.waiting.add(pump);
        if (!caughtUp) {
          caughtUp = true;
          settle?.resolve(stop);
        }
        return;
      }
      lane.waiting.delete(pump);
      if (!caughtUp) {
        caughtUp = true;
        settle?.resolve(stop);
      }
    }
    const onGap = (seq: number) => this.onGap(venue, symbol, seq);
    pump();
    return caught;
  }

  private lane(venue: string, symbol: string): Lane {
    const key = `${venue}\u0000${symbol}`;
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = {
        ring: new TickWindow(),
        maxSeq: 0,
        liveFrom: this.liveStart,
        cache: undefined,
        waiting: new Set(),
      };
      this.lanes.set(key, lane);
      this.perLane = Math.max(MIN_PER_LANE, Math.floor(this.budget / this.lanes.size));
    }
    return lane;
  }
}
