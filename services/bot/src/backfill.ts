import { type Bus, decode, nextOnSubject, readRecent, subjects } from '@tickflow/bus';
import { isDecimalString } from '@tickflow/core';
import type { StoredTick, TapeBackfill } from './tape.ts';

/** Up to this many ticks are read with direct gets, one request each; more with a consumer. */
const DIRECT_GETS = 32;

/**
 * Reads a venue+symbol's ticks back from TICKS. A market order needs the first tick or two after
 * its decision, so they are read one by one with direct gets (answered by the stream, not the API
 * queue, which a busy stream slows to a second per request), as many as the tape asks for; an
 * order that needs more asks again, continuing. Larger asks use an ordered consumer.
 */
export function streamBackfill(bus: Bus): TapeBackfill {
  return async (venue, symbol, from, want) => {
    const subject = subjects.tick(venue, symbol);
    const ticks: StoredTick[] = [];
    if ('since' in from || want > DIRECT_GETS) {
      // Many ticks, or a decision without tickStreamSeq (another producer's, found by store time).
      const messages = await readRecent(bus.js, bus.jsm, 'TICKS', {
        filterSubject: subject,
        ...('since' in from ? { since: from.since } : { fromSeq: from.streamSeq }),
        limit: Math.max(want, 1000),
      });
      for (const m of messages) pushTick(ticks, m.data, m.streamSeq);
      return { ticks, more: messages.length === Math.max(want, 1000) };
    }
    let seq = from.streamSeq;
    for (let i = 0; i < want; i++) {
      const m = await nextOnSubject(bus.jsm, 'TICKS', subject, seq);
      if (!m) return { ticks, more: false };
      pushTick(ticks, m.data, m.seq);
      seq = m.seq + 1;
    }
    return { ticks, more: true };
  };
}

function pushTick(into: StoredTick[], data: Uint8Array, streamSeq: number): void {
  try {
    const t = decode(data) as Partial<StoredTick>;
    if (
      Number.isSafeInteger(t.seq) &&
      Number.isSafeInteger(t.ts) &&
      isDecimalString(t.price) &&
      isDecimalString(t.size)
    )
      into.push({ seq: t.seq as number, ts: t.ts as number, price: t.price, size: t.size, streamSeq });
  } catch {
    // the feed publishes only valid ticks; anything else is not part of the tape
  }
}
