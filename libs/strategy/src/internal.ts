import { type Decision, type DecisionAction, type Micros, type Tick, WIRE_VERSION } from '@tickflow/core';
import { type IndicatorState, IndicatorStateError, type JsonValue } from '@tickflow/indicators';
import { decisionId } from './strategy.ts';

/**
 * Builds a decision in exactly SmaCross's shape, so every strategy's wire output is the same:
 * deterministic id, the tick's price string verbatim as refPrice, `now` as decidedAt.
 */
export function makeDecision(
  strategy: string,
  tick: Tick,
  now: Micros,
  action: DecisionAction,
  qty: string,
  reason: string,
  indicators: Record<string, number>,
): Decision {
  return {
    v: WIRE_VERSION,
    id: decisionId(strategy, tick.venue, tick.symbol, tick.seq),
    strategy,
    venue: tick.venue,
    symbol: tick.symbol,
    action,
    qty,
    refPrice: tick.price,
    tickSeq: tick.seq,
    tickTs: tick.ts,
    decidedAt: now,
    reason,
    indicators,
  };
}

/** A float for a reason text: 6 significant digits, no exponent for ordinary prices. */
export function fmt(x: number): string {
  return String(Number(x.toPrecision(6)));
}

/** Reads a nested indicator state, throwing IndicatorStateError (as indicators do) when absent. */
export function readState(state: IndicatorState, key: string, who: string): IndicatorState {
  const v = state[key];
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new IndicatorStateError(`${who}: bad ${key}`);
  return v;
}

/** Reads -1, 0 or 1. */
export function readSide(state: IndicatorState, key: string, who: string): -1 | 0 | 1 {
  const v = state[key];
  if (v !== -1 && v !== 0 && v !== 1) throw new IndicatorStateError(`${who}: bad ${key}`);
  return v;
}

/** Reads a finite number or null (NaN and "not yet" are stored as null: JSON has no NaN). */
export function readNullableNumber(state: IndicatorState, key: string, who: string): number | null {
  const v: JsonValue | undefined = state[key];
  if (v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new IndicatorStateError(`${who}: bad ${key}`);
  return v;
}

/** Throws RangeError unless `qty` is a positive decimal string (strategies' own qty param). */
export function checkQty(who: string, qty: string): void {
  if (typeof qty !== 'string' || !/^\d+(?:\.\d+)?$/.test(qty) || !/[1-9]/.test(qty))
    throw new RangeError(`${who} qty must be a positive decimal string, got ${JSON.stringify(qty)}`);
}

/** Anything with snapshot/restore: an indicator or a strategy. */
interface Restorable {
  snapshot(): IndicatorState;
  restore(state: IndicatorState): void;
}

/**
 * Restores several parts together: if one part refuses its state, the parts already restored are
 * put back, so a bad checkpoint leaves the strategy exactly as it was (as the indicators promise).
 */
export function restoreAll(parts: [Restorable, IndicatorState][]): void {
  const before = parts.map(([part]) => part.snapshot());
  let done = 0;
  try {
    for (const [part, state] of parts) {
      part.restore(state);
      done++;
    }
  } catch (err) {
    for (let i = 0; i < done; i++) parts[i]?.[0].restore(before[i] as IndicatorState);
    throw err;
  }
}
