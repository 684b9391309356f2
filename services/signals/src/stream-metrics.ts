import { Counter, Gauge, type Registry } from '@tickflow/runtime';
import type { RejectReason } from './stream-protocol.ts';

/** Why the server closed a /v1/stream connection: the `reason` label of ..._ws_closed_total. */
export type CloseReason = 'slow' | 'too_many_clients' | 'heartbeat' | 'bad_frame' | 'internal';

/**
 * /v1/stream's counters in /metrics: refused client frames by reason, connections the server
 * closed by reason, and open connections. Without a registry (unit tests) they count unregistered.
 */
export class StreamMetrics {
  readonly rejected: Counter<'reason'>;
  readonly closed: Counter<'reason'>;

  constructor(registry: Registry | undefined, clients: () => number) {
    const registers = registry ? [registry] : [];
    this.rejected = new Counter({
      name: 'tickflow_signals_ws_rejected_total',
      help: '/v1/stream client frames refused with an error frame (or a close), by reason',
      labelNames: ['reason'],
      registers,
    });
    this.closed = new Counter({
      name: 'tickflow_signals_ws_closed_total',
      help: '/v1/stream connections closed by the server, by reason',
      labelNames: ['reason'],
      registers,
    });
    new Gauge({
      name: 'tickflow_signals_ws_clients',
      help: 'open /v1/stream connections',
      registers,
      collect() {
        this.set(clients());
      },
    });
  }

  reject(reason: RejectReason): void {
    this.rejected.inc({ reason });
  }

  close(reason: CloseReason): void {
    this.closed.inc({ reason });
  }
}
