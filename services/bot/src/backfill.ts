import { type Bus, decode, readRecent, subjects } from '@tickflow/bus';
import { isDecimalString } from '@tickflow/core';
import type { StoredTick, TapeBackfill } from './tape.ts';

/** Ticks read back per request. */
const BATCH = 5_000;

/** Reads a venue+symbol's ticks back from TICKS (filtered by subject on the server). */
export function streamBackfill(bus: Bus): TapeBackfill {
  return async (venue, symbol, from) => {
    const messages = await readRecent(bus.js, bus.jsm, 'TICKS', {
      filterSubject: subjects.tick(venue, symbol),
      ...('streamSeq' in from ? { fromSeq: from.streamSeq } : { since: from.since }),
      limit: BATCH,
    });
    const ticks: StoredTick[] = [];
    for (const m of messages) {
      try {
        const t = decode(m.data) as Partial<StoredTick>;
        if (
          Number.isSafeInteger(t.seq) &&
          Number.isSafeInteger(t.ts) &&
          isDecimalString(t.price) &&
          isDecimalString(t.size)
        )
          ticks.push({
            seq: t.seq as number,
            ts: t.ts as number,
            price: t.price,
            size: t.size,
            streamSeq: m.streamSeq,
          });
      } catch {
        // the feed publishes only valid ticks; anything else is not part of the tape
      }
    }
    return { ticks, more: messages.length === BATCH };
  };
}
