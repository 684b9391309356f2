import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { botBacklog } from '@tickflow/bot';
import { Bus, decode, freePort, readStream } from '@tickflow/bus';
import type { Decision, Fill, Tick } from '@tickflow/core';
import { feedSpec, startFeed } from '@tickflow/feed';
import { DEFAULT_EXECUTION, simulateExecution, type TapeTick } from '@tickflow/paper';
import { createLogger, resolveConfig } from '@tickflow/runtime';
import { signalsSpec, startSignals } from '@tickflow/signals';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signalsBacklog, startTestNats, type TestNats, waitFor } from './nats-harness.ts';

const BIN = fileURLToPath(new URL('../services/cli/bin/tickflow.mjs', import.meta.url));
const silent = createLogger('test', 'silent');
const SYMBOLS = 6;
const MODEL_FLAGS = ['--latency-ms', '2', '--slippage-bps', '1', '--partial-fills', '--tape-ticks', '64'];
const MODEL = { ...DEFAULT_EXECUTION, latencyMs: 2, slippageBps: '1', partialFills: true };

/**
 * The bot killed with SIGKILL again and again while the feed runs at 5,000 ticks/s over several
 * symbols, each time with orders pending, and restarted at once while the broker stutters (stopped
 * 1.3 s in every 1.6 s): its rebuild and its tape read the stream back under load (a small tape
 * forces read-backs), and its fills must still be exactly the batch recomputation's.
 */
describe('bot killed with SIGKILL under load, several times, and restarted', () => {
  let nats: TestNats;
  let bus: Bus;
  let port: number;
  const children: ChildProcess[] = [];
  const bot = () => {
    const c = spawn(
      process.execPath,
      [BIN, 'bot', '--port', String(port), '--log-level', 'warn', ...MODEL_FLAGS],
      { env: { PATH: process.env.PATH ?? '', NATS_URL: nats.url }, stdio: 'ignore' },
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
  let kills = 0;

  beforeAll(async () => {
    nats = await startTestNats();
    port = await freePort();
    const env = { NATS_URL: nats.url };
    const signals = await startSignals(resolveConfig(signalsSpec, { port: '0' }, env), silent);
    let running = bot();
    await healthy();
    const feed = await startFeed(
      resolveConfig(
        feedSpec,
        {
          port: '0',
          count: '120000',
          rate: '5000',
          symbols: String(SYMBOLS),
          start: '2026-06-02T14:00:00Z',
          timeScale: '50',
        },
        env,
      ),
      silent,
    );
    let fed = false;
    void feed.done.then(() => {
      fed = true;
    });
    // Kill 1-2 s after each restart is up, while the feed runs (24 s).
    while (!fed) {
      await new Promise((r) => setTimeout(r, 1000 + Math.random() * 1000));
      if (fed) break;
      running.kill('SIGKILL');
      await new Promise((r) => running.once('exit', r));
      kills++;
      running = bot();
      // A stuttering broker while the new process rebuilds and catches up: its reads back must come
      // out complete however slow the answers (a read that ended at a 1 s fetch timeout fell short).
      let up = false;
      const stutter = (async () => {
        while (!up) {
          nats.server.process.kill('SIGSTOP');
          await new Promise((r) => setTimeout(r, 1300));
          nats.server.process.kill('SIGCONT');
          await new Promise((r) => setTimeout(r, 300));
        }
      })();
      await healthy();
      await new Promise((r) => setTimeout(r, 1000));
      up = true;
      await stutter;
    }
    await feed.close();
    bus = await Bus.connect({ url: nats.url, name: 'bot-kill-load' });
    await waitFor(
      'everything handled',
      async () => (await signalsBacklog(signals.port)) + (await botBacklog(bus, port)) === 0,
      60_000,
    );
    await signals.close();
    await waitFor('bot drained', async () => (await botBacklog(bus, port)) === 0);
  }, 180_000);
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await bus?.drain();
    await nats?.stop();
  });

  it('makes exactly the fills the batch layer recomputes from decisions and ticks, once each', async () => {
    const decisions: Decision[] = [];
    const fills: Fill[] = [];
    const tape = new Map<string, TapeTick[]>();
    await readStream(bus.js, bus.jsm, 'DECISIONS', (m) => decisions.push(decode(m.data) as Decision));
    await readStream(bus.js, bus.jsm, 'FILLS', (m) => fills.push(decode(m.data) as Fill));
    await readStream(bus.js, bus.jsm, 'TICKS', (m) => {
      const t = decode(m.data) as Tick;
      const key = `${t.venue}:${t.symbol}`;
      const lane = tape.get(key) ?? [];
      if (lane.length === 0) tape.set(key, lane);
      lane.push({ seq: t.seq, ts: t.ts, price: t.price, size: t.size });
    });
    for (const lane of tape.values()) lane.sort((a, b) => a.seq - b.seq);
    const batch = simulateExecution(decisions, (v, s) => tape.get(`${v}:${s}`) ?? [], MODEL);
    expect(decisions.length).toBeGreaterThan(200);
    expect(new Set(fills.map((f) => f.id)).size).toBe(fills.length);
    const byId = (a: Fill, b: Fill) => a.id.localeCompare(b.id);
    const key = (f: Fill) => `${f.id} ${f.qty} ${f.price} ${f.fee} ${f.ts}`;
    const speed = [...fills].sort(byId).map(key);
    const exact = [...batch.fills].sort(byId).map(key);
    const [inSpeed, inExact] = [new Set(speed), new Set(exact)];
    // The differences, not two long lists: what the bot made that the batch does not, and back.
    expect(speed.filter((f) => !inExact.has(f))).toEqual([]);
    expect(exact.filter((f) => !inSpeed.has(f))).toEqual([]);
    expect(fills.length).toBeGreaterThan(decisions.length / 2);
    expect(kills).toBeGreaterThanOrEqual(2);
  });
});
