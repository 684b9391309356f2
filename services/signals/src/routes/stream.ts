import websocket from '@fastify/websocket';
import type { HttpApp } from '@tickflow/runtime';
import type { StreamHub } from '../stream-hub.ts';

/** Ping every this often; a client that has not answered the previous ping is terminated. */
const HEARTBEAT_MS = 30_000;

/**
 * WebSocket `/v1/stream`: send `{"subscribe":["BTC-USD"]}` (or `"*"`), receive
 * `{type:"signal"}` updates (coalesced) and `{type:"decision"}` events; see StreamHub.
 */
export function streamRoutes(hub: StreamHub) {
  return async (app: HttpApp) => {
    await app.register(websocket, { options: { maxPayload: 4096 } });
    app.get('/v1/stream', { websocket: true }, (socket) => {
      hub.add(socket);
      let alive = true;
      socket.on('pong', () => {
        alive = true;
      });
      const heartbeat = setInterval(() => {
        if (!alive) {
          socket.terminate();
          return;
        }
        alive = false;
        socket.ping();
      }, HEARTBEAT_MS);
      socket.on('message', (data) => {
        const error = hub.onClientMessage(socket, data.toString());
        if (error) socket.send(JSON.stringify({ type: 'error', message: error }));
      });
      socket.on('close', () => {
        clearInterval(heartbeat);
        hub.remove(socket);
      });
    });
  };
}
