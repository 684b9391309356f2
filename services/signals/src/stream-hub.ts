import type { Decision } from '@tickflow/core';
import type { SymbolView } from './signals.ts';

/** What the hub needs of a client socket (a `ws` WebSocket fits). */
export interface StreamSocket {
  readonly bufferedAmount: number;
  send(text: string): void;
}

export interface StreamHubOptions {
  /** Signal updates per symbol are coalesced and sent at most this often. Default 100 ms. */
  flushIntervalMs: number;
  /** A client with more unsent bytes than this gets no new frames until it drains. Default 1 MiB. */
  maxBufferedBytes: number;
  /** Decisions held for a slow client; beyond, the oldest are dropped and the client told. Default 1,000. */
  maxQueuedDecisions: number;
}

export const DEFAULT_STREAM_HUB: StreamHubOptions = {
  flushIntervalMs: 100,
  maxBufferedBytes: 1 << 20,
  maxQueuedDecisions: 1000,
};

interface Client {
  socket: StreamSocket;
  all: boolean;
  symbols: Set<string>;
  decisions: Decision[];
  dropped: number;
}

export interface StreamHubStats {
  clients: number;
  signalsSent: number;
  /** Signal updates not sent because a newer one replaced it (coalescing) or the client was full. */
  signalsCoalesced: number;
  decisionsSent: number;
  decisionsDropped: number;
}

/**
 * Pushes signal and decision updates to WebSocket clients without ever buffering without bound.
 * Signals are state: only the latest per symbol matters, so updates are coalesced and flushed on
 * a timer, and a client whose socket is backed up simply gets the newer state later. Decisions are
 * events: sent at once, or queued (bounded) while the client is backed up; on overflow the oldest
 * go and the client receives `{type:"dropped", count}` so it knows to re-read /v1/decisions.
 */
export class StreamHub {
  private readonly clients = new Map<StreamSocket, Client>();
  private readonly dirty = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  readonly stats: StreamHubStats = {
    clients: 0,
    signalsSent: 0,
    signalsCoalesced: 0,
    decisionsSent: 0,
    decisionsDropped: 0,
  };

  constructor(
    private readonly view: (symbol: string) => SymbolView | undefined,
    private readonly opts: StreamHubOptions = DEFAULT_STREAM_HUB,
  ) {}

  add(socket: StreamSocket): void {
    this.clients.set(socket, { socket, all: false, symbols: new Set(), decisions: [], dropped: 0 });
    this.stats.clients = this.clients.size;
    this.timer ??= setInterval(() => this.flush(), this.opts.flushIntervalMs);
  }

  remove(socket: StreamSocket): void {
    this.clients.delete(socket);
    this.stats.clients = this.clients.size;
    if (this.clients.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Applies a client's message; returns an error text for a bad one (sent back, not thrown). */
  onClientMessage(socket: StreamSocket, text: string): string | undefined {
    const c = this.clients.get(socket);
    if (!c) return 'not connected';
    let msg: { subscribe?: unknown; unsubscribe?: unknown };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      return 'not JSON: send {"subscribe":["BTC-USD"]} or {"subscribe":"*"}';
    }
    const list = (x: unknown) =>
      Array.isArray(x) && x.every((s) => typeof s === 'string') ? (x as string[]) : undefined;
    if (msg.subscribe === '*') c.all = true;
    else if (msg.subscribe !== undefined) {
      const symbols = list(msg.subscribe);
      if (!symbols) return 'subscribe takes "*" or an array of symbols';
      for (const s of symbols) c.symbols.add(s);
      // A new subscriber gets the current state at the next flush.
      for (const s of symbols) this.dirty.add(s);
    }
    if (msg.unsubscribe === '*') {
      c.all = false;
      c.symbols.clear();
    } else if (msg.unsubscribe !== undefined) {
      const symbols = list(msg.unsubscribe);
      if (!symbols) return 'unsubscribe takes "*" or an array of symbols';
      for (const s of symbols) c.symbols.delete(s);
    }
    return undefined;
  }

  /** A symbol's state changed; it goes out at the next flush (once, however many ticks). */
  touched(symbol: string): void {
    if (this.clients.size) this.dirty.add(symbol);
  }

  decision(d: Decision): void {
    for (const c of this.clients.values()) {
      if (!c.all && !c.symbols.has(d.symbol)) continue;
      if (c.decisions.length === 0 && c.socket.bufferedAmount < this.opts.maxBufferedBytes) {
        c.socket.send(JSON.stringify({ type: 'decision', decision: d }));
        this.stats.decisionsSent++;
        continue;
      }
      c.decisions.push(d);
      if (c.decisions.length > this.opts.maxQueuedDecisions) {
        c.decisions.shift();
        c.dropped++;
        this.stats.decisionsDropped++;
      }
    }
  }

  /** Sends queued decisions and the latest state of each changed symbol to clients with room. */
  flush(): void {
    const symbols = [...this.dirty];
    this.dirty.clear();
    const views = new Map<string, string>();
    for (const c of this.clients.values()) {
      if (c.socket.bufferedAmount >= this.opts.maxBufferedBytes) {
        this.stats.signalsCoalesced += symbols.length;
        continue;
      }
      if (c.dropped) {
        c.socket.send(JSON.stringify({ type: 'dropped', count: c.dropped }));
        c.dropped = 0;
      }
      while (c.decisions.length && c.socket.bufferedAmount < this.opts.maxBufferedBytes) {
        c.socket.send(JSON.stringify({ type: 'decision', decision: c.decisions.shift() }));
        this.stats.decisionsSent++;
      }
      for (const s of symbols) {
        if (!c.all && !c.symbols.has(s)) continue;
        let frame = views.get(s);
        if (frame === undefined) {
          const v = this.view(s);
          if (!v) continue;
          frame = JSON.stringify({ type: 'signal', signal: v });
          views.set(s, frame);
        }
        c.socket.send(frame);
        this.stats.signalsSent++;
      }
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.clients.clear();
  }
}
