import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Bus } from '@tickflow/bus';
import { createHttpApp, type HttpSecurity, type Registry } from '@tickflow/runtime';
import { dashboardRoutes } from './routes/dashboard.ts';
import { dashboardApiRoutes } from './routes/dashboard-api.ts';
import { decisionsRoutes } from './routes/decisions.ts';
import { reportsRoutes } from './routes/reports.ts';
import { signalsRoutes } from './routes/signals.ts';
import { streamRoutes } from './routes/stream.ts';
import type { SignalsService } from './signals.ts';
import type { StreamHub } from './stream-hub.ts';
import { Upstream } from './upstream.ts';

export interface SignalsAppOptions {
  bus: Bus;
  signals: SignalsService;
  registry: Registry;
  consuming: () => boolean;
  /** Gaps given up on (ticks not in TICKS): /healthz says degraded while there is any. */
  skippedGaps?: () => readonly { key: string; ranges: [number, number][] }[];
  /** Messages the consumer has not handled yet; /readyz says not ready above `readyBacklog`. */
  backlog: () => Promise<number>;
  readyBacklog?: number;
  hub: StreamHub;
  /** Largest /v1/stream client frame (default 4 KiB). */
  maxFrameBytes?: number;
  /** Base URLs of the bot's REST API and the feed's HTTP server, read for the dashboard's panels. */
  botUrl: string;
  feedUrl: string;
  /** Where eod writes reports/<date>/; the dashboard links the newest. */
  reportsDir: string;
  /** Tokens, open routes, CORS, rate limit, TLS; default: loopback, no tokens. */
  security?: HttpSecurity;
}

/**
 * The speed layer's HTTP API: signals and indicators (memory), decisions (DECISIONS stream),
 * health, readiness, metrics, OpenAPI at /docs, and the browser dashboard at /.
 * `listen` happens in main.ts only.
 */
export async function buildApp(opts: SignalsAppOptions) {
  const app = createHttpApp({
    registry: opts.registry,
    ...(opts.security ? { security: opts.security } : {}),
    health: () => {
      const nats = opts.bus.isConnected;
      const consuming = opts.consuming();
      const skipped = opts.skippedGaps?.() ?? [];
      const last = skipped.at(-1);
      const ticks = {
        ok: skipped.length === 0,
        detail: last
          ? `${skipped.length} seq gap(s) not in TICKS, applied past them; last ${last.key} ${last.ranges
              .map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`))
              .join(',')}`
          : 'every lane in seq order',
      };
      return {
        status: !nats ? 'down' : consuming && ticks.ok ? 'ok' : 'degraded',
        checks: { nats: { ok: nats, detail: opts.bus.url }, consumer: { ok: consuming }, ticks },
      };
    },
  });
  await app.register(swagger, {
    openapi: { info: { title: 'tickflow signals', version: '1' } },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  // Ready = consuming and caught up: a load balancer should not send traffic to a replaying node.
  app.get('/readyz', async (_req, reply) => {
    const limit = opts.readyBacklog ?? 10_000;
    let backlog = Number.POSITIVE_INFINITY;
    try {
      backlog = await opts.backlog();
    } catch {
      // NATS unreachable: not ready
    }
    const ready = opts.bus.isConnected && opts.consuming() && backlog <= limit;
    return reply
      .code(ready ? 200 : 503)
      .send({ ready, backlog: Number.isFinite(backlog) ? backlog : null, limit });
  });
  await app.register(signalsRoutes(opts.signals));
  await app.register(streamRoutes(opts.hub, { maxFrameBytes: opts.maxFrameBytes }));
  await app.register(decisionsRoutes(opts.bus, opts.signals.decisionPartitions > 1));
  await app.register(
    dashboardApiRoutes({
      signals: opts.signals,
      hub: opts.hub,
      backlog: opts.backlog,
      bot: new Upstream(opts.botUrl),
      feed: new Upstream(opts.feedUrl),
    }),
  );
  await app.register(reportsRoutes(opts.reportsDir));
  await app.register(dashboardRoutes());
  return app;
}
