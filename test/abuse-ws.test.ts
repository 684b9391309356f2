import { freePort } from '@tickflow/bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import {
  junkSubscriber,
  metricSum,
  neverReader,
  openStream,
  rssMiB,
  signalsProcess,
} from './abuse-ws-kit.ts';
import { startTestNats, type TestNats, waitFor } from './nats-harness.ts';
import { spawnTickflow, type TickflowProcess } from './tickflow-process.ts';

/**
 * Signals' /v1/stream against bad and hostile clients, on a real signals process (its RSS is
 * what is measured) fed by a real feed at 5,000 ticks/s: junk frames get error frames and never
 * kill the process; subscriptions, connections and unsent bytes are capped, so 300 never-reading
 * clients and 10 clients trying 100,000 subscriptions each stay within a stated memory budget.
 */

/** Stated budget (docs/ARCHITECTURE.md): at the defaults /v1/stream adds at most this to RSS. */
const RSS_BUDGET_MIB = 100;

type Frame = { type: string; code?: string; message?: string };

describe('signals /v1/stream limits', () => {
  let nats: TestNats;
  let signals: Awaited<ReturnType<typeof signalsProcess>>;
  let feed: TickflowProcess;
  const open: WebSocket[] = [];

  beforeAll(async () => {
    nats = await startTestNats();
    signals = await signalsProcess(nats.url);
    feed = spawnTickflow(
      [
        'feed',
        '--port',
        String(await freePort()),
        '--rate',
        '5000',
        '--symbols',
        '50',
        '--log-level',
        'warn',
      ],
      { NATS_URL: nats.url },
    );
    await waitFor('ticks to reach signals', async () => {
      const res = await fetch(`http://127.0.0.1:${signals.port}/v1/symbols`);
      return ((await res.json()) as { symbols: string[] }).symbols.length === 50;
    });
  });
  afterAll(async () => {
    for (const ws of open) ws.terminate();
    feed?.child.kill('SIGTERM');
    signals?.child.kill('SIGTERM');
    await Promise.all(
      [feed, signals].map(
        (p) => p && new Promise((r) => (p.child.exitCode !== null ? r(0) : p.child.once('exit', r))),
      ),
    );
    await nats?.stop();
  });

  const alive = async () =>
    signals.child.exitCode === null &&
    (await fetch(`http://127.0.0.1:${signals.port}/healthz`)).status === 200;

  it('answers junk frames with BAD_MESSAGE error frames, keeps the connection usable and stays up', async () => {
    const ws = await openStream(signals.port);
    open.push(ws);
    const frames: Frame[] = [];
    ws.on('message', (d) => frames.push(JSON.parse(d.toString()) as Frame));
    const junk = ['null', '42', '[]', '[1,2]', '"*"', 'not json', '{"subscribe":["btc usd"]}', '{"x":1}'];
    for (const j of junk) ws.send(j);
    ws.send(Buffer.from([0xff, 0x00, 0x13]), { binary: true });
    await waitFor('an error frame per junk frame', () => frames.length >= junk.length + 1, 5000);
    expect(frames.every((f) => f.type === 'error' && f.code === 'BAD_MESSAGE')).toBe(true);
    ws.send(JSON.stringify({ subscribe: ['BTC-USD'] }));
    await waitFor('a signal after the junk', () => frames.some((f) => f.type === 'signal'), 5000);
    expect(await alive()).toBe(true);
    expect(await metricSum(signals.port, 'tickflow_signals_ws_rejected_total')).toBe(junk.length + 1);
    expect(await metricSum(signals.port, 'tickflow_signals_ws_rejected_total', 'reason="binary"')).toBe(1);
  });

  it('answers a plain GET of /v1/stream with 426 Upgrade Required', async () => {
    const res = await fetch(`http://127.0.0.1:${signals.port}/v1/stream`);
    expect(res.status).toBe(426);
    expect(((await res.json()) as { error: string }).error).toBe('UPGRADE_REQUIRED');
  });

  it('closes a connection that sends a frame over 4 KiB with 1009 and stays up', async () => {
    const ws = await openStream(signals.port);
    ws.on('error', () => {});
    const code = new Promise<number>((r) => ws.once('close', (c) => r(c)));
    ws.send(JSON.stringify({ subscribe: Array.from({ length: 600 }, (_, i) => `X${i}-USD`) }));
    expect(await code).toBe(1009);
    expect(await alive()).toBe(true);
    expect(await metricSum(signals.port, 'tickflow_signals_ws_rejected_total', 'reason="too_large"')).toBe(1);
  });

  it('keeps 300 never-reading clients and 10 subscription floods within its memory budget, dropping the never-readers', async () => {
    const before = rssMiB(signals.pid);
    let peak = before;
    const sample = setInterval(() => {
      peak = Math.max(peak, rssMiB(signals.pid));
    }, 200);
    try {
      // 10 clients × 100,000 made-up symbols, 200 a frame: only the first 256 a client can be held.
      const floods = await Promise.all(
        Array.from({ length: 10 }, (_, i) => junkSubscriber(signals.port, 100_000, 200, `J${i}X`)),
      );
      open.push(...floods.map((f) => f.ws));
      await waitFor(
        'the refused subscriptions to be answered',
        async () =>
          (await metricSum(signals.port, 'tickflow_signals_ws_rejected_total', 'too_many_subscriptions')) >=
          10 * 499,
        15_000,
      );
      // 300 clients subscribed to everything that never read: past the 200-client cap, 1013.
      const readers = [];
      for (let i = 0; i < 300; i++) readers.push(await neverReader(signals.port));
      open.push(...readers.map((r) => r.ws));
      // One more client that does read is told why it is turned away.
      const late = await openStream(signals.port);
      late.on('error', () => {});
      expect(await new Promise<number>((r) => late.once('close', (c) => r(c)))).toBe(1013);
      await waitFor(
        'the never-readers to be dropped as slow',
        async () => (await metricSum(signals.port, 'tickflow_signals_ws_clients')) <= 11,
        25_000,
        250,
      );
    } finally {
      clearInterval(sample);
    }
    const growth = peak - before;
    console.log(
      `signals RSS ${before.toFixed(0)} MiB before, peak ${peak.toFixed(0)} MiB (+${growth.toFixed(1)})`,
    );
    expect(await alive()).toBe(true);
    expect(growth).toBeLessThan(RSS_BUDGET_MIB);
    const closed = (reason: string) =>
      metricSum(signals.port, 'tickflow_signals_ws_closed_total', `reason="${reason}"`);
    // 10 floods + 1 from the first test hold connections: 189 readers get in, 111 (+1 late) do not.
    expect(await closed('too_many_clients')).toBe(112);
    expect(await closed('slow')).toBe(189);
  }, 60_000);
});
