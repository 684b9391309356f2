import type { TapeTick } from '@tickflow/paper';

/** A tick as the tape keeps it: with its TICKS sequence (where it was stored). */
export type StoredTick = TapeTick & { streamSeq: number };

/**
 * The ticks of one lane in seq order, one per seq, with holes where a tick has not been seen. A tick
 * in order is appended in O(1); a late one (stored after newer ones by an old feed's re-send) is
 * inserted in its place. Evicted slots are skipped by an offset and compacted away once they are
 * half the array (Array#shift is O(n)).
 */
export class TickWindow {
  private items: (StoredTick | undefined)[] = [];
  private start = 0;

  get length(): number {
    return this.items.length - this.start;
  }

  get first(): StoredTick | undefined {
    return this.items[this.start];
  }

  get last(): StoredTick | undefined {
    return this.length > 0 ? this.items[this.items.length - 1] : undefined;
  }

  /** Adds a tick in seq order; false (nothing changes) when the window already holds its seq. */
  insert(tick: StoredTick): boolean {
    const last = this.last;
    if (!last || tick.seq > last.seq) {
      this.items.push(tick);
      return true;
    }
    const i = this.indexAtOrAfter(tick.seq);
    if ((this.items[i] as StoredTick).seq === tick.seq) return false;
    this.items.splice(i, 0, tick);
    return true;
  }

  /** The tick of `seq`, if held. */
  get(seq: number): StoredTick | undefined {
    const first = this.first;
    if (!first || seq < first.seq || seq > (this.last as StoredTick).seq) return undefined;
    // Without holes the tick is at its offset from the first: the usual case, O(1).
    const guess = this.start + (seq - first.seq);
    const at = this.items[guess];
    if (at?.seq === seq) return at;
    const found = this.items[this.indexAtOrAfter(seq)];
    return found?.seq === seq ? found : undefined;
  }

  /** Drops the lowest ticks until at most `keep` remain; returns the highest TICKS sequence dropped (0: none). */
  trim(keep: number): number {
    let dropped = 0;
    while (this.length > keep) {
      dropped = Math.max(dropped, (this.items[this.start] as StoredTick).streamSeq);
      this.items[this.start++] = undefined;
    }
    if (this.start > 1024 && this.start * 2 > this.items.length) {
      this.items = this.items.slice(this.start);
      this.start = 0;
    }
    return dropped;
  }

  /** The ticks in seq order, lowest first. */
  *[Symbol.iterator](): IterableIterator<StoredTick> {
    for (let i = this.start; i < this.items.length; i++) yield this.items[i] as StoredTick;
  }

  /** Index of the first held tick with seq ≥ `seq` (the window holds one above it). */
  private indexAtOrAfter(seq: number): number {
    let lo = this.start;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.items[mid] as StoredTick).seq < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
