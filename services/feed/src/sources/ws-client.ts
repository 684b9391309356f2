import { performance } from 'node:perf_hooks';
import { type Clock, type Micros, systemClock } from '@tickflow/core';
import WebSocket from 'ws';

/** Minimal structured logger; a pino logger fits as is. */
export interface SourceLogger {
  info(fields: object, msg: string): void;
  warn(fields: object, msg: string): void;
  error(fields: object, msg: string): void;
}

/** Something an operator must hear about (stale feed, dropped batches). */
export interface SourceAlarm {
  kind: 'stale' | 'overflow';
  venue: string;
  message: string;
  /** The counter of this alarm kind after this occurrence. */
  count: number;
}

/** Settings of ResilientWebSocket; times in milliseconds. */
export interface ResilientWebSocketOptions {
  url: string;
  /** Venue name, for logs and alarms. */
  venue: string;
  /** Called with every text frame and its receive time (from `clock`). */
  onMessage: (text: string, recvTs: Micros) => void;
  /** Called on every (re)connection before any frame: subscribe here, again after each reconnect. */
  onOpen?: (send: (text: string) => void) => void;
  /** Largest frame accepted; a larger one closes the connection (then it reconnects). Default 1 MiB. */
  maxPayload?: number;
  /** Full-jitter exponential backoff: the n-th retry waits random() * min(max, initial * 2^n). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A connection that stayed up this long resets the backoff. Default 10 s. */
  resetBackoffAfterMs?: number;
  /** Ping every this often (default 15 s); terminate when the pong is late by `pongTimeoutMs` (default same). */
  pingIntervalMs?: number;
  pongTimeoutMs?: number;
  /** No frame for this long marks the feed stale and raises an alarm. Default 30 s. */
  staleAfterMs?: number;
  /** Opening handshake timeout. Default 10 s. */
  handshakeTimeoutMs?: number;
  clock?: Clock;
  /** Uniform [0, 1) for the jitter; injectable so tests are deterministic. */
  random?: () => number;
  log?: SourceLogger;
  onAlarm?: (alarm: SourceAlarm) => void;
}

/** Counters of a ResilientWebSocket, monotonic over its life. */
export interface WsStats {
  messages: number;
  /** Connections opened, the first included. */
  connects: number;
  /** Connections opened after the first one. */
  reconnects: number;
  disconnects: number;
  connectFailures: number;
  pongTimeouts: number;
  staleAlarms: number;
}

/** Per-connection state: a replaced connection keeps running until it has closed. */
interface Conn {
  ws: WebSocket;
  openedAt?: number;
  pingTimer?: NodeJS.Timeout;
  pongTimer?: NodeJS.Timeout;
}

const noopLogger: SourceLogger = { info() {}, warn() {}, error() {} };

/**
 * A WebSocket client that stays connected: reconnects with full-jitter exponential backoff,
 * re-runs `onOpen` (subscriptions) on each connection, pings and terminates a connection whose
 * pong is late, flags staleness, and on `reconnect()` opens the new connection before closing the
 * old one (make-before-break), so frames may repeat but none is missed: consumers dedup by trade id.
 */
export class ResilientWebSocket {
  private readonly o: Required<Omit<ResilientWebSocketOptions, 'onOpen' | 'onAlarm'>> &
    Pick<ResilientWebSocketOptions, 'onOpen' | 'onAlarm'>;
  private active: Conn | undefined;
  private pending: Conn | undefined;
  private readonly conns = new Set<Conn>();
  private reconnectTimer: NodeJS.Timeout | undefined;
  private staleTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private started = false;
  private stopped = false;
  /** performance.now() of the last frame (or of start): staleness is an interval, so monotonic time. */
  private lastActivity = 0;
  private lastMessageAtMs: number | undefined;
  private isStale = false;
  private readonly closeWaiters: (() => void)[] = [];
  readonly stats: WsStats = {
    messages: 0,
    connects: 0,
    reconnects: 0,
    disconnects: 0,
    connectFailures: 0,
    pongTimeouts: 0,
    staleAlarms: 0,
  };

  /** Throws TypeError on a url that is not ws:// or wss://: fail at startup, not in a reconnect timer. */
  constructor(opts: ResilientWebSocketOptions) {
    if (!/^wss?:$/.test(new URL(opts.url).protocol))
      throw new TypeError(`not a ws:// or wss:// url: ${opts.url}`);
    const pingIntervalMs = opts.pingIntervalMs ?? 15_000;
    this.o = {
      maxPayload: 1024 * 1024,
      initialBackoffMs: 250,
      maxBackoffMs: 30_000,
      resetBackoffAfterMs: 10_000,
      staleAfterMs: 30_000,
      handshakeTimeoutMs: 10_000,
      clock: systemClock,
      random: Math.random,
      log: noopLogger,
      ...stripUndefined(opts),
      pingIntervalMs,
      pongTimeoutMs: opts.pongTimeoutMs ?? pingIntervalMs,
    };
  }

  /** Connects; idempotent. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.lastActivity = performance.now();
    const every = Math.max(5, Math.min(1_000, Math.floor(this.o.staleAfterMs / 4)));
    this.staleTimer = setInterval(() => this.checkStale(), every);
    this.staleTimer.unref();
    this.open();
  }

  /**
   * Opens a new connection now and closes the current one once the new one is open (used on a
   * venue's shutdown notice). A no-op while a connection attempt or a backoff wait is under way.
   */
  reconnect(reason: string): void {
    if (this.stopped || !this.started || this.pending || this.reconnectTimer || !this.active) return;
    this.o.log.info(
      { venue: this.o.venue, reason },
      'opening a new connection before closing the current one',
    );
    this.open();
  }

  /** Closes every connection and stops reconnecting; resolves once all sockets have closed. */
  stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.staleTimer);
    this.reconnectTimer = undefined;
    this.active = undefined;
    this.pending = undefined;
    for (const c of this.conns) this.closeConn(c, 1000, 'client stopping');
    if (this.conns.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.closeWaiters.push(resolve));
  }

  get connected(): boolean {
    return this.active !== undefined;
  }

  get stale(): boolean {
    return this.isStale;
  }

  /** Wall-clock ms (from the clock) of the last frame, if any. */
  get lastMessageAt(): number | undefined {
    return this.lastMessageAtMs;
  }

  private open(): void {
    const ws = new WebSocket(this.o.url, {
      maxPayload: this.o.maxPayload,
      handshakeTimeout: this.o.handshakeTimeoutMs,
      perMessageDeflate: false,
    });
    const conn: Conn = { ws };
    this.pending = conn;
    this.conns.add(conn);
    ws.on('open', () => this.onConnOpen(conn));
    ws.on('message', (data) => this.onFrame(data));
    ws.on('pong', () => {
      clearTimeout(conn.pongTimer);
      conn.pongTimer = undefined;
    });
    ws.on('error', (err) => this.o.log.warn({ venue: this.o.venue, err: err.message }, 'websocket error'));
    ws.on('close', (code, reason) => this.onConnClose(conn, code, reason.toString()));
  }

  private onConnOpen(conn: Conn): void {
    if (this.stopped) {
      this.closeConn(conn, 1000, 'client stopping');
      return;
    }
    const previous = this.active;
    this.pending = undefined;
    this.active = conn;
    conn.openedAt = performance.now();
    this.stats.connects++;
    if (this.stats.connects > 1) this.stats.reconnects++;
    this.o.log.info(
      { venue: this.o.venue, url: this.o.url, connects: this.stats.connects },
      'websocket connected',
    );
    conn.pingTimer = setInterval(() => this.ping(conn), this.o.pingIntervalMs);
    conn.pingTimer.unref();
    try {
      this.o.onOpen?.((text) => conn.ws.send(text));
    } catch (err) {
      this.o.log.error({ venue: this.o.venue, err: String(err) }, 'onOpen failed; reconnecting');
      conn.ws.terminate();
    }
    // Make-before-break: the old connection is closed only now that the new one is subscribed.
    if (previous) this.closeConn(previous, 1000, 'replaced by a new connection');
  }

  private onFrame(data: WebSocket.RawData): void {
    const recvTs = this.o.clock.nowMicros();
    this.stats.messages++;
    this.lastActivity = performance.now();
    this.lastMessageAtMs = Math.floor(recvTs / 1000);
    if (this.isStale) {
      this.isStale = false;
      this.o.log.info({ venue: this.o.venue }, 'feed no longer stale');
    }
    // Venues send text frames; a binary one is decoded as UTF-8 too and left for the mapper to judge.
    const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    this.o.onMessage(buf.toString('utf8'), recvTs);
  }

  private onConnClose(conn: Conn, code: number, reason: string): void {
    clearInterval(conn.pingTimer);
    clearTimeout(conn.pongTimer);
    this.conns.delete(conn);
    if (this.stopped) {
      if (this.conns.size === 0) for (const resolve of this.closeWaiters.splice(0)) resolve();
      return;
    }
    if (conn === this.pending) {
      this.pending = undefined;
      this.stats.connectFailures++;
      this.o.log.warn({ venue: this.o.venue, code, reason }, 'websocket connection attempt failed');
    } else if (conn === this.active) {
      this.active = undefined;
      this.stats.disconnects++;
      const upMs = performance.now() - (conn.openedAt ?? 0);
      if (upMs >= this.o.resetBackoffAfterMs) this.attempt = 0;
      this.o.log.warn(
        { venue: this.o.venue, code, reason, upMs: Math.round(upMs) },
        'websocket disconnected',
      );
    }
    if (!this.active && !this.pending && !this.reconnectTimer) this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const cap = Math.min(this.o.maxBackoffMs, this.o.initialBackoffMs * 2 ** Math.min(this.attempt, 30));
    const delayMs = Math.floor(this.o.random() * cap);
    this.attempt++;
    this.o.log.info({ venue: this.o.venue, delayMs, attempt: this.attempt }, 'websocket reconnect scheduled');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (!this.stopped) this.open();
    }, delayMs);
  }

  private ping(conn: Conn): void {
    if (conn.pongTimer || conn.ws.readyState !== WebSocket.OPEN) return;
    conn.ws.ping();
    conn.pongTimer = setTimeout(() => {
      this.stats.pongTimeouts++;
      this.o.log.warn(
        { venue: this.o.venue, pongTimeoutMs: this.o.pongTimeoutMs },
        'pong timeout: terminating',
      );
      conn.ws.terminate();
    }, this.o.pongTimeoutMs);
    conn.pongTimer.unref();
  }

  private checkStale(): void {
    if (this.isStale || this.stopped) return;
    const idleMs = performance.now() - this.lastActivity;
    if (idleMs < this.o.staleAfterMs) return;
    this.isStale = true;
    const count = ++this.stats.staleAlarms;
    const message = `no message from ${this.o.venue} for ${Math.round(idleMs)} ms (threshold ${this.o.staleAfterMs} ms)`;
    this.o.log.warn({ venue: this.o.venue, idleMs: Math.round(idleMs), count }, 'feed stale');
    this.o.onAlarm?.({ kind: 'stale', venue: this.o.venue, message, count });
  }

  /** Closes politely, and terminates if the close handshake does not finish within a second. */
  private closeConn(conn: Conn, code: number, reason: string): void {
    clearInterval(conn.pingTimer);
    clearTimeout(conn.pongTimer);
    if (conn.ws.readyState === WebSocket.CONNECTING) {
      conn.ws.terminate();
      return;
    }
    conn.ws.close(code, reason);
    setTimeout(() => conn.ws.terminate(), 1_000).unref();
  }
}

/** Drops undefined values so they don't override defaults in a spread. */
function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
