import type { Micros, TradeSide } from '@tickflow/core';

/**
 * A trade as a source saw it, mapped to our field names but not yet checked, deduplicated or
 * sequenced: the feed pipeline does that for every source alike (validate → hygiene → seq →
 * publish). Prices and sizes stay the venue's decimal strings, never floats.
 */
export interface RawTrade {
  /** Our venue name (`binance`, `coinbase`, `replay`, `synth`, ...): a lower-case identifier. */
  venue: string;
  /** Already in our spelling (`BTC-USD`); the pipeline rejects what is not a valid symbol. */
  symbol: string;
  /** Exchange time of the trade, epoch microseconds. */
  ts: Micros;
  price: string;
  size: string;
  /** Aggressor side when the venue tells it. */
  side?: TradeSide;
  /** The venue's own trade id, when it has one: used to drop replays after a reconnect. */
  tradeId?: string;
  /** When we received it, epoch microseconds (wall clock). */
  recvTs: Micros;
  /**
   * The venue frame it came from, as received: the `raw` of its REJECTS entry if the pipeline
   * refuses it (a re-encoding would hide what the venue really sent). Never part of the tick.
   */
  raw?: string;
}

/**
 * What a source emits. `invalid` is for input the source could not even map to a trade (bad JSON,
 * missing fields, unknown message type that should have been a trade): it is quarantined to
 * REJECTS with its raw text, never dropped silently.
 */
export type SourceEvent =
  | { kind: 'trade'; trade: RawTrade }
  | { kind: 'invalid'; venue: string; raw: string; code: string; reason: string };

export interface SourceHealth {
  ok: boolean;
  detail: string;
  /** Wall-clock ms of the last message from upstream, if any. */
  lastMessageAt?: number;
  /** True when no message came for longer than the staleness threshold. */
  stale?: boolean;
  reconnects?: number;
  /** Trades the source itself dropped as replays of a trade id it had emitted (after a reconnect). */
  droppedReplays?: { venue: string; count: number };
}

/**
 * A market data source. `batches()` yields events in arrival order, in batches (one per socket
 * message, file chunk or pacing slot) so the pipeline's per-tick cost stays low. The iteration
 * ends when the source is exhausted (a file) or after `stop()`.
 */
export interface TickSource {
  readonly name: string;
  /**
   * The venues it will emit, when known before the first batch: the feed then waits for TICKS to
   * settle for them first, so a paced source's clock doesn't start and then stall behind that wait.
   */
  readonly venues?: readonly string[];
  /** Checks what can be checked before the feed connects (a replay file's header); throws if unfit. */
  prepare?(): Promise<void>;
  batches(): AsyncIterable<SourceEvent[]>;
  stop(): void;
  health(): SourceHealth;
}
