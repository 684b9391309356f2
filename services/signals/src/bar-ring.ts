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

const STRIDE = 7; // ts, open, high, low, close, volume, trades

/**
 * The last `keep` completed bars of one symbol and interval, in flat Float64Arrays (a ring once
 * full) instead of one object per bar: an object with seven boxed doubles cost ~200 bytes on the
 * heap, here a bar is 56 bytes plus 8 per indicator. With 5,000 symbols × 3 intervals the bar objects
 * were over half of signals' heap. Capacity grows by half again (from 8) up to `keep`. Indicator names are
 * taken from the first bar that has them (a strategy's names do not change); a later bar missing
 * one stores NaN, which is left out when the bar is read back.
 */
export class BarRing {
  private bars = new Float64Array(0);
  private values = new Float64Array(0);
  private names: string[] = [];
  /** Whether each stored bar had indicators. */
  private has = new Uint8Array(0);
  private start = 0;
  private count = 0;

  constructor(readonly keep: number) {}

  get length(): number {
    return this.count;
  }

  push(bar: Readonly<BuiltBar>, indicators?: Record<string, number>): void {
    if (indicators && this.names.length === 0) {
      this.names = Object.keys(indicators);
      this.values = new Float64Array(this.capacity * this.names.length).fill(Number.NaN);
    }
    if (this.count === this.capacity && this.capacity < this.keep) this.grow();
    let slot: number;
    if (this.count < this.capacity) {
      slot = (this.start + this.count) % this.capacity;
      this.count++;
    } else {
      // Full at keep: the newest bar takes the oldest one's slot.
      slot = this.start;
      this.start = (this.start + 1) % this.capacity;
    }
    const b = slot * STRIDE;
    const a = this.bars;
    a[b] = bar.ts;
    a[b + 1] = bar.open;
    a[b + 2] = bar.high;
    a[b + 3] = bar.low;
    a[b + 4] = bar.close;
    a[b + 5] = bar.volume;
    a[b + 6] = bar.trades;
    this.has[slot] = indicators ? 1 : 0;
    const k = this.names.length;
    for (let i = 0; i < k; i++)
      this.values[slot * k + i] = indicators?.[this.names[i] as string] ?? Number.NaN;
  }

  /** The last `limit` bars, oldest first, as objects. */
  last(limit: number): BarView[] {
    const n = Math.min(limit, this.count);
    const out: BarView[] = [];
    for (let j = this.count - n; j < this.count; j++) out.push(this.read((this.start + j) % this.capacity));
    return out;
  }

  private get capacity(): number {
    return this.has.length;
  }

  private read(slot: number): BarView {
    const b = slot * STRIDE;
    const a = this.bars;
    const view: BarView = {
      ts: a[b] as number,
      open: a[b + 1] as number,
      high: a[b + 2] as number,
      low: a[b + 3] as number,
      close: a[b + 4] as number,
      volume: a[b + 5] as number,
      trades: a[b + 6] as number,
    };
    if (this.has[slot]) {
      const k = this.names.length;
      const ind: Record<string, number> = {};
      for (let i = 0; i < k; i++) {
        const v = this.values[slot * k + i] as number;
        if (!Number.isNaN(v)) ind[this.names[i] as string] = v;
      }
      view.indicators = ind;
    }
    return view;
  }

  /** Grows the capacity (up to keep), unrolling the ring so the oldest bar is at slot 0. */
  private grow(): void {
    // ×1.5 rather than ×2: a symbol with 40 bars holds 48 slots, not 64.
    const cap = Math.min(this.keep, Math.max(8, Math.ceil(this.capacity * 1.5)));
    const k = this.names.length;
    const bars = new Float64Array(cap * STRIDE);
    const values = new Float64Array(cap * k);
    const has = new Uint8Array(cap);
    for (let j = 0; j < this.count; j++) {
      const from = (this.start + j) % this.capacity;
      bars.set(this.bars.subarray(from * STRIDE, from * STRIDE + STRIDE), j * STRIDE);
      values.set(this.values.subarray(from * k, from * k + k), j * k);
      has[j] = this.has[from] as number;
    }
    this.bars = bars;
    this.values = values;
    this.has = has;
    this.start = 0;
  }
}
