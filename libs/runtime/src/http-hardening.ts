import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { accessControl, isUpgrade } from './http-auth.ts';
import { type HttpSecurity, isLoopbackHost } from './http-security.ts';

/**
 * For the dashboard and report pages (and every other response, where it does no harm): scripts
 * and styles from the service only (inline styles allowed: the reports carry a <style> block and
 * charts set style attributes; they cannot run code), no plugins, no framing, no foreign base URI.
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

const isLoopbackClient = (req: FastifyRequest) => isLoopbackHost(req.ip.replace(/^::ffff:/, ''));

/**
 * Every request passes, in this order: helmet's headers, the per-client rate limit (429 before any
 * other work, unauthenticated floods included), CORS (answers allowed preflights), then the token
 * and WebSocket Origin check (http-auth.ts). Hooks added here apply to every route and to 404s.
 */
export const hardening = fp(
  async (app: FastifyInstance, security: HttpSecurity) => {
    await app.register(helmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        // Upgrading would break plain-HTTP deployments; HTTPS ones need no upgrade.
        directives: CSP_DIRECTIVES,
      },
      // HSTS only means something over HTTPS; sent over HTTP it would be ignored anyway.
      hsts: security.https ? { maxAge: 180 * 24 * 3600 } : false,
    });
    await app.register(rateLimit, { global: false });
    if (security.rateLimit > 0 || security.rateLimitLoopback > 0) {
      app.addHook(
        'onRequest',
        app.rateLimit({
          timeWindow: 60_000,
          max: (req) => (isLoopbackClient(req) ? security.rateLimitLoopback : security.rateLimit),
          // 0 means "no limit" for that kind of client.
          allowList: (req) => (isLoopbackClient(req) ? security.rateLimitLoopback : security.rateLimit) === 0,
        }),
      );
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
    // An upgrade answered with anything but a WebSocket (401, 403, 429, 404) must not leave its
    // socket open: it is outside the server's keep-alive handling and would hold app.close().
    app.addHook('onSend', async (req, reply, payload) => {
      if (isUpgrade(req)) reply.header('connection', 'close');
      return payload;
    });
    app.addHook('onResponse', async (req) => {
      if (isUpgrade(req)) req.raw.socket.end();
    });
  },
  { name: 'tickflow-hardening', fastify: '5.x' },
);
