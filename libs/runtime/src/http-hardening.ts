import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import helmet from 'helmet';
import { accessControl, isUpgrade } from './http-auth.ts';
import { type HttpSecurity, isLoopbackHost } from './http-security.ts';
import { Counter, type Registry } from './metrics.ts';

/**
 * For the dashboard, report and API-docs pages: scripts and styles from the service only (inline
 * styles allowed: the reports carry a <style> block and charts set style attributes; they cannot
 * run code), no plugins, no framing, no foreign base URI.
 */
const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

const noop = () => {};

const HSTS_MAX_AGE = 180 * 24 * 3600;

const isLoopbackClient = (req: FastifyRequest) => isLoopbackHost(req.ip.replace(/^::ffff:/, ''));

const isPage = (contentType: unknown) =>
  typeof contentType === 'string' && contentType.startsWith('text/html');

/**
 * Every request passes, in this order: the per-client rate limit (429 before any other work,
 * unauthenticated floods included), CORS (answers allowed preflights), then the token and
 * WebSocket Origin check (http-auth.ts). Hooks added here apply to every route and to 404s.
 *
 * Helmet's headers and the CSP go on HTML pages (the dashboard, reports, /docs); every other answer
 * gets `nosniff`, the header that matters for a JSON or text body, and HSTS under TLS. The helmet
 * middleware is built once and applied in onSend: @fastify/helmet builds it for every request it
 * applies to and runs two onRequest hooks on every request even with `global: false`, which cost
 * ~5 µs of CPU per request (~35 % of a small JSON route; measured with autocannon, 5 rounds).
 */
export const hardening = fp(
  async (app: FastifyInstance, { security, registry }: { security: HttpSecurity; registry: Registry }) => {
    // One per registry: a second app on the same registry (a test's restart) adds to the same count.
    const refused =
      (registry.getSingleMetric('tickflow_http_refused_total') as Counter<'status'> | undefined) ??
      new Counter({
        name: 'tickflow_http_refused_total',
        help: 'HTTP requests and WebSocket upgrades refused: 401 no or unknown token, 403 scope, origin or no tokens configured, 429 rate limit',
        labelNames: ['status'],
        registers: [registry],
      });
    const pageHeaders = helmet({
      contentSecurityPolicy: {
        // Not helmet's defaults: their upgrade-insecure-requests would break plain-HTTP deployments.
        useDefaults: false,
        directives: CSP_DIRECTIVES,
      },
      // HSTS only means something over HTTPS; sent over HTTP it would be ignored anyway.
      strictTransportSecurity: security.https ? { maxAge: HSTS_MAX_AGE } : false,
    });
    await app.register(rateLimit, { global: false });
    // 0 means "no limit" for that kind of client: its requests skip the limiter altogether.
    const limitOf = (req: FastifyRequest) =>
      isLoopbackClient(req) ? security.rateLimitLoopback : security.rateLimit;
    if (security.rateLimit > 0 || security.rateLimitLoopback > 0) {
      const limiter = app.rateLimit({ timeWindow: 60_000, max: limitOf });
      app.addHook('onRequest', async function rateLimited(this: FastifyInstance, req, reply) {
        if (limitOf(req) > 0) await limiter.call(this, req, reply);
      });
    }
    if (security.corsOrigins.length) {
      await app.register(cors, {
        origin: security.corsOrigins,
        methods: ['GET', 'HEAD', 'POST'],
        allowedHeaders: ['Authorization', 'Content-Type'],
        credentials: false,
        maxAge: 600,
      });
    }
    app.addHook('onRequest', accessControl(security));
    // Callback hooks, not async ones: they run on every answer (helmet's middleware is synchronous).
    app.addHook('onSend', (req, reply, payload, done) => {
      if (isPage(reply.getHeader('content-type'))) pageHeaders(req.raw, reply.raw, noop);
      else {
        reply.header('x-content-type-options', 'nosniff');
        if (security.https)
          reply.header('strict-transport-security', `max-age=${HSTS_MAX_AGE}; includeSubDomains`);
      }
      // An upgrade answered with anything but a WebSocket (401, 403, 429, 404) must not leave its
      // socket open: it is outside the server's keep-alive handling and would hold app.close().
      if (isUpgrade(req)) reply.header('connection', 'close');
      done(null, payload);
    });
    app.addHook('onResponse', (req, reply, done) => {
      if (isUpgrade(req)) req.raw.socket.end();
      const code = reply.statusCode;
      if (code === 401 || code === 403 || code === 429) refused.inc({ status: String(code) });
      done();
    });
  },
  { name: 'tickflow-hardening', fastify: '5.x' },
);
