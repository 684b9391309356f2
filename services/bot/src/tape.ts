import type { TapeTick } from '@tickflow/paper';
import { TickWindow } from './tick-window.ts';

/** Where to start reading a lane back from the stream: a TICKS sequence, or a store time. */
export type BackfillFrom = { streamSeq: number } | { since: Date };

/** A tick read back from the stream, with its TICKS sequence (where to continue from). */
export type StoredTick = TapeTick & { streamSeq: number };

/**
 * Where older ticks of one venue+symbol come from when the ring does not hold them (TICKS): a
 * bounded batch in stream order, and whether the stream had more (false: it reached the end).
 */
export type TapeBackfill = (
  venue: string,
  symbol: string,
  from: BackfillFrom,
  /** How many ticks the caller would like (it may get fewer, or a few more). */
  want: number,
) => Promise<{ ticks: StoredTick[]; more: boolean }>;

type Listener = (tick: TapeTick) => void;

/** A lane keeps at least this many ticks, however many lanes share the budget. */
const MIN_PER_LANE = 64;

interface Lane {
  /** The last ticks seen live, oldest first: the lane's share of the budget. */
  ring: TickWindow;
  /** The last batch read back from the stream: the next order of the lane likely needs it too. */
  history: StoredTick[];
  listeners: Set<Listener>;
}

/**
 * The recent tape per venue+symbol, as the bot's TICKS consumer sees it, so an order can be matched
 * against the ticks after its decision even when those passed by before the decision arrived (the
 * TICKS consumer usually runs a few ms ahead of DECISIONS; in a burst or after a restart it may be
 * far ahead). Bounded: `budget` live ticks shared by all lanes (each keeps budget / lanes, at least
 * 64), plus each lane's last batch read back from the stream.
 */
export class Tape {
  private readonly lanes = new Map<string, Lane>();

  private perLane: number;

  constructor(
    private readonly budget: number,
    private readonly backfill: TapeBackfill,
  ) {
    this.perLane = budget;
  }

  /** Adds a tick; false (and nothing changes) for one at or before the lane's latest seq. */
  push(venue: string, symbol: string, tick: TapeTick): boolean {
    const lane = this.lane(venue, symbol);
    const last = lane.ring.last;
    // A redelivered tick, or one the feed's resend stored late: the tape (like signals) has moved on.
    if (last && tick.seq <= last.seq) return false;
    lane.ring.push(tick);
    lane.ring.trim(this.perLane);
    for (const listener of lane.listeners) listener(tick);
    return true;
  }

  /**
   * Calls `onTick` with every tick of the lane after `afterSeq`, in seq order — first those already
   * past (read back from the stream from `from` when the ring does not reach back that far), then
   * each new one as it arrives — until `onTick` returns true or the returned `stop` is called.
   */
  async follow(
    venue: string,
    symbol: string,
    afterSeq: number,
    from: BackfillFrom,
    onTick: (tick: TapeTick) => boolean,
  ): Promise<() => void> {
    const lane = this.lane(venue, symbol);
    let seen = afterSeq;
    let done = false;
    const offer = (ticks: Iterable<TapeTick>) => {
      for (const t of ticks) {
        if (done) return;
        if (t.seq > seen) {
          seen = t.seq;
          done = onTick(t);
        }
      }
    };
    const covers = (first: TapeTick | undefined) => first !== undefined && first.seq <= seen + 1;
    let next: BackfillFrom | undefined = from;
    // A market order usually needs the first tick or two: ask for few, then for more and more.
    let want = 2;
    while (!done) {
      if (covers(lane.history[0])) {
        // The last read-back batch reaches back to the next tick needed: use it, continue after it.
        offer(lane.history);
        next = { streamSeq: (lane.history[lane.history.length - 1] as StoredTick).streamSeq + 1 };
        if (done) break;
      }
      // The ring holds the next tick needed (or nothing older is left to read): go live.
      if (covers(lane.ring.first) || !next) break;
      const batch = await this.backfill(venue, symbol, next, want);
      want = Math.min(want * 4, 1024);
      if (batch.ticks.length > 0) lane.history = batch.ticks;
      offer(batch.ticks);
      const last = batch.ticks[batch.ticks.length - 1];
      next = batch.more && last ? { streamSeq: last.streamSeq + 1 } : undefined;
    }
    offer(lane.ring);
    if (done) return () => {};
    const listener: Listener = (t) => {
      if (done || t.seq <= seen) return;
      seen = t.seq;
      done = onTick(t);
      if (done) lane.listeners.delete(listener);
    };
    lane.listeners.add(listener);
    return () => lane.listeners.delete(listener);
  }

  private lane(venue: string, symbol: string): Lane {
    const key = `${venue}\u0000${symbol}`;
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { ring: new TickWindow(), history: [], listeners: new Set() };
      this.lanes.set(key, lane);
      this.perLane = Math.max(MIN_PER_LANE, Math.floor(this.budget / this.lanes.size));
    }
    return lane;
  }
}
