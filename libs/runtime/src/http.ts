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

/** The HTTP port is taken or not allowed, or the host not an address here: a usage error (exit 2). */
export class PortUnavailableError extends Error {
  override name = 'PortUnavailableError';
}

/**
 * Listens (entry points only) and returns the actual port, which differs from `port` when it is 0.
 * A port in use or not allowed, or a host that is not this machine's, is a
 * {@link PortUnavailableError} naming it and the flag (`setting`, the spec's port field) to change.
 */
export async function listen(
  app: HttpApp,
  host: string,
  port: number,
  setting: { flag: string; env?: string } = { flag: 'port' },
): Promise<number> {
  try {
    await app.listen({ host, port });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const via = (flag: string, env: string | undefined) => `--${flag}${env ? ` or ${env}` : ''}`;
    const portFix = `pick another with ${via(setting.flag, setting.env)} (0 picks a free one)`;
    if (code === 'EADDRINUSE') {
      const msg = `port ${port} on ${host} is already in use (another tickflow service?): ${portFix}`;
      throw new PortUnavailableError(msg, { cause: err });
    }
    if (code === 'EACCES') {
      const msg = `port ${port} on ${host} is not allowed for this user (below 1024?): ${portFix}`;
      throw new PortUnavailableError(msg, { cause: err });
    }
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
      const msg = `cannot listen on ${host}:${port} (${code}: not an address of this machine): change ${via('host', 'TICKFLOW_HOST')}`;
      throw new PortUnavailableError(msg, { cause: err });
    }
    throw err;
  }
  const address = app.server.address();
  return typeof address === 'object' && address ? address.port : port;
}
