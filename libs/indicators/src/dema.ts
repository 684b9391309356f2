import { EMA, type EmaSeed } from './ema.ts';
import type { Indicator, IndicatorState } from './indicator.ts';
import { checkFinite, checkPeriod, checkSeed, expectKind, readObject } from './price-internal.ts';

/**
 * DEMA — double exponential moving average, 2 · EMA(x) − EMA(EMA(x)), O(1) per update.
 * Reference: https://en.wikipedia.org/wiki/Double_exponential_moving_average
 *
 * Seeding (see `EmaSeed`):
 * - `'first'` (default) reproduces trading-signals 8 `DEMA`: both EMAs are seeded with the first
 *   price and the outer EMA is fed the inner one's running value from the first price on, so DEMA is
 *   ready after `period` values;
 * - `'sma'` is the TA-Lib convention: the outer EMA starts once the inner one is ready and is seeded
 *   with the mean of its first `period` inputs, so DEMA is ready after 2 · period − 1 values.
 * technicalindicators has no DEMA.
 */
export class DEMA implements Indicator<number, number> {
  private inner: EMA;
  private outer: EMA;

  constructor(
    readonly period: number,
    readonly seed: EmaSeed = 'first',
  ) {
    checkPeriod('DEMA', 'period', period);
    checkSeed('DEMA', seed);
    this.inner = new EMA(period, seed);
    this.outer = new EMA(period, seed);
  }

  update(x: number): number | undefined {
    checkFinite('DEMA', x);
    return this.step(x, false);
  }

  replace(x: number): number | undefined {
    checkFinite('DEMA', x);
    return this.step(x, true);
  }

  // Whether the outer EMA is fed depends only on how many values the inner one has seen, which a
  // replace does not change: so replacing re-does exactly the stages the replaced update touched.
  private step(x: number, replacing: boolean): number | undefined {
    if (replacing) this.inner.replace(x);
    else this.inner.update(x);
    const smoothed = this.inner.runningValue;
    if (smoothed !== undefined) {
      if (replacing) this.outer.replace(smoothed);
      else this.outer.update(smoothed);
    }
    return this.value;
  }

  get isReady(): boolean {
    return this.outer.isReady;
  }

  get value(): number | undefined {
    const outer = this.outer.value;
    const inner = this.inner.runningValue;
    return outer === undefined || inner === undefined ? undefined : inner * 2 - outer;
  }

  snapshot(): IndicatorState {
    return {
      kind: 'DEMA',
      period: this.period,
      seed: this.seed,
      inner: this.inner.snapshot(),
      outer: this.outer.snapshot(),
    };
  }

  restore(state: IndicatorState): void {
    expectKind(state, 'DEMA', { period: this.period, seed: this.seed });
    // Restore into fresh stages first so a bad state leaves this instance untouched.
    const inner = new EMA(this.period, this.seed);
    const outer = new EMA(this.period, this.seed);
    inner.restore(readObject(state, 'inner'));
    outer.restore(readObject(state, 'outer'));
    this.inner = inner;
    this.outer = outer;
  }
}

/**
 * TEMA — triple exponential moving average, 3 · EMA1 − 3 · EMA2 + EMA3 where EMA2 = EMA(EMA1) and
 * EMA3 = EMA(EMA2), O(1) per update.
 * Reference: https://en.wikipedia.org/wiki/Triple_exponential_moving_average
 *
 * Each EMA starts when the one before it is ready, so TEMA is ready after 3 · (period − 1) + 1 values
 * with either seeding. `'first'` (default) reproduces trading-signals 8 `TEMA` (each stage seeded with
 * its first input); `'sma'` is the TA-Lib convention (each stage seeded with the mean of its first
 * `period` inputs). Note that trading-signals' DEMA and TEMA start their inner stages differently
 * (DEMA from the first price, TEMA once ready): both are reproduced here. technicalindicators has no TEMA.
 */
export class TEMA implements Indicator<number, number> {
  private single: EMA;
  private double: EMA;
  private triple: EMA;

  constructor(
    readonly period: number,
    readonly seed: EmaSeed = 'first',
  ) {
    checkPeriod('TEMA', 'period', period);
    checkSeed('TEMA', seed);
    this.single = new EMA(period, seed);
    this.double = new EMA(period, seed);
    this.triple = new EMA(period, seed);
  }

  update(x: number): number | undefined {
    checkFinite('TEMA', x);
    return this.step(x, false);
  }

  replace(x: number): number | undefined {
    checkFinite('TEMA', x);
    return this.step(x, true);
  }

  private step(x: number, replacing: boolean): number | undefined {
    const single = replacing ? this.single.replace(x) : this.single.update(x);
    if (single === undefined) return undefined;
    const double = replacing ? this.double.replace(single) : this.double.update(single);
    if (double === undefined) return undefined;
    const triple = replacing ? this.triple.replace(double) : this.triple.update(double);
    if (triple === undefined) return undefined;
    return 3 * single - 3 * double + triple;
  }

  get isReady(): boolean {
    return this.triple.isReady;
  }

  get value(): number | undefined {
    const triple = this.triple.value;
    if (triple === undefined) return undefined;
    return 3 * (this.single.value as number) - 3 * (this.double.value as number) + triple;
  }

  snapshot(): IndicatorState {
    return {
      kind: 'TEMA',
      period: this.period,
      seed: this.seed,
      single: this.single.snapshot(),
      double: this.double.snapshot(),
      triple: this.triple.snapshot(),
    };
  }

  restore(state: IndicatorState): void {
    expectKind(state, 'TEMA', { period: this.period, seed: this.seed });
    const single = new EMA(this.period, this.seed);
    const double = new EMA(this.period, this.seed);
    const triple = new EMA(this.period, this.seed);
    single.restore(readObject(state, 'single'));
    double.restore(readObject(state, 'double'));
    triple.restore(readObject(state, 'triple'));
    this.single = single;
    this.double = double;
    this.triple = triple;
  }
}

/** Batch form of DEMA: the value at every index (undefined until ready). */
export function demaSeries(
  values: readonly number[],
  period: number,
  seed: EmaSeed = 'first',
): (number | undefined)[] {
  const dema = new DEMA(period, seed);
  return values.map((x) => dema.update(x));
}

/** Batch form of TEMA: the value at every index (undefined until ready). */
export function temaSeries(
  values: readonly number[],
  period: number,
  seed: EmaSeed = 'first',
): (number | undefined)[] {
  const tema = new TEMA(period, seed);
  return values.map((x) => tema.update(x));
}
