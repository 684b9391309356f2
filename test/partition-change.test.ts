import { join } from 'node:path';
import { type BotConfig, botBacklog, botSpec, executionOf, startBot, streamBackfill } from '@tickflow/bot';
import { Bus, encode, subjects, TickSubjects } from '@tickflow/bus';
import { type Fill, type OrderEvent, partitionOf, type Tick } from '@tickflow/core';
import { eodSpec, runEod } from '@tickflow/eod';
import { feedSpec, startFeed } from '@tickflow/feed';
import { createLogger, resolveConfig } from '@tickflow/runtime';
import { signalsSpec, startSignals } from '@tickflow/signals';
import { replayDecisions, SmaCross } from '@tickflow/strategy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAll, recomputeFills } from './bot-kit.ts';
import { signalsBacklog, startTestNats, type TestNats, waitFor } from './nats-harness.ts';
import { partitionsBacklog } from './partition-kit.ts';

const silent = createLogger('test', 'silent');
const SYMBOLS = 6;
const PER_FEED = 3000;
/** Far beyond the waits below: a lane that waited for a gap would fail the test, not slow it. */
const GAP_TIMEOUT_MS = '120000';
const LATENCY_MS = '10000';

/** Runs a synthetic feed to its end: `--partitions n`, the day's hour `hour`. */
async function feed(env: Record<string, string>, partitions: number, hour: number, lines?: string[]) {
  const log = lines ? createLogger('feed', 'info', { write: (s: string) => void lines.push(s) }) : silent;
  const f = await startFeed(
    resolveConfig(
      feedSpec,
      {
        port: '0',
        count: String(PER_FEED),
        pace: 'afap',
        symbols: String(SYMBOLS),
        partitions: String(partitions),
        start: `2026-04-01T${hour}:00:00Z`,
        timeScale: '100',
        spikePct: '0',
      },
      env,
    ),
    log,
  );
  await f.done;
  await f.close();
}

describe('the feed restarted mid-day with --partitions 2 after a day begun with 1', () => {
  let nats: TestNats;
  let bus: Bus;
  let config: BotConfig;
  const feedLog: string[] = [];
  const signals: Awaited<ReturnType<typeof startSignals>>[] = [];
  const bots: Awaited<ReturnType<typeof startBot>>[] = [];
  let waitingAtSwitch = 0;

  beforeAll(async () => {
    nats = await startTestNats();
    const env = { NATS_URL: nats.url };
    bus = await Bus.connect({ url: nats.url, name: 'partition-change-test' });
    const signalsConfig = (flags: Record<string, string>) =>
      resolveConfig(signalsSpec, { port: '0', gapTimeoutMs: GAP_TIMEOUT_MS, ...flags }, env);
    // The day's first hour: one signals and one bot, the plain layout.
    const one = await startSignals(signalsConfig({ durable: 'signals' }), silent);
    // An order fills at the first tick LATENCY_MS of exchange time after its decision: the first
    // hour's last decisions are still waiting for their tick at the switch.
    const bot = await startBot(resolveConfig(botSpec, { port: '0', latencyMs: LATENCY_MS }, env), silent);
    await feed(env, 1, 14);
    await waitFor(
      'the first hour handled',
      async () => (await signalsBacklog(one.port)) + (await botBacklog(bus, bot.port)) === 0,
      20_000,
    );
    waitingAtSwitch = bot.bot.pendingOrders;
    await one.close();
    await bot.close();
    // The switch: two partitions' instances (new names), then the feed again with --partitions 2.
    for (const i of [0, 1])
      signals.push(
        await startSignals(signalsConfig({ partition: `${i}/2`, durable: `signals-p${i}` }), silent),
      );
    for (const i of [0, 1]) {
      config = resolveConfig(botSpec, { port: '0', partition: `${i}/2`, latencyMs: LATENCY_MS }, env);
      bots.push(await startBot(config, silent));
    }
    await feed(env, 2, 15, feedLog);
    const backlog = () => partitionsBacklog(bus, signals, bots);
    // Well inside the gap timeout: no lane waits for one.
    await waitFor('both hours handled by the two partitions', async () => (await backlog()) === 0, 30_000);
    for (const s of signals) await s.close();
  }, 60_000);
  afterAll(async () => {
    for (const b of bots) await b.close();
    await bus?.drain();
    await nats?.stop();
  });

  it('logs the change once in the feed, naming the old and new subjects', () => {
    const warned = feedLog.filter((l) => l.includes('--partitions changed'));
    expect(warned).toHaveLength(1);
    const line = JSON.parse(warned[0] as string) as { storedOn: string; publishingOn: string };
    expect(line.storedOn).toMatch(/^ticks\.synth\.[^.]+$/);
    expect(line.publishingOn).toMatch(/^ticks\.synth\.[^.]+\.p[01]of2$/);
  });

  it('continues every symbol’s lane across the two layouts: nothing held, skipped or applied twice', async () => {
    const ticks = await readAll<Tick>(bus, 'TICKS');
    expect(ticks).toHaveLength(2 * PER_FEED);
    const mine = (i: number) => (t: Tick) => partitionOf(t.venue, t.symbol, 2) === i;
    for (const [i, s] of signals.entries()) {
      expect(s.service.order.skippedGaps).toEqual([]);
      expect(s.service.order.held).toBe(0);
      // Its symbols' ticks of both hours, each once; the other partition's first hour read and skipped.
      expect(s.service.consumed).toBe(ticks.filter(mine(i)).length);
      expect(s.service.skippedOtherPartitions).toBeGreaterThan(0);
    }
    // Every decision once, as one instance replaying the whole day would make them.
    const batch = replayDecisions(ticks, (v, s) => new SmaCross(v, s, { fast: 10, slow: 30, qty: '1' }));
    const ids = (await readAll<{ id: string }>(bus, 'DECISIONS')).map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(batch.map((d) => d.id).sort());
  });

  it('fills every decision once, those left waiting at the switch too, as one bot recomputed would', async () => {
    const { fills, batch } = await recomputeFills(bus, executionOf(config));
    const key = (f: Fill) => `${f.id} ${f.symbol} ${f.side} ${f.qty} ${f.price} ${f.fee}`;
    expect(new Set(fills.map((f) => f.id)).size).toBe(fills.length);
    expect(fills.map(key).sort()).toEqual(batch.fills.map(key).sort());
    // The orders left waiting at the switch ran to their end in the new instances: expired here
    // (no tick within the order's life), as the batch layer ends them.
    expect(waitingAtSwitch).toBeGreaterThan(0);
    const events = await readAll<OrderEvent>(bus, 'ORDERS');
    const ended = (status: OrderEvent['status']) =>
      events
        .filter((e) => e.status === status)
        .map((e) => e.decisionId)
        .sort();
    expect(ended('EXPIRED')).toEqual([...batch.expired.keys()].sort());
    expect(ended('EXPIRED').length).toBeGreaterThan(0);
  });

  it('reconciles the day in eod run from the two partitions’ snapshots', async () => {
    for (const b of bots) await b.close(); // stores the session snapshots
    const eod = resolveConfig(
      eodSpec,
      {
        date: '2026-04-01',
        db: join(nats.dir, 'eod.duckdb'),
        reportsDir: join(nats.dir, 'r'),
        botPartitions: '2',
      },
      { NATS_URL: nats.url },
    );
    const { report } = await runEod(eod, silent);
    const f = report.reconciliation.fills;
    expect(f.model).toBe('snapshot');
    expect([f.missing, f.extra, f.differing]).toEqual([0, 0, 0]);
    expect(f.matched).toBe(f.speed);
    expect(f.snapshot).toEqual({ positionsEqual: true, detail: [] });
  });
});

describe('one signals instance reading every layout while the feed changes --partitions', () => {
  let nats: TestNats;

  beforeAll(async () => {
    nats = await startTestNats();
  });
  afterAll(async () => {
    await nats?.stop();
  });

  it('goes on with each symbol’s seq on its new subject, without waiting for a gap', async () => {
    const env = { NATS_URL: nats.url };
    const one = await startSignals(
      resolveConfig(signalsSpec, { port: '0', gapTimeoutMs: GAP_TIMEOUT_MS }, env),
      silent,
    );
    try {
      await feed(env, 1, 14);
      await feed(env, 2, 15);
      await waitFor('both feeds’ ticks applied', () => one.service.consumed === 2 * PER_FEED, 20_000);
      expect(one.service.order.held).toBe(0);
      expect(one.service.order.skippedGaps).toEqual([]);
      expect(one.service.received).toBe(2 * PER_FEED);
    } finally {
      await one.close();
    }
  });
});

describe('the bot reading a symbol’s ticks back across a change of --partitions', () => {
  let nats: TestNats;
  let bus: Bus;

  beforeAll(async () => {
    nats = await startTestNats();
    bus = await Bus.connect({ url: nats.url, name: 'partition-change-backfill' });
    await bus.ensureStreams({}, () => {}, { partitioned: true });
    // seqs 1–40 plain, 41–80 on the partitioned subject, with another symbol's ticks between.
    const T0 = Date.UTC(2026, 3, 1, 14) * 1000;
    const tick = (symbol: string, seq: number) =>
      encode({ v: 1, venue: 'synth', symbol, seq, ts: T0 + seq, price: '100', size: '1', recvTs: T0 });
    for (let seq = 1; seq <= 80; seq++) {
      const partitions = seq <= 40 ? 1 : 2;
      await bus.js.publish(subjects.tick('synth', 'AAA', partitions), tick('AAA', seq));
      await bus.js.publish(subjects.tick('synth', 'BBB', partitions), tick('BBB', seq));
    }
  });
  afterAll(async () => {
    await bus?.drain();
    await nats?.stop();
  });

  it('reads both layouts in stream order, by direct gets and by a consumer', async () => {
    const backfill = streamBackfill(bus, new TickSubjects(bus.jsm));
    const end = (await bus.jsm.streams.info('TICKS')).state.last_seq;
    // Few ticks (direct gets), from the middle of the plain ones across the change.
    const few = await backfill('synth', 'AAA', 61, end, 20);
    expect(few.ticks.map((t) => t.seq)).toEqual(Array.from({ length: 20 }, (_, i) => 31 + i));
    // Many (a consumer), the whole day, resumed from where the first read stopped.
    const first = await backfill('synth', 'AAA', 1, end, 50);
    expect(first.ticks.map((t) => t.seq)).toEqual(Array.from({ length: 50 }, (_, i) => 1 + i));
    const rest = await backfill('synth', 'AAA', first.next, end, 50);
    expect(rest.ticks.map((t) => t.seq)).toEqual(Array.from({ length: 30 }, (_, i) => 51 + i));
    expect(rest.next).toBe(end + 1);
  });
});
