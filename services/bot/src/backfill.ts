import { type Bus, decode, nextOnSubject, readRange, type TickSubjects } from '@tickflow/bus';
import { isDecimalString } from '@tickflow/core';
import type { StoredTick, TapeBackfill } from './tape.ts';

/** Up to this many ticks are read with direct gets, one request each; more with a consumer. */
const DIRECT_GETS = 32;

/**
 * Reads a venue+symbol's ticks back from TICKS, every one in the range asked (up to `want`): a
 * market order needs the first tick or two after its decision, so few are read one by one with
 * direct gets (answered by the stream, not the API queue, which a busy stream slows to a second per
 * request); more, or from a store time, through an ordered consumer that ends at the range's end,
 * not at a timeout (a 1 s fetch returned thousands of ticks short under load).
 */
export function streamBackfill(bus: Bus, tickSubjects: TickSubjects): TapeBackfill {
  return async (venue, symbol, from, to, want) => {
    // The feed's layout (plain or partitioned), whatever this bot's own --partition; both when the
    // feed's --partitions changed today, read each and merged.
    const filters = await tickSubjects.filters(venue, symbol);
    const [only] = filters;
    if (filters.length === 1 && only !== undefined) return readOne(bus, only, from, to, want);
    const reads = await Promise.all(filters.map((f) => readOne(bus, f, from, to, want)));
    // Each read covers its filter completely up to its `next`: together, up to the smallest.
    let next = Math.min(...reads.map((r) => r.next));
    let ticks = reads
      .flatMap((r) => r.ticks)
      .filter((t) => t.streamSeq < next)
      .sort((a, b) => a.streamSeq - b.streamSeq);
    if (ticks.length > want) {
      ticks = ticks.slice(0, want);
      next = (ticks.at(-1)?.streamSeq ?? next - 1) + 1;
    }
    return { ticks, next };
  };
}

/** One filter's ticks in the range (see TapeBackfill). */
async function readOne(
  bus: Bus,
  subject: string,
  from: number | Date,
  to: number,
  want: number,
): Promise<{ ticks: StoredTick[]; next: number }> {
  const ticks: StoredTick[] = [];
  if (typeof from !== 'number' || want > DIRECT_GETS) {
    const read = await readRange(bus.js, 'TICKS', {
      filterSubject: subject,
      ...(typeof from === 'number' ? { fromSeq: from } : { since: from }),
      toSeq: to,
      limit: want,
    });
    for (const m of read.messages) pushTick(ticks, m.data, m.streamSeq);
    return { ticks, next: read.next };
  }
  let seq = from;
  for (let i = 0; i < want && seq <= to; i++) {
    const m = await nextOnSubject(bus.jsm, 'TICKS', subject, seq);
    if (!m || m.seq > to) return { ticks, next: to + 1 };
    pushTick(ticks, m.data, m.seq);
    seq = m.seq + 1;
  }
  return { ticks, next: seq };
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
