import type { IncomingMessage } from 'node:http';
import WebSocket, { WebSocketServer } from 'ws';
import type { SourceEvent, TickSource } from './types.ts';

/** A local venue for tests: every connection, the path it asked for and what clients sent. */
export interface FakeVenue {
  url: string;
  server: WebSocketServer;
  /** Server side of each connection, in order. */
  sockets: WebSocket[];
  paths: string[];
  /** Text frames received from clients, in order. */
  received: string[];
  close(): Promise<void>;
}

/** Starts a WebSocket server on 127.0.0.1 with a free port; `onConnection` gets each socket and its index. */
export async function startVenue(
  onConnection: (ws: WebSocket, index: number, req: IncomingMessage) => void,
  opts: { autoPong?: boolean } = {},
): Promise<FakeVenue> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1', autoPong: opts.autoPong ?? true });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
  const venue: FakeVenue = {
    url: `ws://127.0.0.1:${address.port}`,
    server,
    sockets: [],
    paths: [],
    received: [],
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of server.clients) ws.terminate();
        server.close(() => resolve());
      }),
  };
  server.on('connection', (ws, req) => {
    const index = venue.sockets.length;
    venue.sockets.push(ws);
    venue.paths.push(req.url ?? '');
    ws.on('message', (data) => venue.received.push(data.toString()));
    onConnection(ws, index, req);
  });
  return venue;
}

/** Consumes a source in the background; `events` fills as batches arrive, `done` settles when it ends. */
export function collect(source: TickSource): { events: SourceEvent[]; batches: number; done: Promise<void> } {
  const out = { events: [] as SourceEvent[], batches: 0, done: Promise.resolve() };
  out.done = (async () => {
    for await (const batch of source.batches()) {
      out.batches++;
      out.events.push(...batch);
    }
  })();
  return out;
}

/** Trade ids of the trade events, in order. */
export function tradeIds(events: readonly SourceEvent[]): string[] {
  return events.flatMap((e) =>
    e.kind === 'trade' && e.trade.tradeId !== undefined ? [e.trade.tradeId] : [],
  );
}

/** Polls `cond` every 5 ms; rejects after `timeoutMs` naming `what`. */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Resolves when the server side of a connection has closed. */
export function closed(ws: WebSocket): Promise<void> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => ws.once('close', () => resolve()));
}
