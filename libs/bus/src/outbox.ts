/** One message kept until the stream has confirmed it. */
export interface OutboxEntry {
  subject: string;
  data: Uint8Array;
  msgId: string;
}

/**
 * A FIFO of unconfirmed messages with absolute indexes (never reused), bounded by the caller on
 * bytes. Array-backed with a moving head, compacted now and then, so push and shift are O(1).
 */
export class Outbox {
  private items: OutboxEntry[] = [];
  private head = 0;
  /** Absolute index of items[head]. */
  private base = 0;
  bytes = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  /** Absolute index of the oldest entry (equal to nextIndex when empty). */
  get firstIndex(): number {
    return this.base;
  }

  /** Absolute index the next push gets. */
  get nextIndex(): number {
    return this.base + this.size;
  }

  push(entry: OutboxEntry): number {
    this.items.push(entry);
    this.bytes += entry.data.byteLength;
    return this.nextIndex - 1;
  }

  /** The newest entry and its absolute index, or undefined when empty. */
  last(): { entry: OutboxEntry; index: number } | undefined {
    if (this.size === 0) return undefined;
    return { entry: this.items[this.items.length - 1] as OutboxEntry, index: this.nextIndex - 1 };
  }

  /** The entry at absolute `index`, or undefined outside the window. */
  at(index: number): OutboxEntry | undefined {
    return index >= this.base && index < this.nextIndex
      ? this.items[this.head + index - this.base]
      : undefined;
  }

  /**
   * Absolute index of the newest entry at or before `from` whose id is `msgId` (the same subject
   * only), or -1. Scans backwards: the id looked for is usually a few entries before `from`.
   */
  lastIndexOf(msgId: string, subject: string, from: number): number {
    for (let i = Math.min(from, this.nextIndex - 1); i >= this.base; i--) {
      const e = this.items[this.head + i - this.base] as OutboxEntry;
      if (e.msgId === msgId && e.subject === subject) return i;
    }
    return -1;
  }

  /** Removes every entry up to and including absolute `index`; returns how many went. */
  dropThrough(index: number): number {
    let n = 0;
    while (this.size > 0 && this.base <= index) {
      this.shiftOne();
      n++;
    }
    return n;
  }

  /** Removes the oldest entry (overflow policy drop-oldest). */
  dropOldest(): OutboxEntry | undefined {
    return this.size > 0 ? this.shiftOne() : undefined;
  }

  /** Every entry from absolute index `from` (default: the oldest), oldest first. */
  *entries(from = this.base): IterableIterator<OutboxEntry> {
    for (let i = this.head + Math.max(0, from - this.base); i < this.items.length; i++)
      yield this.items[i] as OutboxEntry;
  }

  private shiftOne(): OutboxEntry {
    const e = this.items[this.head] as OutboxEntry;
    this.items[this.head] = undefined as unknown as OutboxEntry; // release for GC
    this.head++;
    this.base++;
    this.bytes -= e.data.byteLength;
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return e;
  }
}
