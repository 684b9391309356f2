/**
 * REST throughput of GET /v1/signals/:symbol (autocannon, 10 connections) next to a bare node:http
 * server answering the same body, both as separate processes; and signals' RSS with 5,000 symbols.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startNatsServer } from '@tickflow/bus';
import autocannon from 'autocannon';

const BIN = fileURLToPath(new URL('../services/cli/bin/tickflow.mjs', import.meta.url));
const SECONDS = Number(process.env.BENCH_REST_SECONDS ?? 8);

function run(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: 'ignore' });
}

async function waitHttp(url: string, ok: (body: string) => boolean, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      const body = await res.text();
      if (res.ok && ok(body)) return body;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${url}`);
}

async function hammer(url: string): Promise<number> {
  const result = await autocannon({ url, connections: 10, duration: SECONDS });
  return result.requests.average;
}

async function feed(url: string, symbols: number, count: number): Promise<void> {
  const p = run(
    [
      BIN,
      'feed',
      '--port',
      '0',
      '--pace',
      'afap',
      '--symbols',
      String(symbols),
      '--count',
      String(count),
      '--start',
      '2026-01-05T14:30:00Z',
      '--time-scale',
      '100',
      '--log-level',
      'warn',
    ],
    { NATS_URL: url },
  );
  await new Promise((r) => p.once('exit', r));
}

export async function measureRest(): Promise<{ signals: number; raw: number; rss5000: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'tickflow-rest-'));
  const server = await startNatsServer({ storeDir: join(dir, 'nats') });
  const children: ChildProcess[] = [];
  try {
    await feed(server.url, 5000, 200_000);
    const port = await freePort();
    children.push(
      run([BIN, 'signals', '--port', String(port), '--log-level', 'warn'], { NATS_URL: server.url }),
    );
    await waitHttp(`http://127.0.0.1:${port}/readyz`, (b) => JSON.parse(b).backlog === 0);
    const metrics = await waitHttp(`http://127.0.0.1:${port}/metrics`, () => true);
    const rss = Number(/tickflow_process_resident_memory_bytes\{[^}]*\} (\d+)/.exec(metrics)?.[1] ?? 0);
    const path = '/v1/signals/BTC-USD';
    const body = await waitHttp(`http://127.0.0.1:${port}${path}`, () => true);
    const signals = await hammer(`http://127.0.0.1:${port}${path}`);
    const rawPort = await freePort();
    const raw = run(
      [
        '-e',
        `require('node:http').createServer((q, s) => { s.writeHead(200, {'content-type': 'application/json'}); s.end(${JSON.stringify(body)}); }).listen(${rawPort}, '127.0.0.1')`,
      ],
      {},
    );
    children.push(raw);
    await waitHttp(`http://127.0.0.1:${rawPort}/`, () => true);
    const rawRate = await hammer(`http://127.0.0.1:${rawPort}/`);
    return { signals, raw: rawRate, rss5000: rss / 2 ** 20 };
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await measureRest());
