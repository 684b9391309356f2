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
 * Shared machinery of ROC and momentum: the last `period` inputs in a ring buffer, so each update
 * sees the value from `period` steps back (the slot it overwrites). Ready after `period + 1` values.
 */
abstract class LaggedChange implements Indicator<number, number> {
  private readonly window: Float64Array;
  private next = 0;
  /** Values seen, saturating at period + 1. */
  private count = 0;
  protected latest = 0;
  /** The input `period` steps before `latest`. */
  protected past = 0;
  private hasUndo = false;
  private undoCount = 0;
  private undoLatest = 0;
  private undoPast = 0;

  constructor(
    readonly period: number,
    /** Names the class in errors and snapshots. */
    private readonly kind: string,
  ) {
    checkPeriod(kind, 'period', period);
    this.window = new Float64Array(period);
  }

  /** The indicator from the latest value and the one `period` steps before it. */
  protected abstract compute(): number;

  update(x: number): number | undefined {
    checkFinite(this.kind, x);
    this.hasUndo = true;
    this.undoCount = this.count;
    this.undoLatest = this.latest;
    this.undoPast = this.past;

    // The slot about to be overwritten holds the input from `period` steps back; it is kept in
    // `past`, which is also what replace() puts back into the slot.
    this.past = this.window[this.next] as number;
    this.window[this.next] = x;
    if (++this.next === this.period) this.next = 0;
    this.latest = x;
    if (this.count <= this.period) this.count++;
    return this.count > this.period ? this.compute() : undefined;
  }

  replace(x: number): number | undefined {
    checkFinite(this.kind, x);
    if (!this.hasUndo) return this.update(x);
    this.next = (this.next === 0 ? this.period : this.next) - 1;
    this.window[this.next] = this.past;
    this.count = this.undoCount;
    this.latest = this.undoLatest;
    this.past = this.undoPast;
    return this.update(x);
  }

  get isReady(): boolean {
    return this.count > this.period;
  }

  get value(): number | undefined {
    return this.count > this.period ? this.compute() : undefined;
  }

  snapshot(): IndicatorState {
    return {
      kind: this.kind,
      period: this.period,
      window: Array.from(this.window),
      next: this.next,
      count: this.count,
      latest: this.latest,
      past: this.past,
      hasUndo: this.hasUndo,
      undoCount: this.undoCount,
      undoLatest: this.undoLatest,
      undoPast: this.undoPast,
    };
  }

  restore(state: IndicatorState): void {
    expectKind(state, this.kind, { period: this.period });
    const window = readFloats(state, 'window', this.period);
    const next = readInteger(state, 'next', 0, this.period - 1);
    const count = readInteger(state, 'count', 0, this.period + 1);
    const latest = readNumber(state, 'latest');
    const past = readNumber(state, 'past');
    const hasUndo = readBoolean(state, 'hasUndo');
    const undoCount = readInteger(state, 'undoCount', 0, this.period + 1);
    const undoLatest = readNumber(state, 'undoLatest');
    const undoPast = readNumber(state, 'undoPast');
    this.window.set(window);
    this.next = next;
    this.count = count;
    this.latest = latest;
    this.past = past;
    this.hasUndo = hasUndo;
    this.undoCount = undoCount;
    this.undoLatest = undoLatest;
    this.undoPast = undoPast;
  }
}

/**
 * ROC — rate of change over `period` steps as a FRACTION: (x − x[t−period]) / x[t−period].
 * Reference: https://chartschool.stockcharts.com/table-of-contents/technical-indicators-and-overlays/technical-indicators/rate-of-change-roc-and-momentum
 *
 * Same as trading-signals 8 `ROC`; technicalindicators `ROC` and StockCharts give the same × 100 (a
 * percentage). A reference price of 0 gives IEEE division results (±Infinity, or NaN for 0 / 0), as
 * trading-signals. Ready after `period + 1` values, as both oracles.
 */
export class ROC extends LaggedChange {
  constructor(period: number) {
    super(period, 'ROC');
  }

  protected compute(): number {
    return (this.latest - this.past) / this.past;
  }
}

/**
 * Momentum — x − x[t−period], the price change over `period` steps.
 * Reference: https://chartschool.stockcharts.com/table-of-contents/technical-indicators-and-overlays/technical-indicators/rate-of-change-roc-and-momentum
 *
 * Same as trading-signals 8 `MOM`; technicalindicators has no momentum. Ready after `period + 1` values.
 */
export class Momentum extends LaggedChange {
  constructor(period: number) {
    super(period, 'Momentum');
  }

  protected compute(): number {
    return this.latest - this.past;
  }
}

/** Batch form of ROC (a fraction, not a percentage): undefined for the first `period` values. */
export function rocSeries(values: readonly number[], period: number): (number | undefined)[] {
  const roc = new ROC(period);
  return values.map((x) => roc.update(x));
}

/** Batch form of momentum: undefined for the first `period` values. */
export function momentumSeries(values: readonly number[], period: number): (number | undefined)[] {
  const momentum = new Momentum(period);
  return values.map((x) => momentum.update(x));
}
