import type { TapeTick } from '@tickflow/paper';

/**
 * The last ticks of one lane, oldest first, with O(1) amortised push and evict: evicted slots are
 * skipped by an offset and compacted away once they are half the array (Array#shift is O(n)).
 */
export class TickWindow {
  private items: (TapeTick | undefined)[] = [];
  private start = 0;

  get length(): number {
    return this.items.length - this.start;
  }

  get first(): TapeTick | undefined {
    return this.items[this.start];
  }

  get last(): TapeTick | undefined {
    return this.length > 0 ? this.items[this.items.length - 1] : undefined;
  }

  push(tick: TapeTick): void {
    this.items.push(tick);
  }

  /** Drops the oldest ticks until at most `keep` remain. */
  trim(keep: number): void {
    while (this.length > keep) this.items[this.start++] = undefined;
    if (this.start > 1024 && this.start * 2 > this.items.length) {
      this.items = this.items.slice(this.start);
      this.start = 0;
    }
  }

  /** The ticks in order, oldest first. */
  *[Symbol.iterator](): IterableIterator<TapeTick> {
    for (let i = this.start; i < this.items.length; i++) yield this.items[i] as TapeTick;
  }
}
