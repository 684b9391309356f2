import { type Decision, decisionProblem, type Micros, type Tick } from '@tickflow/core';
import type { IndicatorState } from '@tickflow/indicators';
import { decisionId, type Strategy, type StrategyFactory } from './strategy.ts';

/** Why a venue+symbol's strategy was paused: at which tick, and the error it threw or made. */
export interface StrategyPause {
  tickSeq: number;
  error: string;
}

/** A strategy that threw or returned something invalid: its venue+symbol is paused from then on. */
export interface StrategyFault extends StrategyPause {
  venue: string;
  symbol: string;
  /** The strategy's name (what its decisions would carry), or `unknown` if it could not be built. */
  strategy: string;
}

/** A StrategyEngine's state as plain JSON (see snapshot / restore). */
export interface EngineState {
  symbols: { key: string; lastSeq: number; strategy: IndicatorState; paused?: StrategyPause }[];
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
  /** Undefined when the factory threw: the first tick then pauses the entry with that error. */
  strategy: Strategy | undefined;
  lastSeq: number;
  paused?: StrategyPause;
  createError?: string;
}

/** Why a returned decision cannot be used, or undefined. The id must be the deterministic one. */
function invalidDecision(d: Decision, tick: Tick): string | undefined {
  const problem = decisionProblem(d);
  if (problem) return `returned an invalid decision: ${problem}`;
  if (d.venue !== tick.venue || d.symbol !== tick.symbol || d.tickSeq !== tick.seq)
    return 'returned a decision for another venue, symbol or tick (use decide(name, tick, now, …))';
  if (d.id !== decisionId(d.strategy, d.venue, d.symbol, d.tickSeq))
    return `returned decision id ${JSON.stringify(d.id)}; it must be ${decisionId(d.strategy, d.venue, d.symbol, d.tickSeq)} (replays must re-emit the same ids)`;
  return undefined;
}

const message = (err: unknown) => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));

/**
 * Routes ticks to one strategy instance per venue+symbol and enforces sequence order: a tick at or
 * below the last applied seq is a duplicate (a redelivery) and changes nothing. A gap is applied but
 * reported, so the caller can count it; the feed guarantees gap-free sequences.
 *
 * A strategy that throws (or whose factory throws) or returns an invalid decision pauses its
 * venue+symbol only: `onFault` hears it once, later ticks of that lane are counted but not decided
 * on, and the others go on. The pause is in the snapshot, and a replay pauses at the same tick.
 */
export class StrategyEngine {
  private readonly byKey = new Map<string, Entry>();
  /** The same entries by venue, then symbol: the per-tick lookup builds no key string. */
  private readonly byVenue = new Map<string, Map<string, Entry>>();

  constructor(
    private readonly factory: StrategyFactory,
    private readonly onFault: (fault: StrategyFault) => void = () => {},
  ) {}

  onTick(tick: Tick, now: Micros): EngineResult {
    const entry = this.entry(tick.venue, tick.symbol);
    if (tick.seq <= entry.lastSeq)
      return { skip: { kind: 'duplicate', expected: entry.lastSeq + 1, got: tick.seq } };
    const gap = tick.seq !== entry.lastSeq + 1 && entry.lastSeq !== 0;
    const expected = entry.lastSeq + 1;
    entry.lastSeq = tick.seq;
    const decision = entry.paused ? undefined : this.decide(entry, tick, now);
    if (!decision && !gap) return NOTHING;
    const result: EngineResult = {};
    if (decision) result.decision = decision;
    if (gap) result.skip = { kind: 'gap', expected, got: tick.seq };
    return result;
  }

  /** The strategy's decision on the tick, or undefined; pauses the entry when it fails. */
  private decide(entry: Entry, tick: Tick, now: Micros): Decision | undefined {
    const strategy = entry.strategy;
    let error = entry.createError;
    if (strategy) {
      try {
        const decision = strategy.onTick(tick, now);
        if (decision === undefined || decision === null) return undefined;
        error = invalidDecision(decision, tick);
        if (!error) return decision;
      } catch (err) {
        error = `threw ${message(err)}`;
      }
    }
    entry.paused = { tickSeq: tick.seq, error: error ?? 'failed' };
    let name = 'unknown';
    try {
      if (strategy && typeof strategy.name === 'string') name = strategy.name;
    } catch {
      // A name getter that throws still leaves the fault reported, as `unknown`.
    }
    this.onFault({ venue: tick.venue, symbol: tick.symbol, strategy: name, ...entry.paused });
    return undefined;
  }

  /** The last lane looked up: a replay's ticks come lane after lane (two Map look-ups a tick saved). */
  private lastVenue = '';
  private lastSymbol = '';
  private lastEntry: Entry | undefined;

  private entry(venue: string, symbol: string): Entry {
    if (this.lastEntry !== undefined && venue === this.lastVenue && symbol === this.lastSymbol)
      return this.lastEntry;
    const entry = this.lookup(venue, symbol);
    this.lastVenue = venue;
    this.lastSymbol = symbol;
    this.lastEntry = entry;
    return entry;
  }

  private lookup(venue: string, symbol: string): Entry {
    let symbols = this.byVenue.get(venue);
    if (!symbols) {
      symbols = new Map();
      this.byVenue.set(venue, symbols);
    }
    let entry = symbols.get(symbol);
    if (!entry) {
      entry = { strategy: undefined, lastSeq: 0 };
      try {
        entry.strategy = this.factory(venue, symbol);
      } catch (err) {
        entry.createError = `could not be built: ${message(err)}`;
      }
      symbols.set(symbol, entry);
      this.byKey.set(`${venue}:${symbol}`, entry);
    }
    return entry;
  }

  /** Every venue+symbol's sequence position and strategy state, as plain JSON. */
  snapshot(): EngineState {
    return {
      symbols: [...this.byKey.entries()].map(([key, e]) =>
        e.paused || !e.strategy
          ? { key, lastSeq: e.lastSeq, strategy: {}, ...(e.paused && { paused: e.paused }) }
          : { key, lastSeq: e.lastSeq, strategy: e.strategy.snapshot() },
      ),
    };
  }

  /** Rebuilds the state a snapshot describes (strategies made by the factory, then restored). */
  restore(state: EngineState): void {
    this.byKey.clear();
    this.byVenue.clear();
    this.lastEntry = undefined;
    for (const { key, lastSeq, strategy, paused } of state.symbols) {
      const [venue = '', symbol = ''] = key.split(':');
      const e = this.entry(venue, symbol);
      if (paused) e.paused = paused;
      else if (e.strategy) e.strategy.restore(strategy);
      e.lastSeq = lastSeq;
    }
  }

  /** Latest state of one venue+symbol, or undefined when never seen. O(1). */
  state(venue: string, symbol: string): LaneState | undefined {
    const e = this.byVenue.get(venue)?.get(symbol);
    return e ? laneState(e) : undefined;
  }

  /** Latest state of every symbol seen, keyed by symbol. */
  symbols(): ({ venue: string; symbol: string } & LaneState)[] {
    return [...this.byKey.entries()].map(([key, e]) => {
      const [venue = '', symbol = ''] = key.split(':');
      return { venue, symbol, ...laneState(e) };
    });
  }

  /** Every paused venue+symbol, with the tick and the error that paused it. */
  paused(): { venue: string; symbol: string; paused: StrategyPause }[] {
    return [...this.byKey.entries()].flatMap(([key, e]) => {
      const [venue = '', symbol = ''] = key.split(':');
      return e.paused ? [{ venue, symbol, paused: e.paused }] : [];
    });
  }
}

/** What the REST view shows of one lane: `paused` is null while the strategy runs. */
export interface LaneState {
  lastSeq: number;
  indicators: Record<string, number>;
  paused: StrategyPause | null;
}

function laneState(e: Entry): LaneState {
  let indicators: Record<string, number> = {};
  try {
    if (e.strategy && !e.paused) indicators = e.strategy.indicators();
  } catch {
    // A view, not a tick: a strategy whose indicators() throws shows none (its ticks decide the pause).
  }
  return { lastSeq: e.lastSeq, indicators, paused: e.paused ?? null };
}

/**
 * Batch form: runs the same engine over archived ticks (any order; sorted here by venue, symbol,
 * seq) and returns every decision. `decidedAt` is the tick time, since a replay has no wall clock.
 */
export function replayDecisions(
  ticks: readonly Tick[],
  factory: StrategyFactory,
  onFault?: (fault: StrategyFault) => void,
): Decision[] {
  // Each venue+symbol is independent, so all that matters is seq order within one. Ticks read back
  // sorted (the end of day's are) are used as they are: sorting ten million again took seconds.
  const sorted = inSeqOrderPerSymbol(ticks)
    ? ticks
    : [...ticks].sort(
        (a, b) => a.venue.localeCompare(b.venue) || a.symbol.localeCompare(b.symbol) || a.seq - b.seq,
      );
  return replayInOrder(
    (visit) => {
      for (const t of sorted) visit(t);
    },
    factory,
    onFault,
  );
}

/**
 * The batch form over ticks that `forEachTick` hands over already in seq order per venue+symbol
 * (the end of day's, read from typed columns one at a time rather than held as an array). Each
 * tick may be a fresh object that is garbage after the call: the engine keeps no tick.
 */
export function replayInOrder(
  forEachTick: (visit: (tick: Tick) => void) => void,
  factory: StrategyFactory,
  onFault?: (fault: StrategyFault) => void,
): Decision[] {
  const engine = new StrategyEngine(factory, onFault);
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
