import type { Decision } from '@tickflow/core';
import type { Registry } from '@tickflow/runtime';
import type { SymbolView } from './signals.ts';
import { type CloseReason, StreamMetrics } from './stream-metrics.ts';
import { DEFAULT_STREAM_HUB, type StreamHubOptions } from './stream-options.ts';
import {
  type ClientMessage,
  type Frame,
  isRejection,
  parseClientMessage,
  type Rejection,
  reject,
} from './stream-protocol.ts';

/** What the hub needs of a client socket (a `ws` WebSocket fits). */
export interface StreamSocket {
  readonly bufferedAmount: number;
  /** Frames go out as Buffers sent as text: one Buffer is shared by every client's queue, not copied. */
  send(data: Buffer, opts: { binary: false }): void;
  close(code: number, reason: string): void;
  terminate(): void;
}

const TEXT = { binary: false } as const;
const encode = (frame: unknown): Buffer => Buffer.from(JSON.stringify(frame));

interface Client {
  socket: StreamSocket;
  all: boolean;
  symbols: Set<string>;
  /** Symbols whose latest state this client has not been sent yet (bounded by its symbols or all known). */
  pending: Set<string>;
  /** Encoded decision frames waiting for room (each Buffer shared with the other clients). */
  decisions: Buffer[];
  dropped: number;
  /** Since when (ms) the client has been full without draining; undefined while it has room. */
  fullSince: number | undefined;
}

export interface StreamHubStats {
  clients: number;
  signalsSent: number;
  /** Signal updates not sent because a newer one replaced it before the client had room. */
  signalsCoalesced: number;
  decisionsSent: number;
  decisionsDropped: number;
  /** Error frames not sent because the client was full (the rejection is still counted). */
  errorsUnsent: number;
}

/**
 * Pushes signal and decision updates to WebSocket clients within a fixed memory budget: at most
 * maxClients connections, maxSubscriptions symbols each, maxBufferedBytes unsent each; a client
 * that stays full for slowMs is dropped. Signals are state: only the latest per symbol matters, so
 * updates are coalesced per client and flushed on a timer, and a full client gets the newer state
 * once it drains. Decisions are events: sent at once, or queued (bounded) while the client is
 * full; on overflow the oldest go and the client receives `{type:"dropped", count}` so it knows to
 * re-read /v1/decisions. Client frames are validated (stream-protocol.ts); a bad one gets
 * `{type:"error", code, message}` and the connection stays open.
 */
export class StreamHub {
  private readonly clients = new Map<StreamSocket, Client>();
  private readonly dirty = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly opts: StreamHubOptions;
  readonly metrics: StreamMetrics;
  readonly stats: StreamHubStats = {
    clients: 0,
    signalsSent: 0,
    signalsCoalesced: 0,
    decisionsSent: 0,
    decisionsDropped: 0,
    errorsUnsent: 0,
  };

  private readonly onError: (err: unknown, where: string) => void;

  constructor(
    private readonly view: (symbol: string) => SymbolView | undefined,
    opts: Partial<StreamHubOptions> = {},
    /** Where the counters go, and who hears of a failure (the hub never throws into its callers). */
    env: { registry?: Registry; onError?: (err: unknown, where: string) => void } = {},
  ) {
    this.opts = { ...DEFAULT_STREAM_HUB, ...opts };
    this.metrics = new StreamMetrics(env.registry, () => this.clients.size);
    this.onError = env.onError ?? (() => {});
  }

  /** Runs `fn`; a throw is reported and counted, never passed on to the tick path or the timer. */
  private guard(where: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.metrics.reject('internal');
      this.onError(err, where);
    }
  }

  /** Takes a new connection; past maxClients it is closed with 1013 instead and false returned. */
  add(socket: StreamSocket): boolean {
    if (this.clients.size >= this.opts.maxClients) {
      this.metrics.close('too_many_clients');
      this.closeGracefully(socket, 1013, `too many clients (${this.opts.maxClients}): try again later`);
      return false;
    }
    this.clients.set(socket, {
      socket,
      all: false,
      symbols: new Set(),
      pending: new Set(),
      decisions: [],
      dropped: 0,
      fullSince: undefined,
    });
    this.stats.clients = this.clients.size;
    this.timer ??= setInterval(() => this.guard('flush', () => this.flush()), this.opts.flushIntervalMs);
    return true;
  }

  remove(socket: StreamSocket): void {
    this.clients.delete(socket);
    this.stats.clients = this.clients.size;
    if (this.clients.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Stops serving a client: counted, told why (close frame), cut after closeGraceMs. */
  drop(socket: StreamSocket, reason: CloseReason, code: number, text: string): void {
    if (this.clients.has(socket)) {
      this.remove(socket);
      this.metrics.close(reason);
    }
    this.closeGracefully(socket, code, text);
  }

  /**
   * Applies a client's frame, or answers a bad one with an error frame (the connection stays
   * open). Returns the rejection, if any. Never throws on any input.
   */
  onClientMessage(socket: StreamSocket, data: Frame, isBinary = false): Rejection | undefined {
    const c = this.clients.get(socket);
    if (!c) return undefined; // dropped: what it still sends is ignored
    const parsed = parseClientMessage(data, isBinary);
    const rejection = isRejection(parsed) ? parsed : this.apply(c, parsed);
    if (rejection) this.refuse(socket, rejection);
    return rejection;
  }

  /** Counts a refused frame and tells the client (unless it is full: then only counted). */
  refuse(socket: StreamSocket, r: Rejection): void {
    this.metrics.reject(r.reason);
    const client = this.clients.get(socket);
    if (!client) return;
    if (this.full(client)) {
      this.stats.errorsUnsent++;
      return;
    }
    socket.send(encode({ type: 'error', code: r.code, message: r.message }), TEXT);
  }

  // Unsubscribe first, so {"unsubscribe":"*","subscribe":[...]} replaces the set.
  private apply(c: Client, msg: ClientMessage): Rejection | undefined {
    if (msg.unsubscribe === '*') {
      c.all = false;
      c.symbols.clear();
      c.pending.clear();
    } else if (msg.unsubscribe) {
      for (const s of msg.unsubscribe) {
        c.symbols.delete(s);
        c.pending.delete(s);
      }
    }
    if (msg.subscribe === '*') c.all = true;
    else if (msg.subscribe) {
      const fresh = new Set(msg.subscribe.filter((s) => !c.symbols.has(s)));
      const max = this.opts.maxSubscriptions;
      if (c.symbols.size + fresh.size > max)
        return reject(
          'too_many_subscriptions',
          `at most ${max} symbols per connection: ${c.symbols.size} subscribed, ${fresh.size} more asked (nothing changed; "*" subscribes to all)`,
        );
      // A new subscriber gets the current state at the next flush.
      for (const s of fresh) {
        c.symbols.add(s);
        c.pending.add(s);
      }
    }
    return undefined;
  }

  /** A symbol's state changed; it goes out at the next flush (once, however many ticks). */
  touched(symbol: string): void {
    if (this.clients.size) this.dirty.add(symbol);
  }

  /** A decision was made: sent at once to subscribers with room, else queued (bounded). */
  decision(d: Decision): void {
    this.guard('decision', () => this.sendDecision(d));
  }

  private sendDecision(d: Decision): void {
    let frame: Buffer | undefined;
    for (const c of this.clients.values()) {
      if (!c.all && !c.symbols.has(d.symbol)) continue;
      frame ??= encode({ type: 'decision', decision: d });
      if (c.decisions.length === 0 && !this.full(c)) {
        c.socket.send(frame, TEXT);
        this.stats.decisionsSent++;
        continue;
      }
      c.decisions.push(frame);
      if (c.decisions.length > this.opts.maxQueuedDecisions) {
        c.decisions.shift();
        c.dropped++;
        this.stats.decisionsDropped++;
      }
    }
  }

  /**
   * Drops clients full for slowMs, then sends each client with room its queued decisions and the
   * latest state of its pending symbols, stopping at maxBufferedBytes (the rest waits).
   */
  flush(now = Date.now()): void {
    const symbols = [...this.dirty];
    this.dirty.clear();
    const frames = new Map<string, Buffer | undefined>();
    for (const c of [...this.clients.values()]) {
      for (const s of symbols) {
        if (!c.all && !c.symbols.has(s)) continue;
        if (c.pending.has(s)) this.stats.signalsCoalesced++;
        else c.pending.add(s);
      }
      if (this.full(c)) {
        c.fullSince ??= now;
        if (now - c.fullSince >= this.opts.slowMs)
          this.drop(
            c.socket,
            'slow',
            1008,
            `too slow: ${this.opts.maxBufferedBytes} bytes unsent for ${this.opts.slowMs} ms`,
          );
        continue;
      }
      c.fullSince = undefined;
      if (c.dropped) {
        c.socket.send(encode({ type: 'dropped', count: c.dropped }), TEXT);
        c.dropped = 0;
      }
      while (c.decisions.length && !this.full(c)) {
        c.socket.send(c.decisions.shift() as Buffer, TEXT);
        this.stats.decisionsSent++;
      }
      for (const s of c.pending) {
        if (this.full(c)) break;
        c.pending.delete(s);
        if (!frames.has(s)) {
          const v = this.view(s);
          frames.set(s, v && encode({ type: 'signal', signal: v }));
        }
        const frame = frames.get(s);
        if (frame === undefined) continue;
        c.socket.send(frame, TEXT);
        this.stats.signalsSent++;
      }
    }
  }

  /**
   * Stops serving: each client is told the server is going away (1001, so it reconnects with its
   * backoff) and cut after closeGraceMs. Waiting on a client's answer instead let a stop wait out
   * ws's 30 s close timeout behind a busy browser.
   */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const socket of this.clients.keys()) this.closeGracefully(socket, 1001, 'server shutting down');
    this.clients.clear();
    this.stats.clients = 0;
  }

  private full(c: Client): boolean {
    return c.socket.bufferedAmount >= this.opts.maxBufferedBytes;
  }

  private closeGracefully(socket: StreamSocket, code: number, reason: string): void {
    socket.close(code, reason);
    // A client that does not read never answers the close frame: its buffers go after the grace.
    setTimeout(() => socket.terminate(), this.opts.closeGraceMs).unref();
  }
}

export { DEFAULT_STREAM_HUB, type StreamHubOptions };
