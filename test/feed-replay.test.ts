import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Bus, decode, readStream } from '@tickflow/bus';
import { feedSpec, startFeed } from '@tickflow/feed';
import { createLogger, resolveConfig } from '@tickflow/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNats, type TestNats } from './nats-harness.ts';

const SAMPLE = fileURLToPath(new URL('../data/samples/ticks-sample.csv', import.meta.url));
const SAMPLE_GZ = fileURLToPath(new URL('../data/samples/ticks-sample.ndjson.gz', import.meta.url));

describe('feed replaying the sample files into a real nats-server', () => {
  let nats: TestNats;
  let bus: Bus;
  const replay = async (file: string, venue: string, extra: Record<string, string> = {}) => {
    const feed = await startFeed(
      resolveConfig(
        feedSpec,
        { port: '0', source: 'replay', file, speed: '0', venue, ...extra },
        { NATS_URL: nats.url },
      ),
      createLogger('test', 'silent'),
    );
    const stats = await feed.done;
    await feed.close();
    return stats;
  };
  const ticksOf = async (venue: string) => {
    const out: { symbol: string; seq: number; price: string; ts: number }[] = [];
    await readStream(bus.js, bus.jsm, 'TICKS', (m) => {
      const t = decode(m.data) as (typeof out)[number] & { venue: string };
      if (t.venue === venue) out.push(t);
    });
    return out;
  };

  beforeAll(async () => {
    nats = await startTestNats();
    bus = await Bus.connect({ url: nats.url, name: 'feed-replay-test' });
  });
  afterAll(async () => {
    await bus?.drain();
    await nats?.stop();
  });

  it('publishes every row of the CSV sample, gap-free per symbol', async () => {
    const stats = await replay(SAMPLE, 'csv');
    expect(stats.published).toBe(2000);
    expect(stats.rejected).toBe(0);
    const ticks = await ticksOf('csv');
    expect(ticks).toHaveLength(2000);
    for (const symbol of ['BTC-USD', 'ETH-USD', 'AAPL']) {
      const seqs = ticks.filter((t) => t.symbol === symbol).map((t) => t.seq);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    }
  });

  it('publishes the same ticks from the gzipped NDJSON sample', async () => {
    await replay(SAMPLE_GZ, 'ndjson');
    const strip = (ts: { symbol: string; seq: number; price: string; ts: number }[]) =>
      ts.map((t) => `${t.symbol}:${t.seq}:${t.price}:${t.ts}`);
    expect(strip(await ticksOf('ndjson'))).toEqual(strip(await ticksOf('csv')));
  });

  it('honours the time filter', async () => {
    const stats = await replay(SAMPLE, 'window', {
      from: '2026-11-23T14:40:00Z',
      to: '2026-11-23T14:50:00Z',
    });
    const ticks = await ticksOf('window');
    expect(stats.published).toBe(ticks.length);
    expect(ticks.length).toBeGreaterThan(100);
    expect(ticks.length).toBeLessThan(2000);
    expect(
      ticks.every(
        (t) =>
          t.ts >= Date.parse('2026-11-23T14:40:00Z') * 1000 &&
          t.ts < Date.parse('2026-11-23T14:50:00Z') * 1000,
      ),
    ).toBe(true);
  });

  it('refuses a missing file before starting, with exit code 2', () => {
    const bin = fileURLToPath(new URL('../services/cli/bin/tickflow.mjs', import.meta.url));
    const r = spawnSync(process.execPath, [bin, 'feed', '--source', 'replay', '--file', '/nope.csv'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--file /nope.csv: no such file');
  });
});
