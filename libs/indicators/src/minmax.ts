import type { Indicator, IndicatorState } from './indicator.ts';
import {
  checkFinite,
  checkPeriod,
  expectKind,
  readBoolean,
  readFloats,
  readInteger,
  readNumber,
} from './price-internal.ts';

/**
 * Rolling extreme of the last `period` values with a monotonic deque, O(1) amortised per update.
 * Reference (the "ascending minima" algorithm): https://people.cs.uct.ac.za/~ksmith/articles/sliding_window_minimum.html
 *
 * The deque holds (input number, value) pairs in two ring buffers of capacity `period`, values
 * strictly monotonic from front (the extreme) to back. A new value first drops the front if it left
 * the window, then drops every back entry it dominates (it can never be the extreme again while the
 * new value is in the window), then joins at the back: each input is pushed once and dropped at most
 * once. Nothing is shifted or allocated.
 *
 * replace() is O(1) too: dropping entries only moves `head`/`size`, the ring slots keep their
 * contents, and the push overwrites exactly one slot; so putting back `head`, `size` and that one slot
 * restores the deque as it was before the last update.
 */
abstract class RollingExtreme implements Indicator<number, number> {
  private readonly kind: string;
  private readonly indexes: Float64Array;
  private readonly values: Float64Array;
  private head = 0;
  private size = 0;
  /** Inputs seen so far; also the input number of the next value. */
  private seen = 0;
  private hasUndo = false;
  private undoHead = 0;
  private undoSize = 0;
  private undoSlot = 0;
  private undoSlotIndex = 0;
  private undoSlotValue = 0;

  constructor(
    readonly period: number,
    private readonly keepMax: boolean,
  ) {
    this.kind = keepMax ? 'RollingMax' : 'RollingMin';
    checkPeriod(this.kind, 'period', period);
    this.indexes = new Float64Array(period);
    this.values = new Float64Array(period);
  }

  update(x: number): number | undefined {
    checkFinite(this.kind, x);
    const capacity = this.period;
    this.hasUndo = true;
    this.undoHead = this.head;
    this.undoSize = this.size;

    // At most one entry leaves the window per input: the one numbered seen − period.
    if (this.size > 0 && (this.indexes[this.head] as number) <= this.seen - capacity) {
      if (++this.head === capacity) this.head = 0;
      this.size--;
    }
    while (this.size > 0) {
      let back = this.head + this.size - 1;
      if (back >= capacity) back -= capacity;
      const v = this.values[back] as number;
      // Keep strictly better entries; an equal older one is dropped (the newer one lasts longer).
      if (this.keepMax ? v > x : v < x) break;
      this.size--;
    }
    let slot = this.head + this.size;
    if (slot >= capacity) slot -= capacity;
    this.undoSlot = slot;
    this.undoSlotIndex = this.indexes[slot] as number;
    this.undoSlotValue = this.values[slot] as number;
    this.indexes[slot] = this.seen;
    this.values[slot] = x;
    this.size++;
    this.seen++;
    return this.seen >= capacity ? (this.values[this.head] as number) : undefined;
  }

  replace(x: number): number | undefined {
    checkFinite(this.kind, x);
    if (!this.hasUndo) return this.update(x);
    this.indexes[this.undoSlot] = this.undoSlotIndex;
    this.values[this.undoSlot] = this.undoSlotValue;
    this.head = this.undoHead;
    this.size = this.undoSize;
    this.seen--;
    return this.update(x);
  }

  get isReady(): boolean {
    return this.seen >= this.period;
  }

  get value(): number | undefined {
    return this.seen >= this.period ? (this.values[this.head] as number) : undefined;
  }

  snapshot(): IndicatorState {
    return {
      kind: this.kind,
      period: this.period,
      indexes: Array.from(this.indexes),
      values: Array.from(this.values),
      head: this.head,
      size: this.size,
      seen: this.seen,
      hasUndo: this.hasUndo,
      undoHead: this.undoHead,
      undoSize: this.undoSize,
      undoSlot: this.undoSlot,
      undoSlotIndex: this.undoSlotIndex,
      undoSlotValue: this.undoSlotValue,
    };
  }

  restore(state: IndicatorState): void {
    expectKind(state, this.kind, { period: this.period });
    const indexes = readFloats(state, 'indexes', this.period);
    const values = readFloats(state, 'values', this.period);
    const head = readInteger(state, 'head', 0, this.period - 1);
    const size = readInteger(state, 'size', 0, this.period);
    const seen = readInteger(state, 'seen', 0, Number.MAX_SAFE_INTEGER);
    const hasUndo = readBoolean(state, 'hasUndo');
    const undoHead = readInteger(state, 'undoHead', 0, this.period - 1);
    const undoSize = readInteger(state, 'undoSize', 0, this.period);
    const undoSlot = readInteger(state, 'undoSlot', 0, this.period - 1);
    const undoSlotIndex = readNumber(state, 'undoSlotIndex');
    const undoSlotValue = readNumber(state, 'undoSlotValue');
    this.indexes.set(indexes);
    this.values.set(values);
    this.head = head;
    this.size = size;
    this.seen = seen;
    this.hasUndo = hasUndo;
    this.undoHead = undoHead;
    this.undoSize = undoSize;
    this.undoSlot = undoSlot;
    this.undoSlotIndex = undoSlotIndex;
    this.undoSlotValue = undoSlotValue;
  }
}

/**
 * Rolling minimum of the last `period` values (technicalindicators `Lowest`; trading-signals has no
 * streaming equivalent). Ready after `period` values.
 */
export class RollingMin extends RollingExtreme {
  constructor(period: number) {
    super(period, false);
  }
}

/**
 * Rolling maximum of the last `period` values (technicalindicators `Highest`; trading-signals has no
 * streaming equivalent). Ready after `period` values.
 */
export class RollingMax extends RollingExtreme {
  constructor(period: number) {
    super(period, true);
  }
}

/** Batch form: the rolling minimum at every index (undefined until the window is full). */
export function rollingMinSeries(values: readonly number[], period: number): (number | undefined)[] {
  const min = new RollingMin(period);
  return values.map((x) => min.update(x));
}

/** Batch form: the rolling maximum at every index (undefined until the window is full). */
export function rollingMaxSeries(values: readonly number[], period: number): (number | undefined)[] {
  const max = new RollingMax(period);
  return values.map((x) => max.update(x));
}
