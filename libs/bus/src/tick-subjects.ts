import type { JetStreamManager } from 'nats';
import { lastOn } from './consume.ts';
import { subjects } from './subjects.ts';

/**
 * Where each venue+symbol's ticks are stored: `ticks.<venue>.<symbol>`, or with a partitioned feed
 * (`--partitions n`) `ticks.<venue>.<symbol>.p<k>of<n>`. A reader of one symbol's ticks (the bot's
 * read-backs) needs the subject the feed uses, whatever its own partitioning: it is learnt from the
 * live ticks (`seen`) and, before one arrives, from the last one stored in either layout.
 */
export class TickSubjects {
  private readonly known = new Map<string, string>();

  constructor(private readonly jsm: JetStreamManager) {}

  /** A live tick's subject: the layout the feed publishes this venue+symbol in now. */
  seen(venue: string, symbol: string, subject: string): void {
    const key = `${venue}:${symbol}`;
    if (this.known.get(key) !== subject) this.known.set(key, subject);
  }

  /** The subject of the venue+symbol's ticks; the plain one when TICKS has none of them yet. */
  async of(venue: string, symbol: string): Promise<string> {
    const key = `${venue}:${symbol}`;
    const hit = this.known.get(key);
    if (hit) return hit;
    const plain = subjects.tick(venue, symbol);
    const [flat, partitioned] = await Promise.all([
      lastOn(this.jsm, 'TICKS', plain),
      lastOn(this.jsm, 'TICKS', `${plain}.*`),
    ]);
    const latest = partitioned && (!flat || partitioned.seq > flat.seq) ? partitioned : flat;
    if (!latest) return plain;
    this.known.set(key, latest.subject);
    return latest.subject;
  }
}
