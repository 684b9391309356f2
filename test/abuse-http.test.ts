import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort } from '@tickflow/bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNats, type TestNats, waitFor } from './nats-harness.ts';
import { exitCode, spawnTickflow, type TickflowProcess } from './tickflow-process.ts';

/**
 * The abuse suite over HTTP (docs/SECURITY.md): real signals, bot and `eod serve` processes with a
 * tokens file, asked what an attacker or a careless script would ask. Every request gets its
 * status, no process dies, no file outside the reports is served, and memory stays in budget.
 * The WebSocket side is test/abuse-ws.test.ts; forged publishes are test/nats-permissions.test.ts.
 */

const READ = 'abuse-read-token-0123456789';
const TRADE = 'abuse-trade-token-0123456789';
/** RSS a service may add over the whole battery, floods included. */
const RSS_BUDGET_MIB = 64;

interface Service {
  name: string;
  port: number;
  proc: TickflowProcess;
  rssStartKiB: number;
}

const rssKiB = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? Number.NaN);

async function call(
  port: number,
  path: string,
  init: { method?: string; token?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; text: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...init.headers,
    },
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
  return { status: res.status, text: await res.text() };
}

/** Sends raw bytes (what fetch refuses to send) and returns the status line's code. */
function rawStatus(port: number, request: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(request));
    let data = '';
    socket.on('data', (d) => (data += d.toString()));
    const status = () => Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0);
    socket.on('end', () => resolve(status()));
    // The server may answer and reset before it has read everything sent: the answer counts.
    socket.on('error', (err) => (data ? resolve(status()) : reject(err)));
  });
}

describe('HTTP abuse against real services with tokens', () => {
  let nats: TestNats;
  const services: Service[] = [];
  const by = (name: string) => services.find((s) => s.name === name) as Service;

  beforeAll(async () => {
    nats = await startTestNats();
    const tokens = join(nats.dir, 'tokens');
    writeFileSync(tokens, `${READ} read reader\n${TRADE} read,trade trader\n`);
    const reports = join(nats.dir, 'reports');
    mkdirSync(join(reports, '2026-06-01'), { recursive: true });
    writeFileSync(join(reports, '2026-06-01', 'report.html'), '<html><body>report</body></html>');
    // Not a v1 report (a truncated or hand-edited file): listed as unreadable, never a 500.
    writeFileSync(join(reports, '2026-06-01', 'report.json'), '{}');
    // A secret beside the reports: a traversal that reached it would show this text.
    writeFileSync(join(nats.dir, 'secret.txt'), 'TOP-SECRET');
    const env = { NATS_URL: nats.url, TICKFLOW_TOKENS_FILE: tokens, TICKFLOW_DATA_DIR: nats.dir };
    for (const [name, args] of [
      ['signals', ['signals', '--reports-dir', reports]],
      ['bot', ['bot', '--rate-limit-loopback', '600']],
      ['eod', ['eod', 'serve', '--reports-dir', reports]],
    ] as const) {
      const port = await freePort();
      const proc = spawnTickflow([...args, '--port', String(port)], env, { capture: true });
      services.push({ name, port, proc, rssStartKiB: 0 });
    }
    for (const s of services) {
      await waitFor(
        `${s.name} listening`,
        async () => {
          if (s.proc.child.exitCode !== null) throw new Error(`${s.name} exited:\n${s.proc.output()}`);
          return (await call(s.port, '/healthz').catch(() => ({ status: 0 }))).status === 200;
        },
        30_000,
      );
      s.rssStartKiB = rssKiB(s.proc.child.pid as number);
    }
  }, 60_000);

  afterAll(async () => {
    for (const s of services) s.proc.child.kill('SIGKILL');
    await nats?.stop();
  });

  it('answers 401 without a token or with a wrong one, 403 under-scoped, on every service', async () => {
    for (const [name, path] of [
      ['signals', '/v1/symbols'],
      ['bot', '/v1/positions'],
      ['eod', '/v1/reports'],
    ] as const) {
      const { port } = by(name);
      expect((await call(port, path)).status, name).toBe(401);
      expect((await call(port, path, { token: 'nope' })).status, name).toBe(401);
      expect((await call(port, path, { token: `${READ}x` })).status, name).toBe(401);
      expect((await call(port, path, { token: READ })).status, name).toBe(200);
    }
    const bot = by('bot').port;
    expect((await call(bot, '/v1/halt', { method: 'POST', token: READ, body: '{}' })).status).toBe(403);
    expect((await call(bot, '/v1/halt', { method: 'POST', token: TRADE, body: '{}' })).status).toBe(200);
    expect((await call(bot, '/v1/resume', { method: 'POST', token: TRADE, body: '{}' })).status).toBe(200);
  });

  it('refuses an unauthenticated POST before reading its body: 401, not 400 or 413', async () => {
    const bot = by('bot').port;
    expect((await call(bot, '/v1/halt', { method: 'POST' })).status).toBe(401);
    expect((await call(bot, '/v1/halt', { method: 'POST', body: '{bad json' })).status).toBe(401);
    expect((await call(bot, '/v1/halt', { method: 'POST', body: 'x'.repeat(2_000_000) })).status).toBe(401);
  });

  it('answers unknown routes 401 to strangers and 404 to token holders', async () => {
    for (const s of services) {
      expect((await call(s.port, '/admin/../../etc/passwd')).status, s.name).toBe(401);
      expect((await call(s.port, '/v9/nothing', { token: READ })).status, s.name).toBe(404);
    }
  });

  it('answers malformed and oversized bodies 400 and 413 to a caller with the scope', async () => {
    const bot = by('bot').port;
    expect((await call(bot, '/v1/halt', { method: 'POST', token: TRADE, body: '{bad json' })).status).toBe(
      400,
    );
    const big = JSON.stringify({ reason: 'x'.repeat(200_000) });
    expect((await call(bot, '/v1/halt', { method: 'POST', token: TRADE, body: big })).status).toBe(413);
    const wrongType = { 'content-type': 'application/x-www-form-urlencoded' };
    const r = await call(bot, '/v1/halt', { method: 'POST', token: TRADE, body: 'a=1', headers: wrongType });
    expect(r.status).toBe(415);
  });

  it('never serves a file outside the reports, whatever the path', async () => {
    const { port } = by('signals');
    const eod = by('eod').port;
    for (const path of [
      '/reports/..%2F..%2Fsecret.txt/report.html',
      '/reports/2026-06-01/..%2F..%2Fsecret.txt',
      '/reports/2026-06-01/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/reports/..%5C..%5Csecret.txt/report.html',
      '/reports/2026-06-01/report.html%00.txt',
      '/reports/2026-06-01/..',
    ]) {
      for (const p of [port, eod]) {
        const r = await call(p, path, { token: READ });
        expect([400, 404], `${p} ${path}`).toContain(r.status);
        expect(r.text).not.toContain('TOP-SECRET');
      }
    }
    expect((await call(port, '/reports/2026-06-01/report.html', { token: READ })).status).toBe(200);
    const raw = await rawStatus(
      port,
      `GET /reports/../../secret.txt HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${READ}\r\nConnection: close\r\n\r\n`,
    );
    expect([400, 404]).toContain(raw);
  });

  it('answers garbage query values 400, with the reason', async () => {
    const { port } = by('signals');
    // No ticks yet: an indicator of an unknown symbol is 404 before its names are looked at.
    for (const path of [
      '/v1/indicators/BTC-USD?names=__proto__',
      '/v1/indicators/BTC-USD?names=constructor',
    ]) {
      const r = await call(port, path, { token: READ });
      expect([400, 404], path).toContain(r.status);
    }
    for (const path of [
      '/v1/decisions?limit=-1',
      '/v1/decisions?limit=abc',
      '/v1/decisions?limit=1e309',
      '/v1/decisions?since=yesterday',
      '/v1/decisions?symbol=..%2F..',
      `/v1/decisions?symbol=${'A'.repeat(5000)}`,
    ]) {
      const r = await call(port, path, { token: READ });
      expect(r.status, path).toBe(400);
      expect(r.text, path).toMatch(/"(error|code|message)"/);
    }
    const eod = by('eod').port;
    expect((await call(eod, '/v1/reports/2026-13-45', { token: READ })).status).toBe(400);
    expect((await call(eod, '/v1/reports?limit=-5', { token: READ })).status).toBe(400);
  });

  it('lists a report.json that is not a report as unreadable (422 on its own), not a 500', async () => {
    const eod = by('eod').port;
    const list = await call(eod, '/v1/reports', { token: READ });
    expect(list.status).toBe(200);
    expect(JSON.parse(list.text)).toMatchObject({
      reports: [],
      unreadable: [{ date: '2026-06-01', error: expect.stringMatching(/not a tickflow v1 report/) }],
    });
    const one = await call(eod, '/v1/reports/2026-06-01', { token: READ });
    expect([one.status, JSON.parse(one.text).error]).toEqual([422, 'REPORT_UNREADABLE']);
  });

  it('answers a header block beyond the limit 431 and a broken request line 400', async () => {
    const { port } = by('signals');
    const huge = `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Junk: ${'a'.repeat(20_000)}\r\nConnection: close\r\n\r\n`;
    expect(await rawStatus(port, huge)).toBe(431);
    expect(await rawStatus(port, 'NONSENSE\r\n\r\n')).toBe(400);
  });

  it('rate-limits a flood with 429, answers every request, and stays up within its memory budget', async () => {
    const bot = by('bot');
    const statuses = new Map<number, number>();
    let next = 0;
    const total = 3000;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < total) {
          next++;
          const { status } = await call(bot.port, '/v1/positions', { token: READ });
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        }
      }),
    );
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(total);
    expect(statuses.get(200)).toBeGreaterThan(0);
    expect(statuses.get(429)).toBeGreaterThan(0);
    expect([...statuses.keys()].every((s) => s === 200 || s === 429)).toBe(true);
    for (const s of services) {
      expect(s.proc.child.exitCode, `${s.name}:\n${s.proc.output()}`).toBeNull();
      const grownMiB = (rssKiB(s.proc.child.pid as number) - s.rssStartKiB) / 1024;
      expect(grownMiB, s.name).toBeLessThan(RSS_BUDGET_MIB);
    }
  });

  it('stopped cleanly by SIGTERM after the battery, none having crashed', async () => {
    for (const s of services) {
      expect(s.proc.output(), s.name).not.toMatch(/unhandled|uncaught|TypeError|stopped by an error/i);
      s.proc.child.kill('SIGTERM');
      expect(await exitCode(s.proc.child), s.name).toBe(0);
    }
  });
});
