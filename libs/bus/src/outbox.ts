import type { Frame } from './frames.ts';

/** One message kept until the stream has confirmed it: its wire frame, sent again on a re-send. */
export type OutboxEntry = Frame;

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
    this.bytes += entry.bytes.byteLength;
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
   * Absolute index of the entry with this id and subject at or before `upTo`, or -1. Ids are
   * unique in an outbox. Scans from both ends at once: a read-back finds the stream near the
   * newest entry when it keeps up, near the oldest when it is behind.
   */
  indexOf(msgId: string, subject: string, upTo: number): number {
    let lo = this.head;
    let hi = this.head + Math.min(upTo, this.nextIndex - 1) - this.base;
    while (lo <= hi) {
      const h = this.items[hi] as OutboxEntry;
      if (h.msgId === msgId && h.subject === subject) return hi - this.head + this.base;
      const l = this.items[lo] as OutboxEntry;
      if (l.msgId === msgId && l.subject === subject) return lo - this.head + this.base;
      hi--;
      lo++;
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
    this.bytes -= e.bytes.byteLength;
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return e;
  }
}
