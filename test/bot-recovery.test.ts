import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { botBacklog } from '@tickflow/bot';
import { Bus, decode, freePort, readStream } from '@tickflow/bus';
import type { Decision, Fill, Tick } from '@tickflow/core';
import { eodSpec, runEod } from '@tickflow/eod';
import { feedSpec, startFeed } from '@tickflow/feed';
import { DEFAULT_EXECUTION, simulateExecution, type TapeTick } from '@tickflow/paper';
import { createLogger, resolveConfig } from '@tickflow/runtime';
import { signalsSpec, startSignals } from '@tickflow/signals';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signalsBacklog, startTestNats, type TestNats, waitFor } from './nats-harness.ts';

const BIN = fileURLToPath(new URL('../services/cli/bin/tickflow.mjs', import.meta.url));
const DATE = '2026-06-01';
const silent = createLogger('test', 'silent');
/** The richest execution model: latency, slippage, impact, partial fills, minimum fee. */
const MODEL_FLAGS = [
  '--latency-ms',
  '3',
  '--slippage-bps',
  '1.5',
  '--impact-bps',
  '4',
  '--partial-fills',
  '--min-fee',
  '0.01',
];
const MODEL = {
  ...DEFAULT_EXECUTION,
  latencyMs: 3,
  slippageBps: '1.5',
  impactBps: '4',
  partialFills: true,
  minFee: '0.01',
};

describe('bot killed with SIGKILL mid-stream and restarted', () => {
  let nats: TestNats;
  let bus: Bus;
  let port: number;
  const children: ChildProcess[] = [];
  const bot = () => {
    const c = spawn(
      process.execPath,
      [BIN, 'bot', '--port', String(port), '--log-level', 'warn', ...MODEL_FLAGS],
      {
        env: { PATH: process.env.PATH ?? '', NATS_URL: nats.url },
        stdio: 'ignore',
      },
    );
    children.push(c);
    return c;
  };
  const healthy = () =>
    waitFor(
      'bot healthy',
      async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.ok === true,
      20_000,
    );

  beforeAll(async () => {
    nats = await startTestNats();
    port = await freePort();
    const env = { NATS_URL: nats.url };
    const signals = await startSignals(resolveConfig(signalsSpec, { port: '0' }, env), silent);
    const first = bot();
    await healthy();
    const feed = await startFeed(
      resolveConfig(
        feedSpec,
        {
          port: '0',
          count: '40000',
          rate: '20000',
          symbols: '4',
          start: `${DATE}T14:00:00Z`,
          timeScale: '100',
        },
        env,
      ),
      silent,
    );
    await new Promise((r) => setTimeout(r, 1000));
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    bot();
    await healthy();
    await feed.done;
    await feed.close();
    bus = await Bus.connect({ url: nats.url, name: 'bot-recovery' });
    await waitFor(
      'everything handled',
      async () => (await signalsBacklog(signals.port)) + (await botBacklog(bus, port)) === 0,
      30_000,
    );
    await signals.close();
    await waitFor('bot drained', async () => (await botBacklog(bus, port)) === 0);
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await bus?.drain();
    await nats?.stop();
  });

  it('makes exactly the fills (latency, slippage, partial fills) the batch layer recomputes from decisions and ticks, once each', async () => {
    const decisions: Decision[] = [];
    const fills: Fill[] = [];
    const tape = new Map<string, TapeTick[]>();
    await readStream(bus.js, bus.jsm, 'DECISIONS', (m) => decisions.push(decode(m.data) as Decision));
    await readStream(bus.js, bus.jsm, 'FILLS', (m) => fills.push(decode(m.data) as Fill));
    await readStream(bus.js, bus.jsm, 'TICKS', (m) => {
      const t = decode(m.data) as Tick;
      const key = `${t.venue}:${t.symbol}`;
      tape.set(key, [...(tape.get(key) ?? []), { seq: t.seq, ts: t.ts, price: t.price, size: t.size }]);
    });
    const batch = simulateExecution(decisions, (v, s) => tape.get(`${v}:${s}`) ?? [], MODEL);
    expect(decisions.length).toBeGreaterThan(100);
    expect(new Set(fills.map((f) => f.id)).size).toBe(fills.length);
    const byId = (a: Fill, b: Fill) => a.id.localeCompare(b.id);
    expect([...fills].sort(byId)).toEqual([...batch.fills].sort(byId));
    // Every decision is filled but those on a symbol's last ticks, still waiting for a next one.
    expect(batch.open.size).toBeLessThanOrEqual(4);
    expect(new Set(fills.map((f) => f.decisionId)).size + batch.open.size).toBe(decisions.length);
    expect(fills.length).toBeGreaterThan(decisions.length); // partial fills happened
  });

  it('reports after the restart the P&L and, with its snapshot, exactly the fills the batch layer computes', async () => {
    const pnl = (await (await fetch(`http://127.0.0.1:${port}/v1/pnl`)).json()) as {
      net: string;
      fills: number;
    };
    const config = resolveConfig(
      eodSpec,
      { date: DATE, db: join(nats.dir, 'b.duckdb'), reportsDir: join(nats.dir, 'r') },
      { NATS_URL: nats.url },
    );
    // A graceful stop stores the session snapshot, with the execution model, for the eod.
    const last = children[children.length - 1];
    last?.kill('SIGTERM');
    await new Promise((r) => last?.once('exit', r));
    const { report } = await runEod(config, silent);
    expect(pnl.fills).toBe(report.load.fills);
    // Both are rounded once to 8 places from the exact value: the strings are equal.
    expect(report.pnl.total).toBe(pnl.net);
    const f = report.reconciliation.fills;
    expect(f.model).toBe('snapshot');
    expect(f.execution).toEqual(MODEL);
    expect([f.matched, f.missing, f.extra, f.differing]).toEqual([f.speed, 0, 0, 0]);
    expect(f.snapshot).toEqual({ positionsEqual: true, detail: [] });
  });
});
