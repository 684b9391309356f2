import { Bus, decode, readStream } from '@tickflow/bus';
import { partitionOf, type Tick } from '@tickflow/core';
import { feedSpec, startFeed } from '@tickflow/feed';
import { createLogger, resolveConfig } from '@tickflow/runtime';
import { signalsSpec, startSignals } from '@tickflow/signals';
import { replayDecisions, SmaCross } from '@tickflow/strategy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNats, type TestNats, waitFor } from './nats-harness.ts';

const silent = createLogger('test', 'silent');
const N = 20_000;

describe('two signals instances split the symbols by partition', () => {
  let nats: TestNats;
  let bus: Bus;
  const instances: Awaited<ReturnType<typeof startSignals>>[] = [];

  beforeAll(async () => {
    nats = await startTestNats();
    const env = { NATS_URL: nats.url };
    const feed = await startFeed(
      resolveConfig(
        feedSpec,
        {
          port: '0',
          count: String(N),
          pace: 'afap',
          symbols: '20',
          partitions: '2',
          start: '2026-04-01T14:00:00Z',
          timeScale: '100',
          spikePct: '0',
        },
        env,
      ),
      silent,
    );
    await feed.done;
    await feed.close();
    for (const i of [0, 1]) {
      instances.push(
        await startSignals(
          resolveConfig(signalsSpec, { port: '0', partition: `${i}/2`, durable: `p${i}` }, env),
          silent,
        ),
      );
    }
    bus = await Bus.connect({ url: nats.url, name: 'partition-test' });
    await waitFor(
      'both to catch up',
      () => instances.reduce((n, s) => n + s.service.received, 0) >= N,
      30_000,
    );
    for (const s of instances) await s.close();
  });
  afterAll(async () => {
    await bus?.drain();
    await nats?.stop();
  });

  it('processes every symbol exactly once across the two instances', () => {
    const [a, b] = instances.map((s) => s.service.symbols());
    expect(a?.length).toBeGreaterThan(0);
    expect(b?.length).toBeGreaterThan(0);
    expect(a?.filter((s) => b?.includes(s))).toEqual([]);
    expect([...(a ?? []), ...(b ?? [])].sort()).toHaveLength(20);
    for (const s of a ?? []) expect(partitionOf('synth', s, 2)).toBe(0);
  });

  it('delivers each instance only its partition’s ticks (the feed publishes them partitioned)', () => {
    const [a, b] = instances.map((s) => s.service);
    expect(a?.skippedOtherPartitions).toBe(0);
    expect(b?.skippedOtherPartitions).toBe(0);
    expect(a?.received).toBeGreaterThan(0);
    expect(b?.received).toBeGreaterThan(0);
    expect((a?.received ?? 0) + (b?.received ?? 0)).toBe(N);
  });

  it('stores exactly the decisions a single batch recomputation makes', async () => {
    const ticks: Tick[] = [];
    await readStream(bus.js, bus.jsm, 'TICKS', (m) => ticks.push(decode(m.data) as Tick));
    const batch = replayDecisions(ticks, (v, s) => new SmaCross(v, s, { fast: 10, slow: 30, qty: '1' }));
    const ids: string[] = [];
    await readStream(bus.js, bus.jsm, 'DECISIONS', (m) => ids.push((decode(m.data) as { id: string }).id));
    expect(ids.sort()).toEqual(batch.map((d) => d.id).sort());
  });

  it('continues each partition from its checkpoint after a restart: no gap, no tick applied twice', async () => {
    const env = { NATS_URL: nats.url };
    const again: Awaited<ReturnType<typeof startSignals>>[] = [];
    try {
      for (const i of [0, 1])
        again.push(
          await startSignals(
            resolveConfig(signalsSpec, { port: '0', partition: `${i}/2`, durable: `p${i}` }, env),
            silent,
          ),
        );
      const more = 4000;
      const feed = await startFeed(
        resolveConfig(
          feedSpec,
          {
            port: '0',
            count: String(more),
            pace: 'afap',
            symbols: '20',
            partitions: '2',
            start: '2026-04-01T15:00:00Z',
            timeScale: '100',
            spikePct: '0',
          },
          env,
        ),
        silent,
      );
      await feed.done;
      await feed.close();
      await waitFor('the new ticks', () => again.reduce((n, s) => n + s.service.consumed, 0) >= more, 20_000);
      expect(again.map((s) => s.service.order.skippedGaps.length)).toEqual([0, 0]);
      expect(again.reduce((n, s) => n + s.service.consumed, 0)).toBe(more);
    } finally {
      for (const s of again) await s.close();
    }
    const ticks: Tick[] = [];
    await readStream(bus.js, bus.jsm, 'TICKS', (m) => ticks.push(decode(m.data) as Tick));
    const batch = replayDecisions(ticks, (v, s) => new SmaCross(v, s, { fast: 10, slow: 30, qty: '1' }));
    const ids: string[] = [];
    await readStream(bus.js, bus.jsm, 'DECISIONS', (m) => ids.push((decode(m.data) as { id: string }).id));
    expect(ids.sort()).toEqual(batch.map((d) => d.id).sort());
  });
});
