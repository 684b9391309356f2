import type { Decision, Micros, Tick } from '@tickflow/core';
import type { IndicatorState } from '@tickflow/indicators';
import type { Strategy, StrategyFactory } from './strategy.ts';

/** A StrategyEngine's state as plain JSON (see snapshot / restore). */
export interface EngineState {
  symbols: { key: string; lastSeq: number; strategy: IndicatorState }[];
}

/** Why a tick was not applied. Returned, not thrown: the caller counts and quarantines it. */
export type EngineSkip = { kind: 'duplicate' | 'gap'; expected: number; got: number };

export interface EngineResult {
  decision?: Decision;
  skip?: EngineSkip;
}

/** The result of most ticks (applied, no decision): one frozen object, not one per tick. */
const NOTHING: EngineResult = Object.freeze({});

interface Entry {
  strategy: Strategy;
  lastSeq: number;
}

/**
 * Routes ticks to one strategy instance per venue+symbol and enforces sequence order: a tick at or
 * below the last applied seq is a duplicate (a redelivery) and changes nothing. A gap is applied but
 * reported, so the caller can count it; the feed guarantees gap-free sequences.
 */
export class StrategyEngine {
  private readonly byKey = new Map<string, Entry>();
  /** The same entries by venue, then symbol: the per-tick lookup builds no key string. */
  private readonly byVenue = new Map<string, Map<string, Entry>>();

  constructor(private readonly factory: StrategyFactory) {}

  onTick(tick: Tick, now: Micros): EngineResult {
    const entry = this.entry(tick.venue, tick.symbol);
    if (tick.seq <= entry.lastSeq)
      return { skip: { kind: 'duplicate', expected: entry.lastSeq + 1, got: tick.seq } };
    const gap = tick.seq !== entry.lastSeq + 1 && entry.lastSeq !== 0;
    const expected = entry.lastSeq + 1;
    entry.lastSeq = tick.seq;
    const decision = entry.strategy.onTick(tick, now);
    if (!decision && !gap) return NOTHING;
    const result: EngineResult = {};
    if (decision) result.decision = decision;
    if (gap) result.skip = { kind: 'gap', expected, got: tick.seq };
    return result;
  }

  private entry(venue: string, symbol: string): Entry {
    let symbols = this.byVenue.get(venue);
    if (!symbols) {
      symbols = new Map();
      this.byVenue.set(venue, symbols);
    }
    let entry = symbols.get(symbol);
    if (!entry) {
      entry = { strategy: this.factory(venue, symbol), lastSeq: 0 };
      symbols.set(symbol, entry);
      this.byKey.set(`${venue}:${symbol}`, entry);
    }
    return entry;
  }

  /** Every venue+symbol's sequence position and strategy state, as plain JSON. */
  snapshot(): EngineState {
    return {
      symbols: [...this.byKey.entries()].map(([key, e]) => ({
        key,
        lastSeq: e.lastSeq,
        strategy: e.strategy.snapshot(),
      })),
    };
  }

  /** Rebuilds the state a snapshot describes (strategies made by the factory, then restored). */
  restore(state: EngineState): void {
    this.byKey.clear();
    this.byVenue.clear();
    for (const { key, lastSeq, strategy } of state.symbols) {
      const [venue = '', symbol = ''] = key.split(':');
      const e = this.entry(venue, symbol);
      e.strategy.restore(strategy);
      e.lastSeq = lastSeq;
    }
  }

  /** Latest state of one venue+symbol, or undefined when never seen. O(1). */
  state(venue: string, symbol: string): { lastSeq: number; indicators: Record<string, number> } | undefined {
    const e = this.byVenue.get(venue)?.get(symbol);
    return e ? { lastSeq: e.lastSeq, indicators: e.strategy.indicators() } : undefined;
  }

  /** Latest state of every symbol seen, keyed by symbol. */
  symbols(): { venue: string; symbol: string; lastSeq: number; indicators: Record<string, number> }[] {
    return [...this.byKey.entries()].map(([key, e]) => {
      const [venue = '', symbol = ''] = key.split(':');
      return { venue, symbol, lastSeq: e.lastSeq, indicators: e.strategy.indicators() };
    });
  }
}

/**
 * Batch form: runs the same engine over archived ticks (any order; sorted here by venue, symbol,
 * seq) and returns every decision. `decidedAt` is the tick time, since a replay has no wall clock.
 */
export function replayDecisions(ticks: readonly Tick[], factory: StrategyFactory): Decision[] {
  // Each venue+symbol is independent, so all that matters is seq order within one. Ticks read back
  // sorted (the end of day's are) are used as they are: sorting ten million again took seconds.
  const sorted = inSeqOrderPerSymbol(ticks)
    ? ticks
    : [...ticks].sort(
        (a, b) => a.venue.localeCompare(b.venue) || a.symbol.localeCompare(b.symbol) || a.seq - b.seq,
      );
  return replayInOrder((visit) => {
    for (const t of sorted) visit(t);
  }, factory);
}

/**
 * The batch form over ticks that `forEachTick` hands over already in seq order per venue+symbol
 * (the end of day's, read from typed columns one at a time rather than held as an array). Each
 * tick may be a fresh object that is garbage after the call: the engine keeps no tick.
 */
export function replayInOrder(
  forEachTick: (visit: (tick: Tick) => void) => void,
  factory: StrategyFactory,
): Decision[] {
  const engine = new StrategyEngine(factory);
  const out: Decision[] = [];
  forEachTick((t) => {
    const r = engine.onTick(t, t.ts);
    if (r.decision) out.push(r.decision);
  });
  return out;
}

/** True when every venue+symbol's ticks come as one run in non-decreasing seq order. O(n). */
function inSeqOrderPerSymbol(ticks: readonly Tick[]): boolean {
  const finished = new Set<string>();
  let prev: Tick | undefined;
  for (const t of ticks) {
    if (prev && prev.venue === t.venue && prev.symbol === t.symbol) {
      if (t.seq < prev.seq) return false;
    } else {
      if (prev) finished.add(`${prev.venue}:${prev.symbol}`);
      if (finished.has(`${t.venue}:${t.symbol}`)) return false;
    }
    prev = t;
  }
  return true;
}
