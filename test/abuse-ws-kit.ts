import { readFileSync } from 'node:fs';
import { freePort } from '@tickflow/bus';
import WebSocket from 'ws';
import { waitFor } from './nats-harness.ts';
import { spawnTickflow, type TickflowProcess } from './tickflow-process.ts';

/** A `tickflow signals` process on a free port, healthy; its pid is the one whose RSS is measured. */
export async function signalsProcess(
  natsUrl: string,
  flags: readonly string[] = [],
): Promise<TickflowProcess & { port: number; pid: number }> {
  const port = await freePort();
  const p = spawnTickflow(
    ['signals', '--port', String(port), '--log-level', 'warn', ...flags],
    { NATS_URL: natsUrl },
    { capture: true },
  );
  await waitFor(
    'signals to answer /healthz',
    async () => {
      if (p.child.exitCode !== null) throw new Error(`signals exited ${p.child.exitCode}: ${p.output()}`);
      return (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.status === 200;
    },
    30_000,
    100,
  );
  return { ...p, port, pid: p.child.pid as number };
}

/** Resident set size of a process in MiB, from /proc (Linux). */
export function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) / 1024;
}

/** The sum of a metric's samples in /metrics text, optionally only those with `label="value"`. */
export async function metricSum(port: number, name: string, label?: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (label && !line.includes(label)) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** Opens a /v1/stream socket; resolves once open (or rejects on error before that). */
export function openStream(port: number): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/v1/stream`);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/**
 * A client that subscribes to everything and then never reads (its socket paused): the server's
 * frames pile up in its buffers. `closed` resolves when the server has dropped it.
 */
export async function neverReader(port: number): Promise<{ ws: WebSocket; closed: Promise<void> }> {
  const ws = await openStream(port);
  const closed = new Promise<void>((r) => ws.once('close', () => r()));
  ws.on('error', () => {});
  ws.send(JSON.stringify({ subscribe: '*' }));
  ws.pause();
  return { ws, closed };
}

/**
 * A client that subscribes to `count` made-up (well-formed) symbols, `perFrame` per frame, reading
 * what it is sent; resolves with the error frames it got once every frame is sent and answered.
 */
export async function junkSubscriber(
  port: number,
  count: number,
  perFrame: number,
  prefix: string,
): Promise<{ ws: WebSocket; errors: number }> {
  const ws = await openStream(port);
  let errors = 0;
  ws.on('message', (d) => {
    if ((JSON.parse(d.toString()) as { type: string }).type === 'error') errors++;
  });
  ws.on('error', () => {});
  for (let i = 0; i < count; i += perFrame) {
    const symbols = Array.from({ length: Math.min(perFrame, count - i) }, (_, k) => `${prefix}${i + k}-USD`);
    ws.send(JSON.stringify({ subscribe: symbols }));
    // Let the socket drain now and then: the client's own buffer is not what is measured.
    if (ws.bufferedAmount > 1 << 20) await new Promise((r) => setTimeout(r, 5));
  }
  await new Promise<void>((resolve) => ws.send('{"subscribe":[]}', () => resolve()));
  return { ws, errors };
}
