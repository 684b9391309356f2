import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { createHttpApp } from './http.ts';
import { defaultHttpSecurity, type HttpSecurity } from './http-security.ts';
import { createRegistry } from './metrics.ts';
import { parseTokens } from './tokens.ts';

const READ = 'read-token-0123456789abcdef';
const TRADE = 'trade-token-0123456789abcdef';
const ADMIN = 'admin-token-0123456789abcdef';
const tokens = () =>
  parseTokens(`# test tokens\n${READ} read dashboard\n${TRADE} trade ops\n${ADMIN} admin root\n`, 'test');

/** An app like a service's: a read route, a POST needing a body, health saying where NATS is. */
function app(overrides: Partial<HttpSecurity> = {}) {
  const security: HttpSecurity = {
    ...defaultHttpSecurity(),
    tokens: tokens(),
    readsNeedToken: true,
    ...overrides,
  };
  const a = createHttpApp({
    registry: createRegistry('test'),
    health: () => ({ status: 'ok', checks: { nats: { ok: true, detail: 'nats://secret-host:4222' } } }),
    security,
  });
  a.get('/v1/positions', async () => ({ positions: [] }));
  a.post('/v1/halt', { schema: { body: Type.Object({ reason: Type.String() }) } }, async (req) => ({
    halted: true,
    reason: req.body.reason,
  }));
  return a;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('bearer tokens on every route', () => {
  it('refuses a read without a token with 401 and WWW-Authenticate: Bearer', async () => {
    const res = await app().inject({ url: '/v1/positions' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="tickflow"');
    expect(res.json()).toMatchObject({ error: 'UNAUTHORIZED' });
  });

  it('refuses an unknown token, a token prefix and a malformed header with 401 invalid_token', async () => {
    const a = app();
    for (const authorization of [`Bearer ${READ}x`, `Bearer ${READ.slice(0, -1)}`, 'Basic abc', 'Bearer']) {
      const res = await a.inject({ url: '/v1/positions', headers: { authorization } });
      expect(res.statusCode, authorization).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="tickflow"/);
    }
  });

  it('serves a read to read, trade and admin tokens', async () => {
    const a = app();
    for (const t of [READ, TRADE, ADMIN]) {
      expect((await a.inject({ url: '/v1/positions', headers: bearer(t) })).statusCode).toBe(200);
    }
  });

  it('answers an unauthenticated POST without a body 401, before the body is parsed (not 400)', async () => {
    const a = app();
    expect((await a.inject({ method: 'POST', url: '/v1/halt' })).statusCode).toBe(401);
    const junk = await a.inject({
      method: 'POST',
      url: '/v1/halt',
      headers: { 'content-type': 'application/json' },
      payload: '{not json',
    });
    expect(junk.statusCode).toBe(401);
    // With the right token the body is parsed and validated as usual.
    expect((await a.inject({ method: 'POST', url: '/v1/halt', headers: bearer(TRADE) })).statusCode).toBe(
      400,
    );
  });

  it('refuses a state change to a read-only token with 403 insufficient_scope', async () => {
    const res = await app().inject({
      method: 'POST',
      url: '/v1/halt',
      headers: bearer(READ),
      payload: { reason: 'x' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="tickflow", error="insufficient_scope", scope="trade"',
    );
    expect(res.json().message).toContain('dashboard'); // the holder's name, never the token
    expect(res.body).not.toContain(READ);
  });

  it('lets trade and admin tokens change state', async () => {
    const a = app();
    for (const t of [TRADE, ADMIN]) {
      const res = await a.inject({
        method: 'POST',
        url: '/v1/halt',
        headers: bearer(t),
        payload: { reason: 'r' },
      });
      expect(res.json()).toEqual({ halted: true, reason: 'r' });
    }
  });

  it('takes ?access_token= on a GET but never on a POST', async () => {
    const a = app();
    expect((await a.inject({ url: `/v1/positions?access_token=${READ}` })).statusCode).toBe(200);
    const post = await a.inject({
      method: 'POST',
      url: `/v1/halt?access_token=${ADMIN}`,
      payload: { reason: 'r' },
    });
    expect(post.statusCode).toBe(401);
  });

  it('answers 401 for an unknown route without a token, so routes cannot be probed', async () => {
    expect((await app().inject({ url: '/v1/nothing-here' })).statusCode).toBe(401);
    expect((await app().inject({ url: '/v1/nothing-here', headers: bearer(READ) })).statusCode).toBe(404);
  });

  it('refuses state changes with 403 when no token is configured, and leaves reads open', async () => {
    const a = app({ tokens: undefined, readsNeedToken: false });
    expect((await a.inject({ url: '/v1/positions' })).statusCode).toBe(200);
    const res = await a.inject({ method: 'POST', url: '/v1/halt', payload: { reason: 'r' } });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: 'DISABLED' });
  });
});

describe('open routes', () => {
  it('serves /healthz and /metrics without a token by default', async () => {
    const a = app();
    expect((await a.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect((await a.inject({ url: '/metrics' })).statusCode).toBe(200);
  });

  it('keeps health details (the NATS URL) for token holders', async () => {
    const a = app();
    const open = await a.inject({ url: '/healthz' });
    expect(open.body).not.toContain('secret-host');
    expect(open.json()).toEqual({ status: 'ok', checks: { nats: { ok: true } } });
    const full = await a.inject({ url: '/healthz', headers: bearer(READ) });
    expect(full.json().checks.nats.detail).toBe('nats://secret-host:4222');
  });

  it('never shows the NATS URL without a token, also when no token is configured', async () => {
    const a = app({ tokens: undefined, readsNeedToken: false });
    const res = await a.inject({ url: '/healthz' });
    expect(res.body).not.toContain('secret-host');
    expect(res.json()).toEqual({ status: 'ok', checks: { nats: { ok: true } } });
  });

  it('closes /metrics when --open-routes leaves it out, and opens prefixes ending in *', async () => {
    const closed = app({ openRoutes: ['/healthz'] });
    expect((await closed.inject({ url: '/metrics' })).statusCode).toBe(401);
    const none = app({ openRoutes: [] });
    expect((await none.inject({ url: '/healthz' })).statusCode).toBe(401);
    const prefix = app({ openRoutes: ['/v1/*'] });
    expect((await prefix.inject({ url: '/v1/positions' })).statusCode).toBe(200);
    // Open means readable: a state change still needs its scope.
    expect(
      (await prefix.inject({ method: 'POST', url: '/v1/halt', payload: { reason: 'r' } })).statusCode,
    ).toBe(401);
  });
});

describe('CORS, security headers and the rate limit', () => {
  it('sends no CORS headers by default', async () => {
    const res = await app().inject({ url: '/healthz', headers: { origin: 'https://evil.example' } });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('allows only the listed origins, and answers their preflight without a token', async () => {
    const a = app({ corsOrigins: ['https://ops.example'] });
    const ok = await a.inject({
      url: '/v1/positions',
      headers: { origin: 'https://ops.example', ...bearer(READ) },
    });
    expect(ok.headers['access-control-allow-origin']).toBe('https://ops.example');
    const other = await a.inject({
      url: '/v1/positions',
      headers: { origin: 'https://evil.example', ...bearer(READ) },
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await a.inject({
      method: 'OPTIONS',
      url: '/v1/halt',
      headers: {
        origin: 'https://ops.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-headers']).toMatch(/Authorization/);
  });

  it('sends helmet headers and a Content-Security-Policy on HTML pages, nosniff on the rest (401s included)', async () => {
    const a = app({ readsNeedToken: false });
    a.get('/page', async (_req, reply) =>
      reply.type('text/html; charset=utf-8').send('<!doctype html><p>hi</p>'),
    );
    const page = await a.inject({ url: '/page' });
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['strict-transport-security']).toBeUndefined(); // no HTTPS here
    for (const res of [await a.inject({ url: '/healthz' }), await app().inject({ url: '/v1/positions' })]) {
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toBeUndefined();
    }
  });

  it('answers 429 past the per-client limit, before checking the token', async () => {
    const a = app({ rateLimit: 3 });
    const from = { remoteAddress: '192.0.2.7' };
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await a.inject({ url: '/v1/positions', ...from })).statusCode);
    expect(codes).toEqual([401, 401, 401, 429, 429]);
    // Another client has its own budget; loopback is not limited by default.
    expect((await a.inject({ url: '/healthz', remoteAddress: '192.0.2.8' })).statusCode).toBe(200);
    for (let i = 0; i < 10; i++) expect((await a.inject({ url: '/healthz' })).statusCode).toBe(200);
  });

  it('counts refusals by status in /metrics', async () => {
    const a = app({ rateLimit: 1 });
    await a.inject({ url: '/v1/positions' });
    await a.inject({ url: '/v1/positions', headers: bearer(READ) });
    await a.inject({ method: 'POST', url: '/v1/halt', headers: bearer(READ), payload: { reason: 'r' } });
    await a.inject({ url: '/v1/positions', remoteAddress: '192.0.2.9' });
    await a.inject({ url: '/v1/positions', remoteAddress: '192.0.2.9' });
    const metrics = (await a.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(/tickflow_http_refused_total\{status="401",service="test"\} 2/);
    expect(metrics).toMatch(/tickflow_http_refused_total\{status="403",service="test"\} 1/);
    expect(metrics).toMatch(/tickflow_http_refused_total\{status="429",service="test"\} 1/);
  });

  it('limits loopback clients too when --rate-limit-loopback is set', async () => {
    const a = app({ rateLimitLoopback: 2 });
    const codes: number[] = [];
    for (let i = 0; i < 3; i++) codes.push((await a.inject({ url: '/healthz' })).statusCode);
    expect(codes).toEqual([200, 200, 429]);
  });
});
