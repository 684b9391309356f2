/**
 * Private O(1) building blocks of the bar indicators: a ring-buffer running sum (`RingSum`), Wilder
 * smoothing (`Wilder`) and a monotonic deque over a sliding window (`MonoDeque`).
 *
 * Every block that supports `replace` saves the few scalars it had before the last `update` and
 * re-applies the revised input from them, instead of subtracting the old input back out: that keeps
 * `update(a); update(b); replace(c)` bit-identical to `update(a); update(c)` (subtracting would leave
 * float rounding residue in running sums).
 *
 * Not exported from the package index: the shapes here may change without notice.
 */
import { count, num, nums } from './bar-internal.ts';
import { type IndicatorState, IndicatorStateError } from './indicator.ts';

/**
 * Running sum of the last `period` inputs in a ring buffer, O(1) per update. The sum is compensated
 * (Neumaier): a plain running sum that adds 1e3 and later removes it keeps an absolute error of
 * ~1e-13, which is a large relative error once only small inputs remain (volumes span many orders of
 * magnitude). It is also rebuilt from the window every `period * 64` updates so no drift can build up.
 */
export class RingSum {
  private readonly window: Float64Array;
  private next = 0;
  private n = 0;
  private total = 0;
  private comp = 0; // Neumaier compensation: the low-order bits `total` lost
  private sinceResum = 0;
  // State before the last update, for an exact replace.
  private preTotal = 0;
  private preComp = 0;
  private preN = 0;
  private preSinceResum = 0;
  private evicted = 0;

  constructor(readonly period: number) {
    this.window = new Float64Array(period);
  }

  update(x: number): void {
    this.preTotal = this.total;
    this.preComp = this.comp;
    this.preN = this.n;
    this.preSinceResum = this.sinceResum;
    this.evicted = this.window[this.next] ?? 0;
    this.apply(x);
  }

  replace(x: number): void {
    if (this.n === 0) {
      this.update(x);
      return;
    }
    this.next = (this.next + this.period - 1) % this.period;
    this.window[this.next] = this.evicted;
    this.total = this.preTotal;
    this.comp = this.preComp;
    this.n = this.preN;
    this.sinceResum = this.preSinceResum;
    this.apply(x);
  }

  private add(d: number): void {
    const t = this.total + d;
    if (Math.abs(this.total) >= Math.abs(d)) this.comp += this.total - t + d;
    else this.comp += d - t + this.total;
    this.total = t;
  }

  private apply(x: number): void {
    const old = this.window[this.next] ?? 0;
    this.window[this.next] = x;
    this.next = (this.next + 1) % this.period;
    this.add(x);
    if (this.n < this.period) {
      this.n++;
      return;
    }
    this.add(-old); // separately: x - old would round before compensation could catch it
    if (++this.sinceResum >= this.period * 64) {
      this.total = 0;
      this.comp = 0;
      for (const v of this.window) this.add(v);
      this.sinceResum = 0;
    }
  }

  get full(): boolean {
    return this.n >= this.period;
  }

  get sum(): number {
    return this.total + this.comp;
  }

  get mean(): number | undefined {
    return this.full ? this.sum / this.period : undefined;
  }

  snapshot(): IndicatorState {
    return {
      window: Array.from(this.window),
      next: this.next,
      n: this.n,
      total: this.total,
      comp: this.comp,
      sinceResum: this.sinceResum,
      pre: [this.preTotal, this.preComp, this.preN, this.preSinceResum, this.evicted],
    };
  }

  restore(s: IndicatorState): void {
    const window = nums(s, 'window', this.period);
    const pre = nums(s, 'pre', 5);
    this.window.set(window);
    this.next = count(s, 'next', this.period - 1);
    this.n = count(s, 'n', this.period);
    this.total = num(s, 'total');
    this.comp = num(s, 'comp');
    this.sinceResum = count(s, 'sinceResum');
    [this.preTotal, this.preComp, this.preN, this.preSinceResum, this.evicted] = pre as [
      number,
      number,
      number,
      number,
      number,
    ];
  }
}

/**
 * Wilder smoothing (RMA, SMMA): seeded with the simple mean of the first `period` inputs, then
 * `v += (x - v) / period`. Written as `(x - v) * (1 / period) + v`, the form trading-signals (WSMA) and
 * technicalindicators (WEMA) use, so oracle tests agree to the last few ulps.
 */
export class Wilder {
  private readonly k: number;
  private n = 0; // inputs seen, saturating at period
  private sum = 0; // seed sum while n < period
  private v = 0;
  private preN = 0;
  private preSum = 0;
  private preV = 0;

  constructor(readonly period: number) {
    this.k = 1 / period;
  }

  update(x: number): number | undefined {
    this.preN = this.n;
    this.preSum = this.sum;
    this.preV = this.v;
    return this.apply(x);
  }

  replace(x: number): number | undefined {
    if (this.n === 0) return this.update(x);
    this.n = this.preN;
    this.sum = this.preSum;
    this.v = this.preV;
    return this.apply(x);
  }

  private apply(x: number): number | undefined {
    if (this.n < this.period) {
      this.sum += x;
      if (++this.n === this.period) this.v = this.sum / this.period;
    } else {
      // Period 1 is the identity; the general form would leave cancellation residue of the old value.
      this.v = this.period === 1 ? x : (x - this.v) * this.k + this.v;
    }
    return this.value;
  }

  get isReady(): boolean {
    return this.n >= this.period;
  }

  get value(): number | undefined {
    return this.isReady ? this.v : undefined;
  }

  snapshot(): IndicatorState {
    return { n: this.n, sum: this.sum, v: this.v, pre: [this.preN, this.preSum, this.preV] };
  }

  restore(s: IndicatorState): void {
    const pre = nums(s, 'pre', 3);
    this.n = count(s, 'n', this.period);
    this.sum = num(s, 'sum');
    this.v = num(s, 'v');
    [this.preN, this.preSum, this.preV] = pre as [number, number, number];
  }
}

/**
 * Monotonic deque for a sliding-window maximum: (index, value) pairs in two ring buffers of fixed
 * capacity, values strictly decreasing from front to back. `push` drops every back entry not greater
 * than the new value (it can never be the maximum again), `evictBefore` drops expired front entries;
 * each entry is pushed and dropped once, so both are O(1) amortised. For a minimum push `-value`.
 */
export class MonoDeque {
  private readonly idx: Float64Array;
  private readonly val: Float64Array;
  private head = 0;
  private size = 0;

  constructor(private readonly capacity: number) {
    this.idx = new Float64Array(capacity);
    this.val = new Float64Array(capacity);
  }

  push(index: number, value: number): void {
    while (this.size > 0) {
      const back = (this.head + this.size - 1) % this.capacity;
      if ((this.val[back] ?? 0) > value) break;
      this.size--;
    }
    // Callers evict before the deque can overflow; this guard keeps a logic error from corrupting memory.
    if (this.size === this.capacity) throw new Error('MonoDeque overflow');
    const slot = (this.head + this.size) % this.capacity;
    this.idx[slot] = index;
    this.val[slot] = value;
    this.size++;
  }

  evictBefore(index: number): void {
    while (this.size > 0 && (this.idx[this.head] ?? 0) < index) {
      this.head = (this.head + 1) % this.capacity;
      this.size--;
    }
  }

  /** The window maximum, or -Infinity when empty. */
  get front(): number {
    return this.size > 0 ? (this.val[this.head] ?? 0) : Number.NEGATIVE_INFINITY;
  }

  snapshot(): IndicatorState {
    const idx: number[] = [];
    const val: number[] = [];
    for (let i = 0; i < this.size; i++) {
      const slot = (this.head + i) % this.capacity;
      idx.push(this.idx[slot] ?? 0);
      val.push(this.val[slot] ?? 0);
    }
    return { idx, val };
  }

  restore(s: IndicatorState): void {
    const idx = nums(s, 'idx');
    const val = nums(s, 'val', idx.length);
    if (idx.length > this.capacity) throw new IndicatorStateError('deque state is longer than its window');
    this.head = 0;
    this.size = idx.length;
    this.idx.set(idx);
    this.val.set(val);
  }
}
