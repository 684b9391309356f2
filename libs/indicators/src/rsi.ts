import type { Indicator, IndicatorState } from './indicator.ts';
import {
  checkFinite,
  checkPeriod,
  expectKind,
  readBoolean,
  readInteger,
  readNumber,
} from './price-internal.ts';

/**
 * RSI — Wilder's Relative Strength Index, 100 − 100 / (1 + avgGain / avgLoss), O(1) per update.
 * Reference: https://chartschool.stockcharts.com/table-of-contents/technical-indicators-and-overlays/technical-indicators/relative-strength-index-rsi
 *
 * Gains and losses are the positive and negative parts of each price change (an unchanged price is
 * a gain of 0 and a loss of 0). Seeding, as Wilder, trading-signals (`RSI` over `WSMA`) and
 * technicalindicators (`AverageGain`/`AverageLoss`) all do: the first averages are the simple means
 * of the first `period` gains and losses; after that Wilder smoothing avg ← (avg · (period − 1) + g) /
 * period. (The algebraically equal `(g − avg) / period + avg` loses a tiny g next to a large avg to
 * cancellation: with period 1 a 2e-18 loss became 0 and the RSI 100 instead of 0; found by the
 * property test.) Within 1e-9 of trading-signals either way. Ready after `period + 1` prices
 * (`period` changes), as both oracles.
 *
 * When avgLoss is 0 the RSI is 100, even if avgGain is also 0 (a flat window), as both oracles.
 * technicalindicators rounds its RSI to 2 decimals; this class does not round. trading-signals' RSI(1)
 * never becomes ready (it keeps only `period` prices and needs two); here RSI(1) is ready after 2 prices
 * (100 after a rise, 0 after a fall), as technicalindicators.
 */
export class RSI implements Indicator<number, number> {
  /** Prices seen, saturating at period + 1. */
  private count = 0;
  private previousPrice = 0;
  /** Sums of gains/losses while seeding, then Wilder averages. */
  private avgGain = 0;
  private avgLoss = 0;
  private hasUndo = false;
  private undoCount = 0;
  private undoPreviousPrice = 0;
  private undoAvgGain = 0;
  private undoAvgLoss = 0;

  constructor(readonly period = 14) {
    checkPeriod('RSI', 'period', period);
  }

  update(x: number): number | undefined {
    checkFinite('RSI', x);
    this.hasUndo = true;
    this.undoCount = this.count;
    this.undoPreviousPrice = this.previousPrice;
    this.undoAvgGain = this.avgGain;
    this.undoAvgLoss = this.avgLoss;

    const change = x - this.previousPrice;
    this.previousPrice = x;
    if (this.count === 0) {
      this.count = 1;
      return undefined;
    }
    const gain = Math.max(change, 0);
    const loss = Math.max(-change, 0);
    if (this.count <= this.period) {
      // `count` prices seen before this one: this is change number `count`.
      this.avgGain += gain;
      this.avgLoss += loss;
      if (this.count++ === this.period) {
        this.avgGain /= this.period;
        this.avgLoss /= this.period;
      }
    } else {
      // (avg × (n − 1) + x) / n, as trading-signals' WSMA: avg + (x − avg) / n cancels
      // catastrophically when x is tiny next to avg (period 1 then lost a 1e-18 loss entirely).
      this.avgGain = (this.avgGain * (this.period - 1) + gain) / this.period;
      this.avgLoss = (this.avgLoss * (this.period - 1) + loss) / this.period;
    }
    return this.value;
  }

  replace(x: number): number | undefined {
    checkFinite('RSI', x);
    if (!this.hasUndo) return this.update(x);
    this.count = this.undoCount;
    this.previousPrice = this.undoPreviousPrice;
    this.avgGain = this.undoAvgGain;
    this.avgLoss = this.undoAvgLoss;
    return this.update(x);
  }

  get isReady(): boolean {
    return this.count > this.period;
  }

  get value(): number | undefined {
    if (this.count <= this.period) return undefined;
    if (this.avgLoss === 0) return 100;
    return 100 - 100 / (this.avgGain / this.avgLoss + 1);
  }

  snapshot(): IndicatorState {
    return {
      kind: 'RSI',
      period: this.period,
      count: this.count,
      previousPrice: this.previousPrice,
      avgGain: this.avgGain,
      avgLoss: this.avgLoss,
      hasUndo: this.hasUndo,
      undoCount: this.undoCount,
      undoPreviousPrice: this.undoPreviousPrice,
      undoAvgGain: this.undoAvgGain,
      undoAvgLoss: this.undoAvgLoss,
    };
  }

  restore(state: IndicatorState): void {
    expectKind(state, 'RSI', { period: this.period });
    const count = readInteger(state, 'count', 0, this.period + 1);
    const previousPrice = readNumber(state, 'previousPrice');
    const avgGain = readNumber(state, 'avgGain');
    const avgLoss = readNumber(state, 'avgLoss');
    const hasUndo = readBoolean(state, 'hasUndo');
    const undoCount = readInteger(state, 'undoCount', 0, this.period + 1);
    const undoPreviousPrice = readNumber(state, 'undoPreviousPrice');
    const undoAvgGain = readNumber(state, 'undoAvgGain');
    const undoAvgLoss = readNumber(state, 'undoAvgLoss');
    this.count = count;
    this.previousPrice = previousPrice;
    this.avgGain = avgGain;
    this.avgLoss = avgLoss;
    this.hasUndo = hasUndo;
    this.undoCount = undoCount;
    this.undoPreviousPrice = undoPreviousPrice;
    this.undoAvgGain = undoAvgGain;
    this.undoAvgLoss = undoAvgLoss;
  }
}

/** Batch form: the RSI at every index (undefined for the first `period` prices). */
export function rsiSeries(values: readonly number[], period = 14): (number | undefined)[] {
  const rsi = new RSI(period);
  return values.map((x) => rsi.update(x));
}
