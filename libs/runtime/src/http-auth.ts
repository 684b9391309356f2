import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { HttpSecurity } from './http-security.ts';
import { grants, type Scope } from './tokens.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a request needs; default `read` for GET, HEAD, OPTIONS, `trade` for the rest. */
    scope?: Scope;
    /** Serves nothing private (a page's code, say): no token needed. Set by `servePublicly`. */
    public?: boolean;
  }
}

const REALM = 'Bearer realm="tickflow"';
/** Methods that change nothing (RFC 9110): they need `read`, and may carry ?access_token=. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Marks every route registered later in this plugin context as needing no token (static assets). */
export function servePublicly(app: FastifyInstance): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    route.config = { ...route.config, public: true };
  });
}

/** Route patterns as `--open-routes` gives them: exact, or every route below when ending in `*`. */
export function routeIsOpen(route: string | undefined, open: readonly string[]): boolean {
  if (route === undefined) return false;
  return open.some((o) => (o.endsWith('*') ? route.startsWith(o.slice(0, -1)) : route === o));
}

/**
 * The token a request presents: `Authorization: Bearer <token>`; for a safe method (GET, HEAD,
 * OPTIONS) also `?access_token=<token>` (links and WebSockets opened by a browser, which cannot
 * set headers) or a WebSocket subprotocol `bearer.<token>`. `''` for a malformed Authorization.
 */
export function presentedToken(req: FastifyRequest): string | undefined {
  const auth = req.headers.authorization;
  if (auth !== undefined) return /^Bearer +([^\s]+) *$/i.exec(auth)?.[1] ?? '';
  if (!SAFE_METHODS.has(req.method)) return undefined;
  const query = req.url.indexOf('?');
  if (query >= 0) {
    const t = new URLSearchParams(req.url.slice(query + 1)).get('access_token');
    if (t) return t;
  }
  const protocols = req.headers['sec-websocket-protocol'];
  for (const p of protocols?.split(',') ?? []) {
    const t = p.trim();
    if (t.startsWith('bearer.')) return t.slice('bearer.'.length);
  }
  return undefined;
}

/** A WebSocket upgrade request (routed through fastify by @fastify/websocket before upgrading). */
export const isUpgrade = (req: FastifyRequest) => req.headers.upgrade?.toLowerCase() === 'websocket';

/**
 * A WebSocket upgrade from a browser page is accepted from the service's own origin or an
 * allow-listed one; without an Origin header the client is not a browser (no page to abuse it).
 */
export function originAllowed(req: FastifyRequest, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === req.headers.host?.toLowerCase();
  } catch {
    return false; // "null" (a sandboxed or file page) and garbage
  }
}

/**
 * The onRequest hook: runs after routing and before the body is read, so a request without a valid
 * token never gets its body parsed (a POST without one is 401, whatever it carries). Callback style
 * (it runs on every request): a refusal sends the answer and does not call `done`.
 */
export function accessControl(security: HttpSecurity) {
  return function checkAccess(req: FastifyRequest, reply: FastifyReply, done: () => void): void {
    const refusal = refusalOf(req, security);
    if (!refusal) {
      done();
      return;
    }
    const [code, error, message, auth] = refusal;
    if (auth) reply.header('www-authenticate', auth);
    reply.code(code).send({ error, message });
  };
}

type Refusal = [code: 401 | 403, error: string, message: string, wwwAuthenticate?: string];

/** Why `req` may not proceed, or undefined when it may. */
function refusalOf(req: FastifyRequest, security: HttpSecurity): Refusal | undefined {
  if (isUpgrade(req) && !originAllowed(req, security.corsOrigins)) {
    return [403, 'FORBIDDEN_ORIGIN', `WebSocket from origin ${req.headers.origin} refused`];
  }
  const config = req.routeOptions.config;
  const needed: Scope = config?.scope ?? (SAFE_METHODS.has(req.method) ? 'read' : 'trade');
  if (needed === 'read') {
    if (!security.readsNeedToken || config?.public) return undefined;
    if (routeIsOpen(req.routeOptions.url, security.openRoutes)) return undefined;
  }
  if (!security.tokens) {
    return [
      403,
      'DISABLED',
      `this needs a token with the ${needed} scope and none is configured (--tokens <file>)`,
    ];
  }
  const token = presentedToken(req);
  if (!token) return [401, 'UNAUTHORIZED', 'Authorization: Bearer <token> required', REALM];
  const holder = security.tokens.find(token);
  if (!holder) return [401, 'UNAUTHORIZED', 'unknown token', `${REALM}, error="invalid_token"`];
  if (!grants(holder.scopes, needed)) {
    return [
      403,
      'FORBIDDEN',
      `the token of ${holder.name} lacks the ${needed} scope`,
      `${REALM}, error="insufficient_scope", scope="${needed}"`,
    ];
  }
  return undefined;
}
