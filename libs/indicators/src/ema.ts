import type { Indicator, IndicatorState } from './indicator.ts';
import {
  checkFinite,
  checkPeriod,
  checkSeed,
  type EmaSeed,
  expectKind,
  readBoolean,
  readInteger,
  readNumber,
} from './price-internal.ts';

// EmaSeed lives with the seed check in price-internal.ts, so that file need not import this one.
export type { EmaSeed };

/**
 * EMA — exponential moving average with smoothing factor k = 2 / (period + 1), O(1) per update.
 * Reference: https://chartschool.stockcharts.com/table-of-contents/technical-indicators-and-overlays/technical-overlays/moving-averages-simple-and-exponential
 *
 * The update is written `ema + k · (x − ema)` (technicalindicators' form); trading-signals writes
 * `x · k + ema · (1 − k)`: the same number up to the last bit or two.
 */
export class EMA implements Indicator<number, number> {
  private readonly k: number;
  /** Values seen, saturating at `period` (all that readiness needs). */
  private count = 0;
  /** Sum of the values seen while seeding with `'sma'`. */
  private seedSum = 0;
  private current = 0;
  private hasUndo = false;
  private undoCount = 0;
  private undoSeedSum = 0;
  private undoCurrent = 0;

  constructor(
    readonly period: number,
    readonly seed: EmaSeed = 'first',
  ) {
    checkPeriod('EMA', 'period', period);
    checkSeed('EMA', seed);
    this.k = 2 / (period + 1);
  }

  update(x: number): number | undefined {
    checkFinite('EMA', x);
    this.hasUndo = true;
    this.undoCount = this.count;
    this.undoSeedSum = this.seedSum;
    this.undoCurrent = this.current;

    if (this.count < this.period) {
      this.count++;
      if (this.seed === 'sma') {
        this.seedSum += x;
        if (this.count === this.period) this.current = this.seedSum / this.period;
      } else {
        this.current = this.count === 1 ? x : this.current + this.k * (x - this.current);
      }
    } else {
      this.current += this.k * (x - this.current);
    }
    return this.count >= this.period ? this.current : undefined;
  }

  replace(x: number): number | undefined {
    checkFinite('EMA', x);
    if (!this.hasUndo) return this.update(x);
    this.count = this.undoCount;
    this.seedSum = this.undoSeedSum;
    this.current = this.undoCurrent;
    return this.update(x);
  }

  get isReady(): boolean {
    return this.count >= this.period;
  }

  get value(): number | undefined {
    return this.count >= this.period ? this.current : undefined;
  }

  /**
   * The running average before the EMA is ready: with `'first'` seeding it exists from the first
   * value (DEMA and MACD feed it onwards, as trading-signals does); with `'sma'` it equals `value`.
   */
  get runningValue(): number | undefined {
    if (this.seed === 'sma') return this.value;
    return this.count > 0 ? this.current : undefined;
  }

  snapshot(): IndicatorState {
    return {
      kind: 'EMA',
      period: this.period,
      seed: this.seed,
      count: this.count,
      seedSum: this.seedSum,
      current: this.current,
      hasUndo: this.hasUndo,
      undoCount: this.undoCount,
      undoSeedSum: this.undoSeedSum,
      undoCurrent: this.undoCurrent,
    };
  }

  restore(state: IndicatorState): void {
    expectKind(state, 'EMA', { period: this.period, seed: this.seed });
    const count = readInteger(state, 'count', 0, this.period);
    const seedSum = readNumber(state, 'seedSum');
    const current = readNumber(state, 'current');
    const hasUndo = readBoolean(state, 'hasUndo');
    const undoCount = readInteger(state, 'undoCount', 0, this.period);
    const undoSeedSum = readNumber(state, 'undoSeedSum');
    const undoCurrent = readNumber(state, 'undoCurrent');
    this.count = count;
    this.seedSum = seedSum;
    this.current = current;
    this.hasUndo = hasUndo;
    this.undoCount = undoCount;
    this.undoSeedSum = undoSeedSum;
    this.undoCurrent = undoCurrent;
  }
}

/** Batch form: the EMA at every index (undefined until ready). */
export function emaSeries(
  values: readonly number[],
  period: number,
  seed: EmaSeed = 'first',
): (number | undefined)[] {
  const ema = new EMA(period, seed);
  return values.map((x) => ema.update(x));
}
