import { type Bus, decode, lastOn, subjects } from '@tickflow/bus';
import type { Tick } from '@tickflow/core';
import type { LastSeqLookup } from './feed.ts';

/**
 * The feed's default LastSeqLookup: a venue+symbol's highest seq in TICKS, in either subject layout
 * (a feed started again with another --partitions continues the sequence). `storedOn` is told the
 * subject that tick is on, so the feed can say when the layout changed.
 */
export function storedLastSeq(
  bus: Bus,
  storedOn: (venue: string, symbol: string, subject: string) => void,
): LastSeqLookup {
  return async (venue, symbol) => {
    const found = await Promise.all([
      lastOn(bus.jsm, 'TICKS', subjects.tick(venue, symbol)),
      lastOn(bus.jsm, 'TICKS', `${subjects.tick(venue, symbol)}.*`),
    ]);
    let last = 0;
    for (const m of found) {
      const seq = m ? (decode(m.data) as Partial<Tick>).seq : undefined;
      if (m && typeof seq === 'number' && seq > last) {
        last = seq;
        storedOn(venue, symbol, m.subject);
      }
    }
    return last;
  };
}
