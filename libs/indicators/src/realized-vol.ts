import type { Indicator, IndicatorState } from './indicator.ts';
import { checkPeriod, expectKind, readBoolean, readNumber, readObject } from './price-internal.ts';
import { RollingVariance } from './variance.ts';

/**
 * How the returns' dispersion is measured:
 * - `'sample'` (default): sample standard deviation of the log returns (divide by n − 1, mean
 *   subtracted) — what services/eod computes in DuckDB (`stddev_samp(ln(close / lag(close)))`);
 * - `'zero-mean'`: root mean square of the log returns, √(Σ r² / n) — the textbook "realised
 *   volatility" for high-frequency returns, whose mean is negligible and noisy to estimate.
 */
export type RealizedVolMode = 'sample' | 'zero-mean';

/**
 * Realised volatility of the log returns r = ln(pₜ / pₜ₋₁) over the last `period` returns, annualised
 * by √periodsPerYear (e.g. 252 for daily bars, 525,600 for 24/7 one-minute bars as services/eod uses).
 * O(1) per update. Reference: https://en.wikipedia.org/wiki/Realized_variance
 *
 * Prices must be > 0 (a log return needs them). Ready after `period + 1` prices (`period` returns).
 * Neither trading-signals nor technicalindicators has it; the tests check it against a direct
 * two-pass computation.
 */
export class RealizedVolatility implements Indicator<number, number> {
  /** The window of log returns (population mode for 'zero-mean', where Σr²/n = variance + mean²). */
  private returns: RollingVariance;
  private previousPrice = 0;
  private hasPrevious = false;
  private hasUndo = false;
  private undoPreviousPrice = 0;
  private undoHasPrevious = false;

  constructor(
    readonly period: number,
    readonly periodsPerYear: number,
    readonly mode: RealizedVolMode = 'sample',
  ) {
    if (mode !== 'sample' && mode !== 'zero-mean')
      throw new RangeError(`RealizedVolatility mode must be 'sample' or 'zero-mean', got ${String(mode)}`);
    checkPeriod('RealizedVolatility', 'period', period, mode === 'sample' ? 2 : 1);
    if (!Number.isFinite(periodsPerYear) || periodsPerYear <= 0)
      throw new RangeError(
        `RealizedVolatility periodsPerYear must be a finite number > 0, got ${periodsPerYear}`,
      );
    this.returns = this.makeReturnsWindow();
  }

  update(price: number): number | undefined {
    checkPrice(price);
    this.hasUndo = true;
    this.undoPreviousPrice = this.previousPrice;
    this.undoHasPrevious = this.hasPrevious;
    return this.step(price, false);
  }

  replace(price: number): number | undefined {
    checkPrice(price);
    if (!this.hasUndo) return this.update(price);
    this.previousPrice = this.undoPreviousPrice;
    this.hasPrevious = this.undoHasPrevious;
    return this.step(price, true);
  }

  // The returns window is fed on every price but the first, and a replace keeps "first or not"
  // unchanged: so replacing re-does exactly what the replaced update did.
  private step(price: number, replacing: boolean): number | undefined {
    if (!this.hasPrevious) {
      this.previousPrice = price;
      this.hasPrevious = true;
      return undefined;
    }
    const r = Math.log(price / this.previousPrice);
    this.previousPrice = price;
    if (replacing) this.returns.replace(r);
    else this.returns.update(r);
    return this.value;
  }

  get isReady(): boolean {
    return this.returns.isReady;
  }

  /** Annualised volatility: √(periodsPerYear · variance of the returns), a fraction (0.2 = 20 %). */
  get value(): number | undefined {
    const variance = this.returns.value;
    if (variance === undefined) return undefined;
    if (this.mode === 'sample') return Math.sqrt(this.periodsPerYear * variance);
    // Mean square from the (shifted, collapse-safe) variance and mean rather than a running Σr²,
    // whose rounding dust would survive a return to flat prices as a small positive volatility.
    const mean = this.returns.mean as number;
    return Math.sqrt(this.periodsPerYear * (variance + mean * mean));
  }

  snapshot(): IndicatorState {
    return {
      kind: 'RealizedVolatility',
      period: this.period,
      periodsPerYear: this.periodsPerYear,
      mode: this.mode,
      previousPrice: this.previousPrice,
      hasPrevious: this.hasPrevious,
      hasUndo: this.hasUndo,
      undoPreviousPrice: this.undoPreviousPrice,
      undoHasPrevious: this.undoHasPrevious,
      returns: this.returns.snapshot(),
    };
  }

  restore(state: IndicatorState): void {
    expectKind(state, 'RealizedVolatility', {
      period: this.period,
      periodsPerYear: this.periodsPerYear,
      mode: this.mode,
    });
    const previousPrice = readNumber(state, 'previousPrice');
    const hasPrevious = readBoolean(state, 'hasPrevious');
    const hasUndo = readBoolean(state, 'hasUndo');
    const undoPreviousPrice = readNumber(state, 'undoPreviousPrice');
    const undoHasPrevious = readBoolean(state, 'undoHasPrevious');
    const returns = this.makeReturnsWindow();
    returns.restore(readObject(state, 'returns'));
    this.returns = returns;
    this.previousPrice = previousPrice;
    this.hasPrevious = hasPrevious;
    this.hasUndo = hasUndo;
    this.undoPreviousPrice = undoPreviousPrice;
    this.undoHasPrevious = undoHasPrevious;
  }

  private makeReturnsWindow(): RollingVariance {
    return new RollingVariance(this.period, this.mode === 'sample' ? 'sample' : 'population');
  }
}

function checkPrice(price: number): void {
  if (!Number.isFinite(price) || price <= 0)
    throw new RangeError(`RealizedVolatility input must be a finite price > 0, got ${price}`);
}

/** Batch form: the annualised realised volatility at every index (undefined for the first `period` prices). */
export function realizedVolatilitySeries(
  values: readonly number[],
  period: number,
  periodsPerYear: number,
  mode: RealizedVolMode = 'sample',
): (number | undefined)[] {
  const vol = new RealizedVolatility(period, periodsPerYear, mode);
  return values.map((x) => vol.update(x));
}
