import type { JetStreamManager } from 'nats';
import { lastOn } from './last-on.ts';
import { subjects } from './subjects.ts';

/**
 * Where each venue+symbol's ticks are stored: `ticks.<venue>.<symbol>`, or with a partitioned feed
 * (`--partitions n`) `ticks.<venue>.<symbol>.p<k>of<n>`. A reader of one symbol's ticks (the bot's
 * read-backs) needs the subject the feed uses, whatever its own partitioning: it is learnt from the
 * live ticks (`seen`) and, before one arrives, from the last one stored in either layout.
 */
export class TickSubjects {
  private readonly known = new Map<string, string>();
  /** Venue+symbols whose ticks are on more than one subject today (the feed's `--partitions` changed). */
  private readonly moved = new Set<string>();
  /** Venue+symbols `filters` looked up in TICKS. */
  private readonly checked = new Set<string>();

  constructor(private readonly jsm: JetStreamManager) {}

  /** A live tick's subject: the layout the feed publishes this venue+symbol in now. */
  seen(venue: string, symbol: string, subject: string): void {
    const key = `${venue}:${symbol}`;
    const before = this.known.get(key);
    if (before === subject) return;
    this.known.set(key, subject);
    if (before !== undefined) this.moved.add(key); // the feed's --partitions changed
  }

  /**
   * The filters that cover every tick of the venue+symbol, for a read back over a span of the day:
   * its subject, or when the feed's `--partitions` changed that day, the plain subject and
   * `ticks.<venue>.<symbol>.*` (every partitioned one), to be read both and merged in stream order.
   */
  async filters(venue: string, symbol: string): Promise<string[]> {
    const key = `${venue}:${symbol}`;
    const plain = subjects.tick(venue, symbol);
    if (!this.checked.has(key)) {
      const [flat, info] = await Promise.all([
        lastOn(this.jsm, 'TICKS', plain),
        this.jsm.streams.info('TICKS', { subjects_filter: `${plain}.*` }),
      ]);
      // Partitioned subjects of this venue+symbol: more than one, or one beside plain ticks.
      const partitioned = Object.keys(info.state.subjects ?? {}).length;
      if (partitioned > 1 || (flat && partitioned > 0)) this.moved.add(key);
      this.checked.add(key);
    }
    return this.moved.has(key) ? [plain, `${plain}.*`] : [await this.of(venue, symbol)];
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
