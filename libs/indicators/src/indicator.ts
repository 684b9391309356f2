/**
 * The contract every streaming indicator meets (see contract.test.ts):
 * - `update(x)` adds a value and returns the new result, or undefined while warming up;
 * - `replace(x)` revises the LAST value added (a live bar still forming), as trading-signals does;
 *   calling it before any update is the same as update;
 * - `value` / `isReady` read the current state without changing it;
 * - `snapshot()` returns plain JSON (numbers, arrays, nested objects; no class instances) from
 *   which `restore()` on a fresh instance with the same parameters rebuilds the exact state, so the
 *   signals service can checkpoint and resume;
 * - O(1) per update (amortised), no allocation per update on the hot path.
 * Inputs and outputs are float64 numbers: indicators are analytics, never money.
 */
export interface Indicator<In = number, Out = number> {
  update(x: In): Out | undefined;
  replace(x: In): Out | undefined;
  readonly value: Out | undefined;
  readonly isReady: boolean;
  snapshot(): IndicatorState;
  restore(state: IndicatorState): void;
}

/** JSON-safe state of an indicator. */
export type IndicatorState = { [key: string]: JsonValue };
export type JsonValue = number | string | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One OHLCV bar, the input of bar indicators (ATR, ADX, Stochastic, VWAP, OBV). */
export interface Bar {
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /** Start of the bar, epoch microseconds (bars from the bar builder; 0 when unknown). */
  ts: number;
}

export class IndicatorStateError extends Error {
  override name = 'IndicatorStateError';
}
