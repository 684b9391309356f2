import type { Server } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyHttpOptions, type FastifyRequest, LogController } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { presentedToken } from './http-auth.ts';
import { hardening } from './http-hardening.ts';
import { defaultHttpSecurity, type HttpSecurity } from './http-security.ts';
import { grants } from './tokens.ts';

export type HealthStatus = 'ok' | 'degraded' | 'down';
export interface HealthReport {
  status: HealthStatus;
  checks: Record<string, { ok: boolean; detail?: string }>;
}

export interface HttpOptions {
  logger?: Logger;
  registry: Registry;
  health: () => HealthReport;
  /** Tokens, open routes, CORS, rate limit, TLS (loadHttpSecurity); default: loopback, no tokens. */
  security?: HttpSecurity;
}

export type HttpApp = ReturnType<typeof createHttpApp>;

/**
 * The fastify instance every service starts from: small body limit, request timeout, TypeBox
 * schemas, security headers, rate limit, CORS allow-list, bearer tokens (http-hardening.ts), HTTPS
 * when configured, and `/healthz` + `/metrics`. Services add their routes as plugins; `listen`
 * happens only in the entry point, so tests use `app.inject()`.
 */
export function createHttpApp(opts: HttpOptions) {
  const security = opts.security ?? defaultHttpSecurity();
  const options: FastifyHttpOptions<Server> = {
    loggerInstance: opts.logger,
    // Per-request log lines would drown the service's own logs; errors still go through.
    logController: new LogController({ disableRequestLogging: true }),
    requestTimeout: 10_000,
    bodyLimit: 64 * 1024,
  };
  // An https.Server answers the same calls as an http.Server (listen, address, closeAllConnections),
  // so the app keeps one type whether or not TLS is on.
  if (security.https) Object.assign(options, { https: security.https });
  const app = Fastify(options).withTypeProvider<TypeBoxTypeProvider>();
  app.register(hardening, { security, registry: opts.registry });
  // ajv coerces `?limit=1e309` to Infinity and lets it through `integer` and `maximum`: refuse any
  // query value that validation turned into a non-finite number.
  // A callback hook, not an async one: it runs on every request and costs no promise.
  app.addHook('preHandler', (req, reply, done) => {
    const query = req.query as Record<string, unknown> | undefined;
    if (query && typeof query === 'object')
      for (const name in query) {
        const value = query[name];
        if (typeof value === 'number' && !Number.isFinite(value)) {
          reply.code(400).send({ error: 'BAD_QUERY', message: `${name} must be a finite number` });
          return;
        }
      }
    done();
  });

  app.get('/healthz', async (req, reply) => {
    const report = opts.health();
    const body = hasReadToken(req, security)
      ? report
      : security.readsNeedToken
        ? summary(report) // an open route: no details at all
        : withoutPrivateDetails(report);
    return reply.code(report.status === 'down' ? 503 : 200).send(body);
  });
  app.get('/metrics', async (_req, reply) => {
    return reply.type(opts.registry.contentType).send(await opts.registry.metrics());
  });
  return app;
}

function hasReadToken(req: FastifyRequest, security: HttpSecurity): boolean {
  const token = presentedToken(req);
  const holder = token ? security.tokens?.find(token) : undefined;
  return holder !== undefined && grants(holder.scopes, 'read');
}

/**
 * Checks whose detail only a token holder sees: `nats` names the broker (its URL), which tells an
 * attacker where to go next. Every other detail (gaps, disk positions) stays for operators.
 */
const PRIVATE_CHECKS = new Set(['nats']);

const withoutPrivateDetails = (report: HealthReport): HealthReport => ({
  status: report.status,
  checks: Object.fromEntries(
    Object.entries(report.checks).map(([k, c]) => [k, PRIVATE_CHECKS.has(k) ? { ok: c.ok } : c]),
  ),
});

const summary = (report: HealthReport): HealthReport => ({
  status: report.status,
  checks: Object.fromEntries(Object.entries(report.checks).map(([k, c]) => [k, { ok: c.ok }])),
});

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
