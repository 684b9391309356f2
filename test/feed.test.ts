import { Bus, decode, readStream } from '@tickflow/bus';
import { feedSpec, startFeed } from '@tickflow/feed';
import { createLogger, resolveConfig } from '@tickflow/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNats, type TestNats } from './nats-harness.ts';

const silent = createLogger('test', 'silent');

describe('feed service', () => {
  let nats: TestNats;
  let bus: Bus;
  const run = async (flags: Record<string, string>) => {
    const feed = await startFeed(
      resolveConfig(feedSpec, { port: '0', rate: '50000', ...flags }, { NATS_URL: nats.url }),
      silent,
    );
    const stats = await feed.done;
    await feed.close();
    return stats;
  };

  beforeAll(async () => {
    nats = await startTestNats();
    bus = await Bus.connect({ url: nats.url, name: 'feed-test' });
  });
  afterAll(async () => {
    await bus?.drain();
    await nats?.stop();
  });

  it('continues each symbol’s seq after a restart instead of starting again at 1', async () => {
    await run({ count: '300', symbols: '3', start: '2026-01-05T14:00:00Z', timeScale: '100' });
    const second = await run({ count: '200', symbols: '3', start: '2026-01-05T15:00:00Z', timeScale: '100' });
    // The restart first waits for TICKS to settle (1 s by default); a rate counts from the first events.
    expect((second.firstEventsAt ?? 0) - second.startedAt).toBeGreaterThanOrEqual(900);
    const seqs = new Map<string, number[]>();
    await readStream(bus.js, bus.jsm, 'TICKS', (m) => {
      const t = decode(m.data) as { symbol: string; seq: number };
      seqs.set(t.symbol, [...(seqs.get(t.symbol) ?? []), t.seq]);
    });
    const all = [...seqs.values()];
    expect(all.reduce((n, s) => n + s.length, 0)).toBe(500);
    for (const s of all) expect(s).toEqual(Array.from({ length: s.length }, (_, i) => i + 1));
  });

  it('quarantines ticks it cannot accept to REJECTS with a reason code, publishing none of them', async () => {
    const future = new Date(Date.now() + 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const before = (await bus.jsm.streams.info('TICKS')).state.messages;
    const stats = await run({ count: '25', symbols: '2', venue: 'future', start: future, timeScale: '1' });
    expect(stats.rejected).toBe(25);
    expect((await bus.jsm.streams.info('TICKS')).state.messages).toBe(before);
    const rejects: { code: string; venue: string; raw: string }[] = [];
    await readStream(bus.js, bus.jsm, 'REJECTS', (m) =>
      rejects.push(decode(m.data) as (typeof rejects)[number]),
    );
    expect(rejects).toHaveLength(25);
    expect(new Set(rejects.map((r) => r.code))).toEqual(new Set(['FUTURE_TIMESTAMP']));
    expect(JSON.parse(rejects[0]?.raw ?? '{}').venue).toBe('future');
  });

  it('publishes the same market for the same seed', async () => {
    const prices = async (venue: string) => {
      await run({
        count: '50',
        symbols: '2',
        venue,
        seed: '7',
        start: '2026-01-06T14:00:00Z',
        timeScale: '10',
      });
      const out: string[] = [];
      await readStream(bus.js, bus.jsm, 'TICKS', (m) => {
        const t = decode(m.data) as { venue: string; symbol: string; price: string; ts: number };
        if (t.venue === venue) out.push(`${t.symbol}@${t.price}@${t.ts}`);
      });
      return out;
    };
    const a = await prices('seed_a');
    expect(a).toHaveLength(50);
    expect(await prices('seed_b')).toEqual(a);
  });

  it('stamps a live synthetic market with exchange times that keep up with the wall clock from the first tick', async () => {
    // A new venue: the feed first waits (~1 s) for TICKS to settle; the market's clock must not run meanwhile.
    await run({ venue: 'live', count: '500', rate: '1000', symbols: '2' });
    const lagsMs: number[] = [];
    await readStream(bus.js, bus.jsm, 'TICKS', (m) => {
      const t = decode(m.data) as { venue: string; ts: number; recvTs: number };
      if (t.venue === 'live') lagsMs.push((t.recvTs - t.ts) / 1000);
    });
    expect(lagsMs).toHaveLength(500);
    // Generous for 2 shared cores: the settle wait alone put 1,000 ms on the first ticks.
    expect(Math.max(...lagsMs.slice(0, 50))).toBeLessThan(300);
  });
});
