import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Upstream } from './upstream.ts';

describe('Upstream', () => {
  let server: Server;
  let base: string;
  const hits: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url?.endsWith('/hang')) return; // never answers
      if (req.url?.endsWith('/text')) return void res.end('not json');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ path: req.url, authorization: req.headers.authorization ?? null }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('reads JSON relative to the base URL, keeping a path prefix', async () => {
    expect(await new Upstream(base).json('/v1/pnl')).toEqual({
      ok: true,
      body: { path: '/v1/pnl', authorization: null },
    });
    expect(await new Upstream(`${base}/bot`).json('/v1/pnl')).toEqual({
      ok: true,
      body: { path: '/bot/v1/pnl', authorization: null },
    });
    expect(await new Upstream(base).json('/text')).toEqual({ ok: false, error: '/text: not JSON' });
  });

  it('serves a path from its cache for cacheMs, then asks again', async () => {
    let now = 1000;
    const up = new Upstream(base, 1000, 500, () => now);
    const before = hits.filter((h) => h === '/cached').length;
    await up.get('/cached');
    await up.get('/cached');
    now += 499;
    await up.get('/cached');
    expect(hits.filter((h) => h === '/cached').length - before).toBe(1);
    now += 1;
    await up.get('/cached');
    expect(hits.filter((h) => h === '/cached').length - before).toBe(2);
  });

  it('passes the caller’s token on as a bearer token, caching answers per token', async () => {
    const up = new Upstream(base, 1000, 60_000);
    const a = await up.json('/v1/account', 'token-a');
    const b = await up.json('/v1/account', 'token-b');
    const none = await up.json('/v1/account');
    expect(a).toEqual({ ok: true, body: { path: '/v1/account', authorization: 'Bearer token-a' } });
    expect(b).toEqual({ ok: true, body: { path: '/v1/account', authorization: 'Bearer token-b' } });
    expect(none).toEqual({ ok: true, body: { path: '/v1/account', authorization: null } });
  });

  it('reports an unreachable or silent neighbour instead of throwing', async () => {
    const spare = createServer();
    await new Promise<void>((r) => spare.listen(0, '127.0.0.1', r));
    const port = (spare.address() as AddressInfo).port;
    await new Promise((r) => spare.close(r));
    const closed = await new Upstream(`http://127.0.0.1:${port}`).get('/metrics');
    expect(closed).toMatchObject({ ok: false, error: expect.stringContaining('ECONNREFUSED') });
    const started = Date.now();
    const silent = await new Upstream(base, 100).get('/hang');
    expect(silent.ok).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
