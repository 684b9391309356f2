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
 * WMA — linearly weighted moving average: weights 1 … period, the newest value weighted `period`,
 * divided by period · (period + 1) / 2. O(1) per update.
 * Reference: https://en.wikipedia.org/wiki/Moving_average#Weighted_moving_average
 *
 * Keeps the plain sum S and the weighted sum W of the window. When the window slides every weight
 * drops by one, which subtracts S (the oldest value goes from weight 1 to 0), and the new value comes
 * in at weight `period`: W ← W − S + period · x, then S ← S − oldest + x. Both sums are rebuilt from
 * the ring buffer every `period * 64` updates so rounding drift stays bounded.
 * Ready after `period` values, like trading-signals and technicalindicators `WMA`.
 */
export class WMA implements Indicator<number, number> {
  private readonly window: Float64Array;
  private readonly divisor: number;
  private next = 0;
  private count = 0;
  private sum = 0;
  private weightedSum = 0;
  private sinceRebuild = 0;
  private hasUndo = false;
  private undoCount = 0;
  private undoSum = 0;
  private undoWeightedSum = 0;
  private undoSinceRebuild = 0;
  private undoEvicted = 0;

  constructor(readonly period: number) {
    checkPeriod('WMA', 'period', period);
    this.window = new Float64Array(period);
    this.divisor = (period * (period + 1)) / 2;
  }

  update(x: number): number | undefined {
    checkFinite('WMA', x);
    const oldest = this.window[this.next] as number;
    this.hasUndo = true;
    this.undoCount = this.count;
    this.undoSum = this.sum;
    this.undoWeightedSum = this.weightedSum;
    this.undoSinceRebuild = this.sinceRebuild;
    this.undoEvicted = oldest;

    this.window[this.next] = x;
    if (++this.next === this.period) this.next = 0;
    if (this.count < this.period) {
      this.count++;
      this.sum += x;
      this.weightedSum += this.count * x;
    } else {
      this.weightedSum += this.period * x - this.sum;
      this.sum += x - oldest;
      if (++this.sinceRebuild >= this.period * 64) this.rebuild();
    }
    return this.count >= this.period ? this.weightedSum / this.divisor : undefined;
  }

  replace(x: number): number | undefined {
    checkFinite('WMA', x);
    if (!this.hasUndo) return this.update(x);
    this.next = (this.next === 0 ? this.period : this.next) - 1;
    this.window[this.next] = this.undoEvicted;
    this.count = this.undoCount;
    this.sum = this.undoSum;
    this.weightedSum = this.undoWeightedSum;
    this.sinceRebuild = this.undoSinceRebuild;
    return this.update(x);
  }

  get isReady(): boolean {
    return this.count >= this.period;
  }

  get value(): number | undefined {
    return this.count >= this.period ? this.weightedSum / this.divisor : undefined;
  }

  snapshot(): IndicatorState {
    return {
      kind: 'WMA',
      period: this.period,
      window: Array.from(this.window),
      next: this.next,
      count: this.count,
      sum: this.sum,
      weightedSum: this.weightedSum,
      sinceRebuild: this.sinceRebuild,
      hasUndo: this.hasUndo,
      undoCount: this.undoCount,
      undoSum: this.undoSum,
      undoWeightedSum: this.undoWeightedSum,
      undoSinceRebuild: this.undoSinceRebuild,
      undoEvicted: this.undoEvicted,
    };
  }

  restore(state: IndicatorState): void {
    expectKind(state, 'WMA', { period: this.period });
    const window = readFloats(state, 'window', this.period);
    const next = readInteger(state, 'next', 0, this.period - 1);
    const count = readInteger(state, 'count', 0, this.period);
    const sum = readNumber(state, 'sum');
    const weightedSum = readNumber(state, 'weightedSum');
    const sinceRebuild = readInteger(state, 'sinceRebuild', 0, this.period * 64);
    const hasUndo = readBoolean(state, 'hasUndo');
    const undoCount = readInteger(state, 'undoCount', 0, this.period);
    const undoSum = readNumber(state, 'undoSum');
    const undoWeightedSum = readNumber(state, 'undoWeightedSum');
    const undoSinceRebuild = readInteger(state, 'undoSinceRebuild', 0, this.period * 64);
    const undoEvicted = readNumber(state, 'undoEvicted');
    this.window.set(window);
    this.next = next;
    this.count = count;
    this.sum = sum;
    this.weightedSum = weightedSum;
    this.sinceRebuild = sinceRebuild;
    this.hasUndo = hasUndo;
    this.undoCount = undoCount;
    this.undoSum = undoSum;
    this.undoWeightedSum = undoWeightedSum;
    this.undoSinceRebuild = undoSinceRebuild;
    this.undoEvicted = undoEvicted;
  }

  /** Recomputes both sums from the window, oldest value (at `next`) first with weight 1. */
  private rebuild(): void {
    let sum = 0;
    let weighted = 0;
    for (let i = 0; i < this.period; i++) {
      const v = this.window[(this.next + i) % this.period] as number;
      sum += v;
      weighted += (i + 1) * v;
    }
    this.sum = sum;
    this.weightedSum = weighted;
    this.sinceRebuild = 0;
  }
}

/** Batch form: the WMA at every index (undefined until the window is full). */
export function wmaSeries(values: readonly number[], period: number): (number | undefined)[] {
  const wma = new WMA(period);
  return values.map((x) => wma.update(x));
}
