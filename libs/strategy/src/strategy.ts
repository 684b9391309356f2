import type { Decision, Micros, Tick } from '@tickflow/core';
import type { IndicatorState } from '@tickflow/indicators';

/**
 * A trading rule for one venue+symbol. Pure: it sees ticks in sequence order and the time it is
 * told, and returns a decision or nothing. The speed layer and the batch layer run the same code.
 */
export interface Strategy {
  readonly name: string;
  /**
   * Feeds one tick; returns a decision when the rule fires. `now` stamps `decidedAt` only. Copy
   * what you need from `tick`, never keep or change the object: the batch replay's ticks are
   * short-lived, and a backtest grid hands the same tick to each of its combinations in turn.
   */
  onTick(tick: Tick, now: Micros): Decision | undefined;
  /** Latest indicator values, for the REST view and the decision snapshot. */
  indicators(): Record<string, number>;
  /** Plain-JSON state from which `restore` on a fresh instance (same parameters) continues exactly. */
  snapshot(): IndicatorState;
  restore(state: IndicatorState): void;
}

export type StrategyFactory = (venue: string, symbol: string) => Strategy;

/** Deterministic decision id: a replay of the same ticks re-emits the same ids. */
export function decisionId(strategy: string, venue: string, symbol: string, tickSeq: number): string {
  return `${strategy}:${venue}:${symbol}:${tickSeq}`;
}
