import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import websocket from '@fastify/websocket';
import {
  createHttpApp,
  createRegistry,
  defaultHttpSecurity,
  type HttpApp,
  type HttpSecurity,
  listen,
  parseTokens,
} from '@tickflow/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

const READ = 'read-token-0123456789abcdef';
const security = (more: Partial<HttpSecurity> = {}): HttpSecurity => ({
  ...defaultHttpSecurity(),
  tokens: parseTokens(`${READ} read dashboard\n`, 'test'),
  readsNeedToken: true,
  corsOrigins: ['https://ops.example'],
  ...more,
});

/** A service-like app with an echo WebSocket at /v1/stream, listening on a real port. */
async function serve(s: HttpSecurity): Promise<{ app: HttpApp; port: number }> {
  const app = createHttpApp({
    registry: createRegistry('test'),
    health: () => ({ status: 'ok', checks: {} }),
    security: s,
  });
  await app.register(websocket);
  app.get('/v1/stream', { websocket: true }, (socket) => {
    socket.on('message', (data) => socket.send(`echo ${data.toString()}`));
  });
  return { app, port: await listen(app, '127.0.0.1', 0) };
}

/** Opens a WebSocket and says how it went: `open <protocol>` after an echo, or the HTTP status refused. */
function attempt(
  url: string,
  opts: { protocols?: string[]; headers?: Record<string, string>; ca?: Buffer } = {},
) {
  return new Promise<string>((resolve) => {
    const ws = new WebSocket(url, opts.protocols ?? [], {
      headers: opts.headers ?? {},
      ...(opts.ca ? { ca: opts.ca } : {}),
    });
    ws.on('open', () => ws.send('ping'));
    ws.on('message', (m) => {
      resolve(`open ${ws.protocol || '-'} ${m.toString()}`);
      ws.close();
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(`refused ${res.statusCode}`);
      res.resume();
    });
    ws.on('error', (err) => resolve(`error ${err.message}`));
  });
}

describe('WebSocket upgrades on a listening service', () => {
  let app: HttpApp;
  let base: string;
  beforeAll(async () => {
    const s = await serve(security());
    app = s.app;
    base = `ws://127.0.0.1:${s.port}/v1/stream`;
  });
  afterAll(() => app.close());

  it('refuses an upgrade without a token or with a wrong one with 401', async () => {
    expect(await attempt(base)).toBe('refused 401');
    expect(await attempt(base, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).toBe(
      'refused 401',
    );
  });

  it('upgrades with the token in the Authorization header, ?access_token= or a bearer.<token> subprotocol', async () => {
    expect(await attempt(base, { headers: { authorization: `Bearer ${READ}` } })).toBe('open - echo ping');
    expect(await attempt(`${base}?access_token=${READ}`)).toBe('open - echo ping');
    // A browser offers `tickflow` first: that one is echoed, never the token.
    expect(await attempt(base, { protocols: ['tickflow', `bearer.${READ}`] })).toBe(
      'open tickflow echo ping',
    );
  });

  it('refuses a foreign Origin with 403 even with a token, and accepts its own and allow-listed ones', async () => {
    const auth = { authorization: `Bearer ${READ}` };
    expect(await attempt(base, { headers: { ...auth, origin: 'https://evil.example' } })).toBe('refused 403');
    expect(await attempt(base, { headers: { ...auth, origin: 'null' } })).toBe('refused 403');
    const own = new URL(base).host;
    expect(await attempt(base, { headers: { ...auth, origin: `http://${own}` } })).toBe('open - echo ping');
    expect(await attempt(base, { headers: { ...auth, origin: 'https://ops.example' } })).toBe(
      'open - echo ping',
    );
  });

  it('checks the Origin without tokens too (a web page cannot reach a loopback service)', async () => {
    const open = await serve(defaultHttpSecurity());
    try {
      const url = `ws://127.0.0.1:${open.port}/v1/stream`;
      expect(await attempt(url)).toBe('open - echo ping');
      expect(await attempt(url, { headers: { origin: 'https://evil.example' } })).toBe('refused 403');
    } finally {
      await open.app.close();
    }
  });
});

describe('HTTPS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tickflow-tls-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves HTTPS and WSS with --tls-cert/--tls-key, with HSTS', async () => {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    const cert = readFileSync(join(dir, 'cert.pem'));
    const { app, port } = await serve(security({ https: { cert, key: readFileSync(join(dir, 'key.pem')) } }));
    try {
      const res = await new Promise<{ status: number; hsts: unknown; body: string }>((resolve, reject) => {
        request(`https://127.0.0.1:${port}/healthz`, { ca: cert }, (r) => {
          let body = '';
          r.on('data', (c) => (body += c));
          r.on('end', () =>
            resolve({ status: r.statusCode ?? 0, hsts: r.headers['strict-transport-security'], body }),
          );
        })
          .on('error', reject)
          .end();
      });
      expect(res.status).toBe(200);
      expect(res.hsts).toMatch(/max-age=/);
      expect(
        await attempt(`wss://127.0.0.1:${port}/v1/stream`, {
          ca: cert,
          headers: { authorization: `Bearer ${READ}` },
        }),
      ).toBe('open - echo ping');
    } finally {
      await app.close();
    }
  });
});
