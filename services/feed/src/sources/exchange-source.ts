import { performance } from 'node:perf_hooks';
import { isValidSymbol, type Micros } from '@tickflow/core';
import { BoundedQueue } from './batch-queue.ts';
import {
  BINANCE_VENUE,
  binanceSubscribe,
  createBinanceMapper,
  isServerShutdown,
  toBinanceSymbol,
} from './binance.ts';
import { COINBASE_VENUE, coinbaseSubscribe, mapCoinbaseMessage } from './coinbase.ts';
import { invalidEvent } from './mapping.ts';
import { TradeIdDedup } from './trade-dedup.ts';
import type { SourceEvent, SourceHealth, TickSource } from './types.ts';
import { ResilientWebSocket, type ResilientWebSocketOptions, type WsStats } from './ws-client.ts';

/** Settings every exchange source shares: the socket's (see ResilientWebSocketOptions) and the source's. */
export interface ExchangeSourceSettings
  extends Omit<ResilientWebSocketOptions, 'url' | 'venue' | 'onMessage' | 'onOpen'> {
  /** Trade ids remembered per symbol to drop replays. Default 10,000. */
  dedupPerSymbol?: number;
  /** Batches (socket frames) buffered for a slow consumer before the oldest is dropped. Default 10,000. */
  maxQueuedBatches?: number;
}

/** A source for any venue: its url, its frame mapper and what it sends after each (re)connect. */
export interface ExchangeSourceOptions extends ExchangeSourceSettings {
  name: string;
  venue: string;
  url: string;
  map: (text: string, recvTs: Micros) => SourceEvent[];
  /** Messages sent on every (re)connection, in order (subscriptions). */
  subscribeMessages?: readonly string[];
  /** True for a frame announcing the venue will close the connection: reconnect right away. */
  isReconnectSignal?: (text: string) => boolean;
}

/** Counters of an exchange source, monotonic except `queued`. */
export interface ExchangeSourceStats extends WsStats {
  trades: number;
  invalid: number;
  /** Trades dropped because their trade id was already emitted (replays after a reconnect). */
  duplicates: number;
  serverShutdowns: number;
  /** Batches dropped (oldest first) because the consumer fell behind, and the events in them. */
  droppedBatches: number;
  droppedEvents: number;
  /** Batches waiting for the consumer now. */
  queued: number;
}

/** A source option that can't work (bad symbol, no symbols). */
export class SourceConfigError extends Error {
  override name = 'SourceConfigError';
}

/** batches() was called a second time: a source has a single consumer. */
export class SourceStateError extends Error {
  override name = 'SourceStateError';
}

/**
 * A TickSource over a venue's websocket: a ResilientWebSocket feeds frames to the venue's mapper,
 * each frame's events become one batch in a bounded queue, and trades whose id was already emitted
 * for their symbol are dropped on the way out, so a replay after a reconnect is emitted once.
 */
export class ExchangeSource implements TickSource {
  readonly name: string;
  private readonly client: ResilientWebSocket;
  private readonly queue: BoundedQueue<SourceEvent[]>;
  private readonly dedup: TradeIdDedup;
  private readonly counts = { trades: 0, invalid: 0, duplicates: 0, serverShutdowns: 0, droppedEvents: 0 };
  private iterating = false;
  private stopped: Promise<void> | undefined;
  private lastOverflowLog = Number.NEGATIVE_INFINITY;

  constructor(private readonly opts: ExchangeSourceOptions) {
    this.name = opts.name;
    this.queue = new BoundedQueue(opts.maxQueuedBatches ?? 10_000);
    this.dedup = new TradeIdDedup(opts.dedupPerSymbol ?? 10_000);
    this.client = new ResilientWebSocket({
      ...opts,
      onMessage: (text, recvTs) => this.onMessage(text, recvTs),
      onOpen: (send) => {
        for (const m of opts.subscribeMessages ?? []) send(m);
      },
    });
  }

  /** Connects on the first call; ends after stop() once the batches already queued are consumed. */
  batches(): AsyncIterable<SourceEvent[]> {
    if (this.iterating) throw new SourceStateError(`${this.name}: batches() can be iterated only once`);
    this.iterating = true;
    this.client.start();
    return this.iterate();
  }

  /** Closes the connection; the returned promise (ignorable) resolves when the sockets are closed. */
  stop(): Promise<void> {
    if (!this.stopped) {
      this.queue.close();
      this.stopped = this.client.stop();
    }
    return this.stopped;
  }

  /** ok = connected and not stale; `detail` summarises the counters for a health endpoint. */
  health(): SourceHealth {
    const s = this.stats;
    const state = this.stopped ? 'stopped' : this.client.connected ? 'connected' : 'disconnected';
    return {
      ok: !this.stopped && this.client.connected && !this.client.stale,
      detail:
        `${state} (${this.opts.url}); ${s.messages} messages, ${s.trades} trades, ${s.invalid} invalid, ` +
        `${s.duplicates} replayed trades dropped, ${s.reconnects} reconnects, ${s.pongTimeouts} pong timeouts, ` +
        `${s.staleAlarms} stale alarms, ${s.droppedBatches} batches dropped on overflow`,
      lastMessageAt: this.client.lastMessageAt,
      stale: this.client.stale,
      reconnects: s.reconnects,
      droppedReplays: { venue: this.opts.venue, count: s.duplicates },
    };
  }

  /** A snapshot of the counters, for metrics. */
  get stats(): ExchangeSourceStats {
    return {
      ...this.client.stats,
      ...this.counts,
      droppedBatches: this.queue.dropped,
      queued: this.queue.length,
    };
  }

  private async *iterate(): AsyncGenerator<SourceEvent[]> {
    try {
      for (;;) {
        const batch = await this.queue.shift();
        if (batch === undefined) return;
        const out = this.dropReplays(batch);
        if (out.length > 0) yield out;
      }
    } finally {
      // A consumer that breaks out of its loop is done with the source.
      void this.stop();
    }
  }

  private onMessage(text: string, recvTs: Micros): void {
    if (this.opts.isReconnectSignal?.(text)) {
      this.counts.serverShutdowns++;
      this.opts.log?.warn({ venue: this.opts.venue }, 'venue announced a shutdown: reconnecting');
      this.client.reconnect('venue shutdown notice');
    }
    let events: SourceEvent[];
    try {
      events = this.opts.map(text, recvTs);
    } catch (err) {
      // Mappers don't throw by contract; if one does, quarantine the frame rather than kill the feed.
      events = [invalidEvent(this.opts.venue, text, 'MAPPER_ERROR', `mapper threw: ${String(err)}`)];
    }
    if (events.length === 0) return;
    for (const e of events) {
      if (e.kind === 'trade') {
        this.counts.trades++;
        e.trade.raw = text; // a reference, not a copy: kept only in case the pipeline rejects it
      } else this.counts.invalid++;
    }
    const evicted = this.queue.push(events);
    if (evicted) this.onOverflow(evicted.length);
  }

  private onOverflow(events: number): void {
    this.counts.droppedEvents += events;
    const now = performance.now();
    if (now - this.lastOverflowLog < 1_000) return; // loud, but not one line per dropped frame
    this.lastOverflowLog = now;
    const count = this.queue.dropped;
    const message =
      `${this.name}: consumer too slow, queue full at ${this.queue.capacity} batches: ` +
      `${count} batches (${this.counts.droppedEvents} events) dropped so far, oldest first`;
    this.opts.log?.error({ venue: this.opts.venue, droppedBatches: count }, message);
    this.opts.onAlarm?.({ kind: 'overflow', venue: this.opts.venue, message, count });
  }

  /** The batch without trades already emitted; the same array when nothing is dropped. */
  private dropReplays(batch: SourceEvent[]): SourceEvent[] {
    let out = batch;
    for (let i = 0; i < batch.length; i++) {
      const e = batch[i] as SourceEvent;
      const repeat =
        e.kind === 'trade' &&
        e.trade.tradeId !== undefined &&
        !this.dedup.firstSeen(e.trade.symbol, e.trade.tradeId);
      if (repeat) {
        this.counts.duplicates++;
        if (out === batch) out = batch.slice(0, i);
      } else if (out !== batch) {
        out.push(e);
      }
    }
    return out;
  }
}

/** Options of binanceSource. */
export interface BinanceSourceOptions extends ExchangeSourceSettings {
  /** Our spelling: BTC-USDT. */
  symbols: readonly string[];
  /**
   * A base url (default wss://stream.binance.com:9443): the combined-stream url is built from the
   * symbols. A url with a path or query is used as given.
   */
  url?: string;
  /** Stream kind; default `trade`. */
  stream?: 'trade' | 'aggTrade';
  /** Connect to `<base>/ws` and send a SUBSCRIBE method message instead of naming streams in the url. */
  subscribeWithMethod?: boolean;
  /** Quote assets for splitting symbols; default BINANCE_QUOTES. */
  quotes?: readonly string[];
  name?: string;
}

/** A Binance spot trade source. Throws SourceConfigError on an invalid symbol. */
export function binanceSource(opts: BinanceSourceOptions): ExchangeSource {
  const symbols = checkSymbols(opts.symbols, opts.url);
  const streams = symbols.map((s) => `${toBinanceSymbol(s).toLowerCase()}@${opts.stream ?? 'trade'}`);
  const given = opts.url ?? 'wss://stream.binance.com:9443';
  let url = given;
  if (!hasPathOrQuery(given)) {
    const base = given.replace(/\/+$/, '');
    url = opts.subscribeWithMethod ? `${base}/ws` : `${base}/stream?streams=${streams.join('/')}`;
  }
  return new ExchangeSource({
    ...opts,
    name: opts.name ?? BINANCE_VENUE,
    venue: BINANCE_VENUE,
    url,
    map: createBinanceMapper({ symbols, ...(opts.quotes ? { quotes: opts.quotes } : {}) }),
    subscribeMessages: opts.subscribeWithMethod ? [binanceSubscribe(streams)] : [],
    isReconnectSignal: isServerShutdown,
  });
}

/** Options of coinbaseSource. */
export interface CoinbaseSourceOptions extends ExchangeSourceSettings {
  /** Product ids, which Coinbase spells like our symbols: BTC-USD. */
  symbols: readonly string[];
  /** Default wss://ws-feed.exchange.coinbase.com. */
  url?: string;
  name?: string;
}

/** A Coinbase Exchange `matches` source. Throws SourceConfigError on an invalid or missing symbol. */
export function coinbaseSource(opts: CoinbaseSourceOptions): ExchangeSource {
  const symbols = checkSymbols(opts.symbols, undefined);
  return new ExchangeSource({
    ...opts,
    name: opts.name ?? COINBASE_VENUE,
    venue: COINBASE_VENUE,
    url: opts.url ?? 'wss://ws-feed.exchange.coinbase.com',
    map: mapCoinbaseMessage,
    subscribeMessages: [JSON.stringify(coinbaseSubscribe(symbols))],
  });
}

function checkSymbols(symbols: readonly string[], fullUrl: string | undefined): string[] {
  const bad = symbols.filter((s) => !isValidSymbol(s));
  if (bad.length > 0) throw new SourceConfigError(`not valid symbols: ${bad.join(', ')}`);
  if (symbols.length === 0 && !(fullUrl && hasPathOrQuery(fullUrl))) {
    throw new SourceConfigError('at least one symbol is needed');
  }
  return [...symbols];
}

function hasPathOrQuery(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch (err) {
    throw new SourceConfigError(`not a url: ${url}`, { cause: err });
  }
  return (u.pathname !== '/' && u.pathname !== '') || u.search !== '';
}
