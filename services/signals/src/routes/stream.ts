import websocket from '@fastify/websocket';
import type { HttpApp } from '@tickflow/runtime';
import type { StreamHub, StreamSocket } from '../stream-hub.ts';

/** Ping every this often; a client that has not answered the previous ping is terminated. */
const HEARTBEAT_MS = 30_000;

export interface StreamRouteOptions {
  /** Largest client frame accepted; a bigger one closes the connection with 1009. Default 4 KiB. */
  maxFrameBytes?: number;
}

/**
 * WebSocket `/v1/stream`: send `{"subscribe":["BTC-USD"]}` (or `"*"`), receive
 * `{type:"signal"}` updates (coalesced) and `{type:"decision"}` events; see StreamHub for the
 * limits. No client input can throw out of here: every handler is guarded, and a socket error
 * (oversized or malformed frame, reset) is counted and the socket closed, never the process.
 */
export function streamRoutes(hub: StreamHub, opts: StreamRouteOptions = {}) {
  return async (app: HttpApp) => {
    // A throw in a socket's event handler would be an uncaught exception: the process would die.
    const guarded =
      <A extends unknown[]>(socket: StreamSocket, what: string, fn: (...args: A) => void) =>
      (...args: A) => {
        try {
          fn(...args);
        } catch (err) {
          app.log.error({ err }, `/v1/stream ${what} failed; connection closed`);
          hub.metrics.reject('internal');
          hub.drop(socket, 'internal', 1011, 'internal error');
          socket.terminate();
        }
      };

    await app.register(websocket, {
      options: { maxPayload: opts.maxFrameBytes ?? 4096 },
      // ws has already sent the close frame (1009 too large, 1002/1007 malformed) when it reports
      // the error; the client's fault, so a warning, counted, and the socket cut after the grace.
      errorHandler: (err, socket) => {
        try {
          const tooLarge = (err as { code?: string }).code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';
          app.log.warn({ err: err.message }, '/v1/stream: bad frame, connection closed');
          hub.metrics.reject(tooLarge ? 'too_large' : 'bad_frame');
          hub.drop(socket, 'bad_frame', tooLarge ? 1009 : 1002, tooLarge ? 'frame too large' : 'bad frame');
        } catch (e) {
          app.log.error({ err: e }, '/v1/stream error handler failed');
        }
      },
    });
    app.route({
      method: 'GET',
      url: '/v1/stream',
      schema: { hide: true },
      // A plain GET (no upgrade) is told what the path is, not a bare 404.
      handler: (_req, reply) =>
        reply
          .code(426)
          .header('upgrade', 'websocket')
          .send({ error: 'UPGRADE_REQUIRED', message: '/v1/stream is a WebSocket: connect with ws://' }),
      wsHandler: (socket) => {
        if (!hub.add(socket)) return;
        let alive = true;
        socket.on(
          'pong',
          guarded(socket, 'pong', () => {
            alive = true;
          }),
        );
        const heartbeat = setInterval(
          guarded(socket, 'heartbeat', () => {
            if (!alive) {
              hub.drop(socket, 'heartbeat', 1001, 'no answer to ping');
              socket.terminate();
              return;
            }
            alive = false;
            socket.ping();
          }),
          HEARTBEAT_MS,
        );
        socket.on(
          'message',
          guarded(socket, 'message', (data, isBinary) => {
            hub.onClientMessage(socket, data, isBinary);
          }),
        );
        socket.on(
          'close',
          guarded(socket, 'close', () => {
            clearInterval(heartbeat);
            hub.remove(socket);
          }),
        );
      },
    });
  };
}
