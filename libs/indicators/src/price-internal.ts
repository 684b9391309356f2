/**
 * Private helpers of the price-series indicators (SMA, EMA, WMA, DEMA/TEMA, variance, z-score,
 * Bollinger, RSI, MACD, ROC/momentum, rolling min/max, realised volatility): argument checks and
 * snapshot field readers.
 *
 * Replace protocol used by every price indicator: `update` first saves the few scalars (and the one
 * ring-buffer slot) it is about to overwrite; `replace` puts them back and runs `update` again. Putting
 * saved values back, rather than subtracting the old input out of running sums, keeps
 * `update(a); update(b); replace(c)` bit-identical to `update(a); update(c)`.
 *
 * Not exported from the package index: the shapes here may change without notice.
 */
import { type IndicatorState, IndicatorStateError, type JsonValue } from './indicator.ts';

/**
 * How an exponential average starts:
 * - `'first'`: the first value is the first average, then `ema += k · (x − ema)` from the second value
 *   on; the result is reported from the `period`-th value (trading-signals 8 `EMA`, our default);
 * - `'sma'`: the simple mean of the first `period` values is the first average, reported at the
 *   `period`-th value (StockCharts, TA-Lib, technicalindicators `EMA`).
 * Both are ready after `period` values; their values differ during the first few multiples of `period`
 * and converge after that (the seed's weight decays as (1 − k)^t).
 */
export type EmaSeed = 'first' | 'sma';

/** Throws RangeError unless `period` is an integer >= `min`. */
export function checkPeriod(name: string, what: string, period: number, min = 1): void {
  if (!Number.isInteger(period) || period < min)
    throw new RangeError(`${name} ${what} must be an integer >= ${min}, got ${period}`);
}

/**
 * Throws RangeError for NaN or ±Infinity: one of them would poison running sums long after it left
 * the window, so it is refused before any state changes.
 */
export function checkFinite(name: string, x: number): void {
  if (!Number.isFinite(x)) throw new RangeError(`${name} input must be finite, got ${x}`);
}

/** Throws RangeError unless `seed` is one of the EMA seedings. */
export function checkSeed(name: string, seed: EmaSeed): void {
  if (seed !== 'first' && seed !== 'sma')
    throw new RangeError(`${name} seed must be 'first' or 'sma', got ${String(seed)}`);
}

// ---- snapshot readers: a bad field is an IndicatorStateError, never a silent NaN ----

/** Checks the state's `kind` and that its parameters equal this instance's. */
export function expectKind(state: IndicatorState, kind: string, params: Record<string, JsonValue>): void {
  if (state === null || typeof state !== 'object' || state.kind !== kind)
    throw new IndicatorStateError(`expected a ${kind} state, got kind ${String(state?.kind)}`);
  for (const [key, want] of Object.entries(params)) {
    if (state[key] !== want)
      throw new IndicatorStateError(
        `${kind} state has ${key}=${String(state[key])}, this instance has ${want}`,
      );
  }
}

export function readNumber(state: IndicatorState, key: string): number {
  const v = state[key];
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new IndicatorStateError(`state field ${key} must be a finite number, got ${JSON.stringify(v)}`);
  return v;
}

/** An integer in [min, max]: counters, ring positions. */
export function readInteger(state: IndicatorState, key: string, min: number, max: number): number {
  const v = readNumber(state, key);
  if (!Number.isInteger(v) || v < min || v > max)
    throw new IndicatorStateError(`state field ${key} must be an integer in [${min}, ${max}], got ${v}`);
  return v;
}

export function readBoolean(state: IndicatorState, key: string): boolean {
  const v = state[key];
  if (typeof v !== 'boolean') throw new IndicatorStateError(`state field ${key} must be a boolean`);
  return v;
}

/** An array of exactly `length` finite numbers, copied into a new Float64Array. */
export function readFloats(state: IndicatorState, key: string, length: number): Float64Array {
  const v = state[key];
  if (!Array.isArray(v) || v.length !== length)
    throw new IndicatorStateError(`state field ${key} must be an array of ${length} numbers`);
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    const x = v[i];
    if (typeof x !== 'number' || !Number.isFinite(x))
      throw new IndicatorStateError(
        `state field ${key}[${i}] must be a finite number, got ${JSON.stringify(x)}`,
      );
    out[i] = x;
  }
  return out;
}

export function readObject(state: IndicatorState, key: string): IndicatorState {
  const v = state[key];
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new IndicatorStateError(`state field ${key} must be an object`);
  return v;
}
