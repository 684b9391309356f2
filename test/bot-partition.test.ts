import { join } from 'node:path';
import { type BotConfig, botSpec, executionOf, startBot } from '@tickflow/bot';
import { Bus } from '@tickflow/bus';
import { type Fill, partitionOf, type Tick } from '@tickflow/core';
import { eodSpec, runEod } from '@tickflow/eod';
import { feedSpec, startFeed } from '@tickflow/feed';
import { BOT_BUCKET, sessionSnapshotName } from '@tickflow/paper';
import { createLogger, resolveConfig } from '@tickflow/runtime';
import { signalsSpec, startSignals } from '@tickflow/signals';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAll, recomputeFills } from './bot-kit.ts';
import { startTestNats, type TestNats, waitFor } from './nats-harness.ts';
import { partitionsBacklog } from './partition-kit.ts';

const silent = createLogger('test', 'silent');
const SYMBOLS = 6;

describe('two signals and two bot instances split the symbols by partition', () => {
  let nats: TestNats;
  let bus: Bus;
  let config: BotConfig;
  const bots: Awaited<ReturnType<typeof startBot>>[] = [];
  const signals: Awaited<ReturnType<typeof startSignals>>[] = [];

  beforeAll(async () => {
    nats = await startTestNats();
    const env = { NATS_URL: nats.url };
    for (const i of [0, 1])
      signals.push(
        await startSignals(
          resolveConfig(signalsSpec, { port: '0', partition: `${i}/2`, durable: `signals-p${i}` }, env),
          silent,
        ),
      );
    for (const i of [0, 1]) {
      config = resolveConfig(botSpec, { port: '0', partition: `${i}/2` }, env);
      bots.push(await startBot(config, silent));
    }
    const feed = await startFeed(
      resolveConfig(
        feedSpec,
        {
          port: '0',
          count: '6000',
          pace: 'afap',
          symbols: String(SYMBOLS),
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
    bus = await Bus.connect({ url: nats.url, name: 'bot-partition-test' });
    const backlog = () => partitionsBacklog(bus, signals, bots);
    await waitFor('everything handled', async () => (await backlog()) === 0, 25_000);
    for (const s of signals) await s.close();
  }, 35_000);
  afterAll(async () => {
    for (const b of bots) await b.close();
    await bus?.drain();
    await nats?.stop();
  });

  it('fills every decision once, each symbol in exactly one instance, as one bot recomputed would', async () => {
    const [a, b] = bots.map((x) => x.bot);
    if (!a || !b) throw new Error('two bots expected');
    const { decisions, fills, batch } = await recomputeFills(bus, executionOf(config));
    expect(decisions.length).toBeGreaterThan(20);
    const symbolsOf = (bot: typeof a) => bot.portfolio.positions().map((p) => p.symbol);
    const [sa, sb] = [symbolsOf(a), symbolsOf(b)];
    expect(sa.length).toBeGreaterThan(0);
    expect(sb.length).toBeGreaterThan(0);
    expect(sa.filter((s) => sb.includes(s))).toEqual([]);
    for (const s of sa) expect(partitionOf('synth', s, 2)).toBe(0);
    for (const s of sb) expect(partitionOf('synth', s, 2)).toBe(1);
    // Each instance was delivered its partition's decisions and ticks only (partitioned subjects).
    const mine = (i: number) => (x: { venue: string; symbol: string }) =>
      partitionOf(x.venue, x.symbol, 2) === i;
    const ticks = await readAll<Tick>(bus, 'TICKS');
    for (const [i, bot] of [a, b].entries()) {
      expect(bot.foreign).toBe(0);
      expect(bot.foreignTicks).toBe(0);
      expect(bot.decisionsReceived).toBe(decisions.filter(mine(i)).length);
      expect(bot.ticksReceived).toBe(ticks.filter(mine(i)).length);
    }
    for (const [i, s] of signals.entries()) {
      expect(s.service.skippedOtherPartitions).toBe(0);
      expect(s.service.received).toBe(ticks.filter(mine(i)).length);
    }
    expect(signals.map((s) => s.service.received)).not.toContain(0);
    const key = (f: Fill) => `${f.id} ${f.symbol} ${f.side} ${f.qty} ${f.price} ${f.fee}`;
    expect(new Set(fills.map((f) => f.id)).size).toBe(fills.length);
    expect(a.filled + b.filled).toBe(fills.length);
    expect(fills.map(key).sort()).toEqual(batch.fills.map(key).sort());
  });

  it('names each instance’s DECISIONS consumer and session snapshot after its partition', async () => {
    const consumers = await bus.jsm.consumers.list('DECISIONS').next();
    const names = consumers.flatMap((c) => c.config.durable_name ?? []).sort();
    expect(names).toEqual(['bot-p0of2', 'bot-p1of2']);
    for (const b of bots) await b.close(); // stores the session snapshots
    const day = '2026-04-01';
    for (const [i, b] of bots.entries()) {
      const snap = (await bus.objectGet(BOT_BUCKET, sessionSnapshotName(`bot-p${i}of2`, day))) as {
        fills?: number;
      };
      expect(snap?.fills).toBe(b.bot.filled);
    }
    expect(await bus.objectGet(BOT_BUCKET, sessionSnapshotName('bot', day))).toBeUndefined();
  });

  it('reconciles the day in eod run from the two partitions’ snapshots merged into one book', async () => {
    for (const b of bots) await b.close(); // stores the session snapshots
    const config = resolveConfig(
      eodSpec,
      {
        date: '2026-04-01',
        db: join(nats.dir, 'eod.duckdb'),
        reportsDir: join(nats.dir, 'r'),
        botPartitions: '2',
      },
      { NATS_URL: nats.url },
    );
    const { report } = await runEod(config, silent);
    const f = report.reconciliation.fills;
    expect(f.model).toBe('snapshot');
    expect(f.speed).toBe(bots.reduce((n, b) => n + b.bot.filled, 0));
    expect([f.matched, f.missing, f.extra, f.differing]).toEqual([f.speed, 0, 0, 0]);
    expect(f.snapshot).toEqual({ positionsEqual: true, detail: [] });
  });

  it('rebuilds only its own symbols’ positions when a partition’s instance starts again', async () => {
    for (const b of bots) await b.close();
    const [before] = bots;
    if (!before) throw new Error('a bot expected');
    const again = await startBot(
      resolveConfig(botSpec, { port: '0', partition: '0/2' }, { NATS_URL: nats.url }),
      silent,
    );
    try {
      const symbols = (x: typeof before) =>
        x.bot.portfolio
          .positions()
          .map((p) => p.symbol)
          .sort();
      expect(symbols(again)).toEqual(symbols(before));
      expect(again.bot.filled).toBe(before.bot.filled);
      expect(again.bot.portfolio.pnl()).toEqual(before.bot.portfolio.pnl());
    } finally {
      await again.close();
    }
  });
});
