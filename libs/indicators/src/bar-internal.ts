/**
 * Private helpers of the bar indicators (ATR, ADX, Stochastic, VWAP, OBV): input checks and snapshot
 * field readers. The O(1) window blocks they share are in bar-windows.ts.
 *
 * Not exported from the package index: the shapes here may change without notice.
 */
import { type Bar, type IndicatorState, IndicatorStateError, type JsonValue } from './indicator.ts';

export function checkPeriod(name: string, what: string, period: number): void {
  if (!Number.isInteger(period) || period < 1)
    throw new RangeError(`${name} ${what} must be an integer >= 1, got ${period}`);
}

/** Rejects a bar that would poison running state: non-finite fields, low > high, negative volume. */
export function checkBar(name: string, bar: Bar): void {
  const { open, high, low, close, volume } = bar;
  if (
    !Number.isFinite(open) ||
    !Number.isFinite(high) ||
    !Number.isFinite(low) ||
    !Number.isFinite(close) ||
    !Number.isFinite(volume)
  )
    throw new RangeError(`${name} bar fields must be finite, got ${JSON.stringify(bar)}`);
  if (low > high) throw new RangeError(`${name} bar low ${low} is above high ${high}`);
  if (volume < 0) throw new RangeError(`${name} bar volume must be >= 0, got ${volume}`);
}

/** How the first bar of a stream (which has no previous close) enters ATR/ADX. */
export type FirstBar = 'skip' | 'range';

export function checkFirstBar(name: string, firstBar: FirstBar): void {
  if (firstBar !== 'skip' && firstBar !== 'range')
    throw new RangeError(`${name} firstBar must be 'skip' or 'range', got ${String(firstBar)}`);
}

// ---- snapshot readers: a bad field is an IndicatorStateError, never a silent NaN ----

export function expectKind(state: IndicatorState, kind: string, params: Record<string, JsonValue>): void {
  if (state.kind !== kind)
    throw new IndicatorStateError(`expected a ${kind} state, got kind ${String(state.kind)}`);
  for (const [key, want] of Object.entries(params)) {
    if (state[key] !== want)
      throw new IndicatorStateError(
        `${kind} state has ${key}=${String(state[key])}, this instance has ${want}`,
      );
  }
}

export function num(state: IndicatorState, key: string): number {
  const v = state[key];
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new IndicatorStateError(`state field ${key} must be a finite number, got ${JSON.stringify(v)}`);
  return v;
}

/** A finite number or null (null stands for "undefined" in JSON). */
export function numOrNull(state: IndicatorState, key: string): number | undefined {
  return state[key] === null ? undefined : num(state, key);
}

export function nums(state: IndicatorState, key: string, length?: number): number[] {
  const v = state[key];
  if (!Array.isArray(v) || (length !== undefined && v.length !== length))
    throw new IndicatorStateError(`state field ${key} must be an array of ${length ?? 'any'} numbers`);
  for (const x of v)
    if (typeof x !== 'number' || !Number.isFinite(x))
      throw new IndicatorStateError(`state field ${key} holds a non-number: ${JSON.stringify(x)}`);
  return v as number[];
}

export function obj(state: IndicatorState, key: string): IndicatorState {
  const v = state[key];
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new IndicatorStateError(`state field ${key} must be an object`);
  return v;
}

export function count(state: IndicatorState, key: string, max = Number.MAX_SAFE_INTEGER): number {
  const v = num(state, key);
  if (!Number.isInteger(v) || v < 0 || v > max)
    throw new IndicatorStateError(`state field ${key} must be an integer in [0, ${max}], got ${v}`);
  return v;
}
