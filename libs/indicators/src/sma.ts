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
 * SMA — simple moving average over the last `period` values, O(1) per update.
 * Reference: https://en.wikipedia.org/wiki/Moving_average#Simple_moving_average
 *
 * Keeps a running sum in a ring buffer. The sum is rebuilt from the window every `period * 64`
 * updates so floating-point drift cannot grow without bound on a long-running stream.
 * Ready after `period` values, like trading-signals `SMA` and technicalindicators `SMA`.
 */
export class SMA implements Indicator<number, number> {
  private readonly window: Float64Array;
  private next = 0;
  private count = 0;
  private sum = 0;
  private sinceResum = 0;
  // State before the last update, so replace() can redo it exactly (see price-internal.ts).
  private hasUndo = false;
  private undoCount = 0;
  private undoSum = 0;
  private undoSinceResum = 0;
  private undoEvicted = 0;

  constructor(readonly period: number) {
    checkPeriod('SMA', 'period', period);
    this.window = new Float64Array(period);
  }

  /** Adds one value; returns the average once `period` values have been seen, else undefined. */
  update(x: number): number | undefined {
    checkFinite('SMA', x);
    const old = this.window[this.next] as number;
    this.hasUndo = true;
    this.undoCount = this.count;
    this.undoSum = this.sum;
    this.undoSinceResum = this.sinceResum;
    this.undoEvicted = old;

    this.window[this.next] = x;
    if (++this.next === this.period) this.next = 0;
    if (this.count < this.period) {
      this.count++;
      this.sum += x;
    } else {
      this.sum += x - old;
      if (++this.sinceResum >= this.period * 64) this.resum();
    }
    return this.isReady ? this.sum / this.period : undefined;
  }

  /** Revises the last value added, exactly as if the last update had been called with `x`. */
  replace(x: number): number | undefined {
    checkFinite('SMA', x);
    if (!this.hasUndo) return this.update(x);
    this.next = (this.next === 0 ? this.period : this.next) - 1;
    this.window[this.next] = this.undoEvicted;
    this.count = this.undoCount;
    this.sum = this.undoSum;
    this.sinceResum = this.undoSinceResum;
    return this.update(x);
  }

  get isReady(): boolean {
    return this.count >= this.period;
  }

  get value(): number | undefined {
    return this.isReady ? this.sum / this.period : undefined;
  }

  snapshot(): IndicatorState {
    return {
      kind: 'SMA',
      period: this.period,
      window: Array.from(this.window),
      next: this.next,
      count: this.count,
      sum: this.sum,
      sinceResum: this.sinceResum,
      hasUndo: this.hasUndo,
      undoCount: this.undoCount,
      undoSum: this.undoSum,
      undoSinceResum: this.undoSinceResum,
      undoEvicted: this.undoEvicted,
    };
  }

  restore(state: IndicatorState): void {
    expectKind(state, 'SMA', { period: this.period });
    const window = readFloats(state, 'window', this.period);
    const next = readInteger(state, 'next', 0, this.period - 1);
    const count = readInteger(state, 'count', 0, this.period);
    const sum = readNumber(state, 'sum');
    const sinceResum = readInteger(state, 'sinceResum', 0, this.period * 64);
    const hasUndo = readBoolean(state, 'hasUndo');
    const undoCount = readInteger(state, 'undoCount', 0, this.period);
    const undoSum = readNumber(state, 'undoSum');
    const undoSinceResum = readInteger(state, 'undoSinceResum', 0, this.period * 64);
    const undoEvicted = readNumber(state, 'undoEvicted');
    // Every field is read and checked before any is assigned: a bad state leaves this instance as it was.
    this.window.set(window);
    this.next = next;
    this.count = count;
    this.sum = sum;
    this.sinceResum = sinceResum;
    this.hasUndo = hasUndo;
    this.undoCount = undoCount;
    this.undoSum = undoSum;
    this.undoSinceResum = undoSinceResum;
    this.undoEvicted = undoEvicted;
  }

  private resum(): void {
    let s = 0;
    for (const v of this.window) s += v;
    this.sum = s;
    this.sinceResum = 0;
  }
}

/** Batch form: the SMA at every index (undefined until the window is full). */
export function smaSeries(values: readonly number[], period: number): (number | undefined)[] {
  const sma = new SMA(period);
  return values.map((x) => sma.update(x));
}
