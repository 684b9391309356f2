import type { BuiltBar } from '@tickflow/indicators';

/** A completed bar as REST serves it. */
export interface BarView {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  trades: number;
  /** The strategy's indicators as of the bar's last trade (completed bars; see BarStore.closes). */
  indicators?: Record<string, number>;
}

const FIELDS = 7; // ts, open, high, low, close, volume, trades

/**
 * The last `keep` completed bars of one symbol and interval in ONE flat Float64Array (a ring once
 * full) instead of one object per bar: an object with seven boxed doubles cost ~200 bytes on the
 * heap, here a bar is 56 bytes plus 8 per indicator. With 5,000 symbols × 3 intervals the bar objects
 * were over half of signals' heap; a second and third typed array per ring (indicator values,
 * has-indicators flags) cost another ~7 MB in array objects, so a slot holds the bar's seven fields
 * then its indicator values, and a bar without indicators stores its trade count negated (a
 * completed bar has at least one trade). Capacity grows by half again (from 8) up to `keep`.
 * Indicator names are taken from the first bar that has them (a strategy's names do not change); a
 * later bar missing one stores NaN, which is left out when the bar is read back.
 */
export class BarRing {
  private slots = new Float64Array(0);
  private names: string[] = [];
  /** Doubles per slot: the fields, then one per indicator name. */
  private stride = FIELDS;
  private capacity = 0;
  private start = 0;
  private count = 0;

  constructor(readonly keep: number) {}

  get length(): number {
    return this.count;
  }

  push(bar: Readonly<BuiltBar>, indicators?: Record<string, number>): void {
    // The first indicators fix the names: the slots widen to hold their values.
    if (indicators && this.names.length === 0) this.relayout(this.capacity, Object.keys(indicators));
    if (this.count === this.capacity && this.capacity < this.keep)
      this.relayout(Math.min(this.keep, Math.max(8, Math.ceil(this.capacity * 1.5))), this.names);
    let slot: number;
    if (this.count < this.capacity) {
      slot = (this.start + this.count) % this.capacity;
      this.count++;
    } else {
      // Full at keep: the newest bar takes the oldest one's slot.
      slot = this.start;
      this.start = (this.start + 1) % this.capacity;
    }
    const b = slot * this.stride;
    const a = this.slots;
    a[b] = bar.ts;
    a[b + 1] = bar.open;
    a[b + 2] = bar.high;
    a[b + 3] = bar.low;
    a[b + 4] = bar.close;
    a[b + 5] = bar.volume;
    a[b + 6] = indicators ? bar.trades : -bar.trades;
    const k = this.names.length;
    for (let i = 0; i < k; i++) a[b + FIELDS + i] = indicators?.[this.names[i] as string] ?? Number.NaN;
  }

  /** The last `limit` bars, oldest first, as objects. */
  last(limit: number): BarView[] {
    const n = Math.min(limit, this.count);
    const out: BarView[] = [];
    for (let j = this.count - n; j < this.count; j++) out.push(this.read((this.start + j) % this.capacity));
    return out;
  }

  private read(slot: number): BarView {
    const b = slot * this.stride;
    const a = this.slots;
    const trades = a[b + 6] as number;
    const view: BarView = {
      ts: a[b] as number,
      open: a[b + 1] as number,
      high: a[b + 2] as number,
      low: a[b + 3] as number,
      close: a[b + 4] as number,
      volume: a[b + 5] as number,
      trades: Math.abs(trades),
    };
    if (trades > 0) {
      const ind: Record<string, number> = {};
      for (let i = 0; i < this.names.length; i++) {
        const v = a[b + FIELDS + i] as number;
        if (!Number.isNaN(v)) ind[this.names[i] as string] = v;
      }
      view.indicators = ind;
    }
    return view;
  }

  /** Re-lays the ring out for `capacity` slots and `names`, unrolled so the oldest bar is at slot 0. */
  private relayout(capacity: number, names: string[]): void {
    const stride = FIELDS + names.length;
    const slots = new Float64Array(capacity * stride).fill(Number.NaN);
    for (let j = 0; j < this.count; j++) {
      const from = ((this.start + j) % this.capacity) * this.stride;
      slots.set(this.slots.subarray(from, from + Math.min(this.stride, stride)), j * stride);
    }
    this.slots = slots;
    this.names = names;
    this.stride = stride;
    this.capacity = capacity;
    this.start = 0;
  }
}
