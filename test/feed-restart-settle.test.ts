import { Bus, decode, encodeValidTick, readStream, tickMsgId } from '@tickflow/bus';
import { feedSpec, startFeed } from '@tickflow/feed';
import { createLogger, resolveConfig } from '@tickflow/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNats, type TestNats } from './nats-harness.ts';

const silent = createLogger('test', 'silent');

/**
 * Issue 14, found by the fault campaign: a feed SIGKILLed under load still had ticks landing in
 * TICKS when its successor read each series' last seq, so the successor gave those seqs to new
 * ticks. The stream kept whichever copy came first (a series mixing two processes' ticks, the
 * others dropped as duplicates) and a live subscriber saw each such id twice. Here a predecessor
 * keeps storing ticks of the series for a moment after the new feed starts, as a dead process's
 * last sends do: the new feed must continue after the predecessor's last seq.
 */
describe('feed restarted while its predecessor’s last ticks are still landing', () => {
  let nats: TestNats;
  let bus: Bus;

  beforeAll(async () => {
    nats = await startTestNats();
    bus = await Bus.connect({ url: nats.url, name: 'settle-test' });
    await bus.ensureStreams();
  });
  afterAll(async () => {
    await bus?.drain();
    await nats?.stop();
  });

  it('continues each series after the last seq its predecessor stored, giving no seq twice', async () => {
    const venue = 'settle';
    const symbol = 'BTC-USD'; // the synthetic market's first symbol
    const live = new Map<string, number>();
    bus.subscribe('ticks.>', (_s, data) => {
      const t = decode(data) as { venue: string; symbol: string; seq: number };
      const id = tickMsgId(t.venue, t.symbol, t.seq);
      live.set(id, (live.get(id) ?? 0) + 1);
    });
    // The predecessor: ticks of the series still arriving for 700 ms after the new feed started.
    let seq = 0;
    const landing = (async () => {
      const until = Date.now() + 700;
      while (Date.now() < until) {
        for (let k = 0; k < 5; k++) {
          seq++;
          const tick = encodeValidTick({
            v: 1,
            venue,
            symbol,
            seq,
            ts: 1_767_000_000_000_000 + seq,
            price: '100.5',
            size: '1',
            side: 'buy',
            recvTs: 1_767_000_000_000_000 + seq,
          });
          await bus.js.publish(`ticks.${venue}.${symbol}`, tick, { msgID: tickMsgId(venue, symbol, seq) });
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    await new Promise((r) => setTimeout(r, 100));
    const feed = await startFeed(
      resolveConfig(
        feedSpec,
        { port: '0', venue, symbols: '1', count: '500', rate: '5000', start: '2026-01-05T14:00:00Z' },
        { NATS_URL: nats.url },
      ),
      silent,
    );
    await landing;
    await feed.done;
    await feed.close();
    await bus.flush();
    await new Promise((r) => setTimeout(r, 200));

    const stored: { seq: number; price: string }[] = [];
    await readStream(bus.js, bus.jsm, 'TICKS', (m) => {
      const t = decode(m.data) as { venue: string; seq: number; price: string };
      if (t.venue === venue) stored.push({ seq: t.seq, price: t.price });
    });
    const predecessor = seq;
    const twice = [...live.values()].filter((n) => n > 1).length;
    // Every tick of both processes is stored, under its own seq: 1..predecessor, then the feed's 500.
    expect(stored.length).toBe(predecessor + 500);
    expect(stored.map((t) => t.seq)).toEqual(Array.from({ length: predecessor + 500 }, (_, i) => i + 1));
    expect(stored.slice(0, predecessor).every((t) => t.price === '100.5')).toBe(true);
    expect(twice).toBe(0);
  });
});
