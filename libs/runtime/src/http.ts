import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

export type HealthStatus = 'ok' | 'degraded' | 'down';
export interface HealthReport {
  status: HealthStatus;
  checks: Record<string, { ok: boolean; detail?: string }>;
}

export interface HttpOptions {
  logger?: Logger;
  registry: Registry;
  health: () => HealthReport;
}

export type HttpApp = ReturnType<typeof createHttpApp>;

/**
 * The fastify instance every service starts from: small body limit, request timeout, TypeBox
 * schemas, and `/healthz` + `/metrics`. Services add their routes as plugins; `listen` happens
 * only in the entry point, so tests use `app.inject()`.
 */
export function createHttpApp(opts: HttpOptions) {
  const app = Fastify({
    loggerInstance: opts.logger,
    // Per-request log lines would drown the service's own logs; errors still go through.
    logController: new LogController({ disableRequestLogging: true }),
    requestTimeout: 10_000,
    bodyLimit: 64 * 1024,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.get('/healthz', async (_req, reply) => {
    const report = opts.health();
    return reply.code(report.status === 'down' ? 503 : 200).send(report);
  });
  app.get('/metrics', async (_req, reply) => {
    return reply.type(opts.registry.contentType).send(await opts.registry.metrics());
  });
  return app;
}

/** Listens (entry points only) and returns the actual port, which differs from `port` when it is 0. */
export async function listen(app: HttpApp, host: string, port: number): Promise<number> {
  await app.listen({ host, port });
  const address = app.server.address();
  return typeof address === 'object' && address ? address.port : port;
}
