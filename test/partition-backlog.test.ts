import { botBacklog, botSpec, startBot } from '@tickflow/bot';
import { Bus, encode, subjects } from '@tickflow/bus';
import { partitionOf, type Tick } from '@tickflow/core';
import { feedSpec, startFeed } from '@tickflow/feed';
import { createLogger, resolveConfig } from '@tickflow/runtime';
import { signalsSpec, startSignals } from '@tickflow/signals';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAll } from './bot-kit.ts';
import { signalsBacklog, startTestNats, type TestNats, waitFor } from './nats-harness.ts';

const silent = createLogger('test', 'silent');
const N = 32_000;

describe('a partition’s instance counts its backlog in its own partition’s ticks', () => {
  let nats: TestNats;
  let bus: Bus;
  let env: Record<string, string>;
  /** Ticks of partition 0 and 1 of 2 in TICKS. */
  const own: [number, number] = [0, 0];

  const feed = async (count: number, hour: number) => {
    const f = await startFeed(
      resolveConfig(
        feedSpec,
        {
          port: '0',
          count: String(count),
          pace: 'afap',
          symbols: '6',
          partitions: '2',
          start: `2026-04-01T${hour}:00:00Z`,
          timeScale: '100',
          spikePct: '0',
        },
        env,
      ),
      silent,
    );
    await f.done;
    await f.close();
  };

  beforeAll(async () => {
    nats = await startTestNats();
    env = { NATS_URL: nats.url };
    bus = await Bus.connect({ url: nats.url, name: 'partition-backlog-test' });
    await bus.ensureStreams({}, () => {}, { partitioned: true });
    // AAA-USD is partition 1's, BBB-USD partition 0's; AAA-USD's seq 5 is stored last.
    expect([partitionOf('synth', 'AAA-USD', 2), partitionOf('synth', 'BBB-USD', 2)]).toEqual([1, 0]);
    const T0 = Date.UTC(2026, 3, 1, 14) * 1000;
    const tick = (symbol: string, seq: number) =>
      bus.js.publish(
        subjects.tick('synth', symbol, 2),
        encode({ v: 1, venue: 'synth', symbol, seq, ts: T0 + seq, price: '100', size: '1', recvTs: T0 }),
      );
    for (let from = 1; from <= N / 2; from += 500) {
      const sent: Promise<unknown>[] = [];
      for (let seq = from; seq < from + 500; seq++) {
        if (seq !== 5) sent.push(tick('AAA-USD', seq));
        sent.push(tick('BBB-USD', seq));
      }
      await Promise.all(sent);
    }
    await tick('AAA-USD', 5);
    for (const t of await readAll<Tick>(bus, 'TICKS'))
      if (partitionOf(t.venue, t.symbol, 2) === 0) own[0]++;
      else own[1]++;
  }, 30_000);
  afterAll(async () => {
    await bus?.drain();
    await nats?.stop();
  });

  it('reports 0 caught up while the other partition’s ticks wait, and only its own while behind', async () => {
    const signals = (i: number) =>
      startSignals(
        resolveConfig(
          signalsSpec,
          // Partition 1 holds AAA-USD behind its missing seq 5 (stored last): past 200 held ticks its
          // intake pauses until the read-back finds it at the end of TICKS, thousands of ticks on (the server pauses at a flow-control request, ~10,000 ticks in here). Meanwhile
          // it stands still, behind, with its own ticks and the other partition's still to come.
          { port: '0', partition: `${i}/2`, durable: `p${i}`, gapHoldTotal: '200', gapTimeoutMs: '600000' },
          env,
        ),
        silent,
      );
    const first = await signals(0);
    let second: Awaited<ReturnType<typeof signals>> | undefined;
    try {
      await waitFor('partition 0 caught up', () => first.service.received === own[0], 20_000);
      // Partition 1's ticks are all still to be read (no instance yet), and they lie between.
      expect(own[1]).toBeGreaterThan(N / 4);
      expect(await signalsBacklog(first.port)).toBe(0);
      second = await signals(1);
      const s = second;
      // While it is behind, /readyz counts what is left of its own partition's ticks (equal when it
      // stood still during the request), not the stream sequences up to its last tick.
      let still = 0;
      while (s.service.received < own[1]) {
        const before = s.service.received;
        const backlog = await signalsBacklog(s.port);
        const after = s.service.received;
        expect(backlog).toBeLessThanOrEqual(own[1] - before);
        expect(backlog).toBeGreaterThanOrEqual(own[1] - after);
        if (before === after && after < own[1]) still++;
      }
      expect(still).toBeGreaterThan(0);
      await waitFor('partition 1 caught up', async () => (await signalsBacklog(s.port)) === 0, 20_000);
      expect(s.service.order.skippedGaps).toEqual([]);
    } finally {
      await first.close();
      await second?.close();
    }
  }, 60_000);

  it('gives a partition’s bot the count of its own ticks not yet marked', async () => {
    const bot = await startBot(resolveConfig(botSpec, { port: '0', partition: '1/2' }, env), silent);
    try {
      const account = async () =>
        (await (await fetch(`http://127.0.0.1:${bot.port}/v1/account`)).json()) as {
          ticksBacklog: number | null;
        };
      await waitFor('the marks consumer', async () => (await account()).ticksBacklog === 0, 10_000);
      await feed(2000, 15);
      await waitFor(
        'the new ticks marked',
        async () =>
          (await botBacklog(bus, bot.port, 'bot-p1of2', subjects.ticksOf({ index: 1, count: 2 }))) === 0,
        20_000,
      );
      expect((await account()).ticksBacklog).toBe(0);
    } finally {
      await bot.close();
    }
  });
});
