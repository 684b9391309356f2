import { type Bus, decode, lastMessageOn } from '@tickflow/bus';
import { isDecimalString } from '@tickflow/core';

/** What marking a lane needs of the bot (bot.ts passes its tape, portfolio and subjects). */
export interface UnseenLaneHost {
  /** The latest seq the tape has of the lane (0: none, live or noted). */
  latestSeq(venue: string, symbol: string): number;
  /** Marks the lane at a stored tick (the portfolio's mark, the tape's latest seq). */
  mark(venue: string, symbol: string, seq: number, price: string): void;
  /** The TICKS subject of the lane. */
  subjectOf(venue: string, symbol: string): Promise<string>;
}

/**
 * After a restart, a lane the live tape has seen nothing of (no fill of it in FILLS to mark it at
 * the rebuild, and the feed may be done: no live tick will come) is marked at its latest stored
 * tick when its first order starts, once: otherwise its position stayed marked at its first fill's
 * price while the end of day marks it at the day's last trade (test/bot-recovery.test.ts, on a
 * loaded machine where the restarted bot's live consumer started after the feed's last tick).
 */
export class UnseenLanes {
  private readonly looked = new Set<string>();

  constructor(
    private readonly bus: Bus,
    private readonly host: UnseenLaneHost,
  ) {}

  async markIfUnseen(venue: string, symbol: string): Promise<void> {
    const key = `${venue}\u0000${symbol}`;
    if (this.looked.has(key)) return;
    this.looked.add(key);
    if (this.host.latestSeq(venue, symbol) > 0) return;
    let data: Uint8Array | undefined;
    try {
      data = await lastMessageOn(this.bus.jsm, 'TICKS', await this.host.subjectOf(venue, symbol));
    } catch {
      // Not reachable now: the lane is marked by its next live tick, as before.
      this.looked.delete(key);
      return;
    }
    if (!data) return;
    try {
      const t = decode(data) as { seq?: unknown; price?: unknown };
      // A live tick may have come meanwhile: only a newer one moves the mark.
      if (
        Number.isSafeInteger(t.seq) &&
        isDecimalString(t.price) &&
        (t.seq as number) > this.host.latestSeq(venue, symbol)
      )
        this.host.mark(venue, symbol, t.seq as number, t.price);
    } catch {
      // not a tick: nothing to mark with
    }
  }
}
