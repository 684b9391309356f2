import { Bus, decode, readStream } from '@tickflow/bus';
import { type FeedStats, feedSpec, startFeed } from '@tickflow/feed';
import { createLogger, resolveConfig } from '@tickflow/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeVenue, startVenue } from '../services/feed/src/sources/ws-test-kit.ts';
import { startTestNats, type TestNats, waitFor } from './nats-harness.ts';

const trade = (t: number, price: string) =>
  JSON.stringify({
    stream: 'btcusdt@trade',
    data: {
      e: 'trade',
      E: Date.now(),
      s: 'BTCUSDT',
      t,
      p: price,
      q: '0.50',
      T: Date.now(),
      m: t % 2 === 0,
      M: true,
    },
  });

describe('feed from a Binance-format WebSocket into a real nats-server', () => {
  let nats: TestNats;
  let venue: FakeVenue;
  let bus: Bus;
  const ticks: { seq: number; price: string; side: string }[] = [];
  const rejects: { code: string; raw: string; venue: string }[] = [];
  /** The frame of a trade that maps but fails validation (price 0), as the venue sent it. */
  let zeroPriceFrame = '';
  let metrics = '';
  let finished: FeedStats | undefined;

  beforeAll(async () => {
    nats = await startTestNats();
    // First connection: five trades, two broken frames, then the venue drops us mid-stream.
    // Second connection: a replay of trades 3–5 (same ids) and three new ones.
    venue = await startVenue((ws, index) => {
      if (index === 0) {
        for (let t = 1; t <= 5; t++) ws.send(trade(t, `${100 + t}.00`));
        ws.send('{not json');
        ws.send(trade(99, 'abc'));
        // Spacing the feed would not write: a re-encoding of the trade would not match it.
        zeroPriceFrame = trade(98, '0.00').replace('{', '{ ');
        ws.send(zeroPriceFrame);
        setTimeout(() => ws.terminate(), 50);
      } else {
        for (let t = 3; t <= 8; t++) ws.send(trade(t, `${100 + t}.00`));
      }
    });
    const feed = await startFeed(
      resolveConfig(
        feedSpec,
        { port: '0', source: 'binance', url: venue.url, markets: 'BTC-USDT', confirmEvery: '1' },
        { NATS_URL: nats.url },
      ),
      createLogger('test', 'silent'),
    );
    bus = await Bus.connect({ url: nats.url, name: 'feed-exchange-test' });
    await waitFor(
      '8 ticks in TICKS',
      async () => (await bus.jsm.streams.info('TICKS')).state.messages >= 8,
      20_000,
    );
    // The replays of trades 3–5 were dropped by the source: they must be counted where people look.
    metrics = await (await fetch(`http://127.0.0.1:${feed.port}/metrics`)).text();
    const done = feed.done.then((s) => {
      finished = { ...s };
    });
    await feed.close();
    await done;
    await readStream(bus.js, bus.jsm, 'TICKS', (m) => ticks.push(decode(m.data) as (typeof ticks)[number]));
    await readStream(bus.js, bus.jsm, 'REJECTS', (m) =>
      rejects.push(decode(m.data) as (typeof rejects)[number]),
    );
  });

  afterAll(async () => {
    await bus?.drain();
    await venue?.close();
    await nats?.stop();
  });

  it('publishes each venue trade exactly once, in order, gap-free, across the reconnect', () => {
    expect(venue.sockets.length).toBeGreaterThanOrEqual(2);
    expect(ticks.map((t) => t.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(ticks.map((t) => t.price)).toEqual([
      '101.00',
      '102.00',
      '103.00',
      '104.00',
      '105.00',
      '106.00',
      '107.00',
      '108.00',
    ]);
  });

  it('maps Binance m:true (buyer is maker) to an aggressor sell', () => {
    expect(ticks[1]?.side).toBe('sell');
    expect(ticks[0]?.side).toBe('buy');
  });

  it('quarantines the broken frames to REJECTS with their raw text and a code', () => {
    expect(rejects.map((r) => r.code).sort()).toEqual(['BAD_FIELD', 'BAD_JSON', 'NON_POSITIVE_PRICE']);
    expect(rejects.every((r) => r.venue === 'binance')).toBe(true);
    expect(rejects.find((r) => r.code === 'BAD_JSON')?.raw).toBe('{not json');
  });

  it('keeps the frame as received in the raw of a trade the pipeline refuses', () => {
    expect(rejects.find((r) => r.code === 'NON_POSITIVE_PRICE')?.raw).toBe(zeroPriceFrame);
  });

  it('counts the replays dropped after the reconnect in /metrics and in the finished stats', () => {
    expect(metrics).toMatch(/^tickflow_feed_duplicates_dropped_total\{[^}]*venue="binance"[^}]*\} 3$/m);
    expect(finished).toMatchObject({ published: 8, duplicates: 3 });
  });
});
