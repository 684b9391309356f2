import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Bus, freePort } from '@tickflow/bus';
import { feedSpec, startFeed } from '@tickflow/feed';
import { createLogger, resolveConfig } from '@tickflow/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signalsBacklog, startTestNats, type TestNats, waitFor } from './nats-harness.ts';

const BIN = fileURLToPath(new URL('../services/cli/bin/tickflow.mjs', import.meta.url));
const N = 200_000;
const SECOND = '2026-03-03T16:00:00Z';
const silent = createLogger('test', 'silent');

interface View {
  symbol: string;
  lastSeq: number;
  indicators: Record<string, number>;
  lastDecision: { id: string } | null;
}

/** Publishes N/2 ticks from `start` (a second call continues each symbol's seq). */
async function fill(url: string, start: string): Promise<void> {
  const feed = await startFeed(
    resolveConfig(
      feedSpec,
      {
        port: '0',
        count: String(N / 2),
        pace: 'afap',
        symbols: '5',
        seed: '9',
        start,
        timeScale: '100',
        spikePct: '0',
      },
      { NATS_URL: url },
    ),
    silent,
  );
  await feed.done;
  await feed.close();
}

function signalsProcess(url: string, port: number): ChildProcess {
  return spawn(
    process.execPath,
    [BIN, 'signals', '--port', String(port), '--checkpoint-ms', '100', '--log-level', 'warn'],
    {
      env: { PATH: process.env.PATH ?? '', NATS_URL: url },
      stdio: 'ignore',
    },
  );
}

async function caughtUp(port: number): Promise<void> {
  await waitFor('signals to catch up', async () => (await signalsBacklog(port).catch(() => 1)) === 0, 60_000);
}

const views = async (port: number) =>
  ((await (await fetch(`http://127.0.0.1:${port}/v1/signals`)).json()) as { signals: View[] }).signals.map(
    (v) => ({
      symbol: v.symbol,
      lastSeq: v.lastSeq,
      indicators: v.indicators,
      lastDecision: v.lastDecision?.id ?? null,
    }),
  );

describe('signals recovery: checkpoint + replay after kill -9', () => {
  let straight: TestNats;
  let killed: TestNats;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    straight = await startTestNats();
    killed = await startTestNats();
    const first = '2026-03-03T14:00:00Z';
    await Promise.all([fill(straight.url, first), fill(killed.url, first)]);
    await fill(straight.url, SECOND);
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await straight?.stop();
    await killed?.stop();
  });

  it('ends in the same state, with the same decisions exactly once, as an uninterrupted run', async () => {
    const p1 = await freePort();
    const a = signalsProcess(straight.url, p1);
    children.push(a);
    await caughtUp(p1);
    const expected = await views(p1);

    const p2 = await freePort();
    const b = signalsProcess(killed.url, p2);
    children.push(b);
    // Kill it once a checkpoint is stored and ticks are still left: the restart must restore and
    // replay. (Polling the checkpoint, not the backlog: signals may pass half the stream before
    // its first checkpoint is stored.)
    const kv = await Bus.connect({ url: killed.url, name: 'kv' });
    const checkpoint = () =>
      kv.objectGet<{ streamSeq: number }>('tickflow_checkpoints', 'signals.signals').catch(() => undefined);
    await waitFor('a checkpoint mid-stream', async () => ((await checkpoint())?.streamSeq ?? 0) > 0, 60_000);
    b.kill('SIGKILL');
    await new Promise((r) => b.once('exit', r));
    const cp = await checkpoint();
    await kv.drain();
    expect(cp?.streamSeq).toBeGreaterThan(0);
    // The second half is published only now, so however fast signals ran (the whole first half
    // before its first checkpoint, on a loaded machine), the restart has ticks to replay and more.
    await fill(killed.url, SECOND);
    const c = signalsProcess(killed.url, p2);
    children.push(c);
    await caughtUp(p2);
    expect(await views(p2)).toEqual(expected);

    const count = async (url: string) => {
      const bus = await Bus.connect({ url, name: 'count' });
      // Give the last decisions time to be confirmed into the stream.
      await new Promise((r) => setTimeout(r, 300));
      const n = (await bus.jsm.streams.info('DECISIONS')).state.messages;
      await bus.drain();
      return n;
    };
    const decisions = await count(straight.url);
    expect(decisions).toBeGreaterThan(1000);
    expect(await count(killed.url)).toBe(decisions);
  });
});
