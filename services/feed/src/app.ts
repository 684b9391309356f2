import type { Bus } from '@tickflow/bus';
import { createHttpApp, type HttpSecurity, type Registry } from '@tickflow/runtime';
import type { ConfirmWatch } from './confirm-watch.ts';
import type { FeedService } from './feed.ts';
import type { TickSource } from './sources/types.ts';

/**
 * The feed's HTTP surface: health (NATS connection, source liveness, the stream confirming what is
 * sent: confirm-watch.ts), stats and metrics.
 */
export function buildApp(opts: {
  bus: Bus;
  feed: FeedService;
  source: TickSource;
  registry: Registry;
  confirms?: ConfirmWatch;
  security?: HttpSecurity;
}) {
  const app = createHttpApp({
    registry: opts.registry,
    ...(opts.security ? { security: opts.security } : {}),
    health: () => {
      const nats = opts.bus.isConnected;
      const source = opts.source.health();
      const sourceOk = source.ok && !source.stale;
      const failing = opts.feed.lookupFailing;
      const sequences = failing
        ? {
            ok: false,
            detail: `last seq of ${failing.venue}:${failing.symbol} unknown (${failing.attempts} failed lookups: ${failing.error}); not published until known`,
          }
        : { ok: true };
      const stream = opts.confirms?.check() ?? { ok: true, detail: 'not watched' };
      return {
        status: !nats ? 'down' : sourceOk && sequences.ok && stream.ok ? 'ok' : 'degraded',
        checks: {
          nats: { ok: nats, detail: opts.bus.url },
          source: { ok: sourceOk, detail: source.detail },
          sequences,
          stream,
        },
      };
    },
  });
  app.get('/v1/stats', async () => {
    opts.feed.syncSourceDuplicates();
    return { ...opts.feed.stats, source: opts.source.health() };
  });
  return app;
}
