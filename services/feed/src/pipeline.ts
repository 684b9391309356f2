import { type Micros, type Tick, tickError, WIRE_VERSION } from '@tickflow/core';
import { RecentIds } from './hygiene/recent-ids.ts';
import { DEFAULT_SPIKE_FILTER, SpikeFilter, type SpikeFilterOptions } from './hygiene/spike-filter.ts';
import { MAX_RAW_CHARS } from './sources/mapping.ts';
import type { RawTrade, SourceEvent } from './sources/types.ts';

export interface PipelineOptions {
  /** Trade ids remembered per venue+symbol for dropping replays. Default 10,000. */
  dedupWindow: number;
  spike: SpikeFilterOptions;
  /** How far ahead of the wall clock an exchange timestamp may be (µs). */
  maxFutureMicros: Micros;
}

export const DEFAULT_PIPELINE: PipelineOptions = {
  dedupWindow: 10_000,
  spike: DEFAULT_SPIKE_FILTER,
  maxFutureMicros: 5_000_000,
};

/**
 * Where a venue+symbol's ticks go, worked out once by the publisher and kept with the pipeline's
 * state for that key (its subject and the text before the seq in its msg ids).
 */
export interface RouteMemo {
  route: { subject: string; idPrefix: string } | undefined;
}

/** What to do with one source event. */
export type Outcome =
  | { kind: 'publish'; tick: Tick; outOfOrder: boolean; memo: RouteMemo }
  | { kind: 'reject'; venue: string; raw: string; code: string; reason: string }
  | { kind: 'duplicate'; venue: string; symbol: string; tradeId: string };

/**
 * The feed's hygiene, the same for every source, pure apart from its own state: validate the
 * mapped trade, drop venue replays by trade id, quarantine price spikes, then give the tick the
 * next gap-free `seq` of its venue+symbol. A rejected or dropped trade never consumes a seq.
 * Out-of-order exchange timestamps are published (they are real trades) and flagged.
 */
export class TickPipeline {
  /** Per venue, per symbol: all of a key's state, found without building a key string per tick. */
  private readonly keys = new Map<string, Map<string, KeyState>>();
  private readonly spikes: SpikeFilter;

  constructor(private readonly opts: PipelineOptions = DEFAULT_PIPELINE) {
    this.spikes = new SpikeFilter(opts.spike);
  }

  /** Continues a symbol's sequence after a restart (the last seq found in TICKS; 0 for none). */
  resume(venue: string, symbol: string, lastSeq: number): void {
    this.stateOf(venue, symbol).seq = lastSeq;
  }

  /** Whether the sequence of this venue+symbol is known (resumed or started in this process). */
  knows(venue: string, symbol: string): boolean {
    return this.keys.get(venue)?.has(symbol) ?? false;
  }

  private stateOf(venue: string, symbol: string): KeyState {
    let symbols = this.keys.get(venue);
    if (!symbols) {
      symbols = new Map();
      this.keys.set(venue, symbols);
    }
    let state = symbols.get(symbol);
    if (!state) {
      state = { key: `${venue}:${symbol}`, seq: 0, lastTs: undefined, recent: undefined, route: undefined };
      symbols.set(symbol, state);
    }
    return state;
  }

  handle(event: SourceEvent, now: Micros): Outcome {
    if (event.kind === 'invalid') return { ...event, kind: 'reject' };
    const t = event.trade;
    const state = this.stateOf(t.venue, t.symbol);
    const seq = state.seq + 1;
    // Built here with only contract fields, so checked in place rather than copied.
    const tick = toTick(t, seq);
    const error = tickError(tick, { now, maxFutureMicros: this.opts.maxFutureMicros });
    if (error) return reject(t, error.code, error.message);
    if (t.tradeId !== undefined) {
      state.recent ??= new RecentIds(this.opts.dedupWindow);
      if (!state.recent.add(t.tradeId))
        return { kind: 'duplicate', venue: t.venue, symbol: t.symbol, tradeId: t.tradeId };
    }
    const deviation = this.spikes.check(state.key, Number(t.price));
    if (deviation !== undefined) {
      return reject(
        t,
        'PRICE_SPIKE',
        `price ${t.price} is ${deviation.toFixed(1)} % from the rolling median`,
      );
    }
    state.seq = seq;
    const last = state.lastTs;
    state.lastTs = last === undefined || t.ts > last ? t.ts : last;
    return { kind: 'publish', tick, outOfOrder: last !== undefined && t.ts < last, memo: state };
  }
}

interface KeyState extends RouteMemo {
  key: string;
  seq: number;
  lastTs: Micros | undefined;
  recent: RecentIds | undefined;
}

function toTick(t: RawTrade, seq: number): Tick {
  const tick: Tick = {
    v: WIRE_VERSION,
    venue: t.venue,
    symbol: t.symbol,
    seq,
    ts: t.ts,
    price: t.price,
    size: t.size,
    recvTs: t.recvTs,
  };
  if (t.side) tick.side = t.side;
  return tick;
}

/** A reject of a mapped trade: its venue frame as received when the source kept it, else the trade. */
function reject(t: RawTrade, code: string, reason: string): Outcome {
  if (t.raw === undefined) return { kind: 'reject', venue: t.venue, raw: JSON.stringify(t), code, reason };
  // Clipped like the sources' own invalid events: a REJECTS message must stay far below 1 MB.
  const clipped = t.raw.length > MAX_RAW_CHARS;
  return {
    kind: 'reject',
    venue: t.venue,
    raw: clipped ? t.raw.slice(0, MAX_RAW_CHARS) : t.raw,
    code,
    reason: clipped ? `${reason} (raw text clipped from ${t.raw.length} chars)` : reason,
  };
}
