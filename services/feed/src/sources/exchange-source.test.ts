import { ManualClock } from '@tickflow/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type WebSocket from 'ws';
import { coinbaseSubscribe } from './coinbase.ts';
import {
  binanceSource,
  coinbaseSource,
  type ExchangeSource,
  type ExchangeSourceSettings,
  SourceConfigError,
  SourceStateError,
} from './exchange-source.ts';
import type { SourceAlarm } from './ws-client.ts';
import { closed, collect, type FakeVenue, startVenue, tradeIds, waitFor } from './ws-test-kit.ts';

const RECV = 1_767_225_600_000_000;
/** Short timers so every test runs well under a second; pings and staleness off unless a test wants them. */
const FAST: ExchangeSourceSettings = {
  initialBackoffMs: 20,
  maxBackoffMs: 40,
  random: () => 0.5,
  pingIntervalMs: 60_000,
  staleAfterMs: 60_000,
};

const venues: FakeVenue[] = [];
const sources: ExchangeSource[] = [];

afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.stop()));
  await Promise.all(venues.splice(0).map((v) => v.close()));
});

async function venue(...args: Parameters<typeof startVenue>): Promise<FakeVenue> {
  const v = await startVenue(...args);
  venues.push(v);
  return v;
}

function track<S extends ExchangeSource>(source: S): S {
  sources.push(source);
  return source;
}

/** A Binance combined-stream trade frame. */
const bTrade = (t: number, s = 'BTCUSDT', m = true) =>
  JSON.stringify({
    stream: `${s.toLowerCase()}@trade`,
    data: { e: 'trade', E: 1, s, t, p: `100.${t}`, q: '0.5', T: 1_767_225_600_000 + t, m, M: true },
  });
/** A Coinbase match frame. */
const cMatch = (id: number, type = 'match') =>
  JSON.stringify({
    type,
    trade_id: id,
    sequence: 100 + id,
    maker_order_id: 'm',
    taker_order_id: 't',
    time: `2026-01-01T00:00:0${id % 10}.12345${id % 10}Z`,
    product_id: 'BTC-USD',
    size: '0.01',
    price: `400.${id}`,
    side: 'sell',
  });
const onSubscribe = (ws: WebSocket, then: () => void) => ws.once('message', then);

describe('binanceSource', () => {
  it('connects to the combined-stream url of the symbols and emits their trades', async () => {
    const v = await venue((ws) => {
      ws.send(bTrade(1, 'BTCUSDT', true));
      ws.send(bTrade(2, 'ETHUSDT', false));
    });
    const source = track(
      binanceSource({ ...FAST, url: v.url, symbols: ['BTC-USDT', 'ETH-USDT'], clock: new ManualClock(RECV) }),
    );
    const got = collect(source);
    await waitFor(() => got.events.length === 2, 'two trades');
    expect(v.paths).toEqual(['/stream?streams=btcusdt@trade/ethusdt@trade']);
    expect(got.events).toEqual([
      {
        kind: 'trade',
        trade: {
          venue: 'binance',
          symbol: 'BTC-USDT',
          ts: (1_767_225_600_000 + 1) * 1000,
          price: '100.1',
          size: '0.5',
          side: 'sell',
          tradeId: '1',
          recvTs: RECV,
          // The frame itself, for REJECTS should the pipeline refuse the trade.
          raw: bTrade(1, 'BTCUSDT', true),
        },
      },
      expect.objectContaining({
        trade: expect.objectContaining({ symbol: 'ETH-USDT', side: 'buy', tradeId: '2' }),
      }),
    ]);
    expect(got.batches).toBe(2);
    expect(source.health()).toMatchObject({
      ok: true,
      stale: false,
      reconnects: 0,
      lastMessageAt: RECV / 1000,
    });
  });

  it('turns malformed frames into invalid events and keeps streaming', async () => {
    const v = await venue((ws) => {
      for (const f of ['garbage', '{"e":"kline"}', '{"stream":"x","data":1}', bTrade(3)]) ws.send(f);
    });
    const source = track(binanceSource({ ...FAST, url: v.url, symbols: ['BTC-USDT'] }));
    const got = collect(source);
    await waitFor(() => got.events.length === 4, 'four events');
    expect(got.events.map((e) => (e.kind === 'invalid' ? e.code : e.kind))).toEqual([
      'BAD_JSON',
      'UNKNOWN_MESSAGE',
      'MISSING_FIELD',
      'trade',
    ]);
    expect(got.events[0]).toMatchObject({ venue: 'binance', raw: 'garbage' });
    expect(source.stats).toMatchObject({ invalid: 3, trades: 1, reconnects: 0 });
  });

  it('subscribes with the SUBSCRIBE method on <base>/ws when asked and ignores the response', async () => {
    const v = await venue((ws) =>
      onSubscribe(ws, () => {
        ws.send('{"result":null,"id":1}');
        ws.send(JSON.stringify(JSON.parse(bTrade(4)).data)); // /ws streams are not enveloped
      }),
    );
    const source = track(
      binanceSource({ ...FAST, url: v.url, symbols: ['BTC-USDT'], subscribeWithMethod: true }),
    );
    const got = collect(source);
    await waitFor(() => got.events.length === 1, 'the trade');
    expect(v.paths).toEqual(['/ws']);
    expect(JSON.parse(v.received[0] ?? '')).toEqual({
      method: 'SUBSCRIBE',
      params: ['btcusdt@trade'],
      id: 1,
    });
    expect(tradeIds(got.events)).toEqual(['4']);
  });

  it('opens a new connection on serverShutdown, closes the old one and emits replayed trades once', async () => {
    const v = await venue((ws, i) => {
      if (i === 0)
        for (const f of [bTrade(1), bTrade(2), '{"e":"serverShutdown","E":1767225600000}']) ws.send(f);
      else for (const f of [bTrade(2), bTrade(3)]) ws.send(f);
    });
    const source = track(binanceSource({ ...FAST, url: v.url, symbols: ['BTC-USDT'] }));
    const got = collect(source);
    await waitFor(() => got.events.length === 3, 'three trades');
    await closed(v.sockets[0] as WebSocket); // the client closed the announced-dead connection itself
    expect(tradeIds(got.events)).toEqual(['1', '2', '3']);
    expect(v.sockets).toHaveLength(2);
    expect(source.stats).toMatchObject({ serverShutdowns: 1, reconnects: 1, duplicates: 1, disconnects: 0 });
    expect(source.health().ok).toBe(true);
  });

  it('rejects invalid symbols and a missing symbol list', () => {
    expect(() => binanceSource({ symbols: ['BTC.USDT'] })).toThrow(SourceConfigError);
    expect(() => binanceSource({ symbols: [] })).toThrow(SourceConfigError);
    expect(() => binanceSource({ symbols: [], url: 'ws://h/stream?streams=btcusdt@trade' })).not.toThrow();
  });
});

describe('coinbaseSource', () => {
  it('subscribes after connecting, emits last_match and matches, ignores subscriptions and heartbeats', async () => {
    const v = await venue((ws) =>
      onSubscribe(ws, () => {
        ws.send('{"type":"subscriptions","channels":[{"name":"matches","product_ids":["BTC-USD"]}]}');
        ws.send(cMatch(1, 'last_match'));
        ws.send(
          '{"type":"heartbeat","sequence":90,"last_trade_id":1,"product_id":"BTC-USD","time":"2026-01-01T00:00:01Z"}',
        );
        ws.send(cMatch(2));
      }),
    );
    const source = track(coinbaseSource({ ...FAST, url: v.url, symbols: ['BTC-USD', 'ETH-USD'] }));
    const got = collect(source);
    await waitFor(() => got.events.length === 2, 'two trades');
    expect(JSON.parse(v.received[0] ?? '')).toEqual(coinbaseSubscribe(['BTC-USD', 'ETH-USD']));
    expect(tradeIds(got.events)).toEqual(['1', '2']);
    expect(got.events[1]).toMatchObject({
      kind: 'trade',
      trade: { venue: 'coinbase', symbol: 'BTC-USD', side: 'buy', price: '400.2', ts: 1_767_225_602_123_452 },
    });
    await waitFor(() => source.stats.messages === 4, 'all four frames');
    expect(got.batches).toBe(2); // frames without events make no batch
  });

  it('reconnects after the server drops the connection, re-subscribes and emits each trade id once', async () => {
    const v = await venue((ws, i) =>
      onSubscribe(ws, () => {
        const frames =
          i === 0
            ? [1, 2, 3].map((id) => cMatch(id))
            : [cMatch(3, 'last_match'), ...[2, 3, 4, 5].map((id) => cMatch(id))];
        for (const f of frames) ws.send(f);
      }),
    );
    const source = track(coinbaseSource({ ...FAST, url: v.url, symbols: ['BTC-USD'] }));
    const got = collect(source);
    await waitFor(() => got.events.length === 3, 'the first three trades');
    v.sockets[0]?.terminate(); // mid-stream drop, no close frame
    await waitFor(
      () => got.events.length === 5 && source.stats.messages === 8,
      'the trades after the reconnect',
    );
    expect(tradeIds(got.events)).toEqual(['1', '2', '3', '4', '5']);
    expect(v.received.filter((m) => JSON.parse(m).type === 'subscribe')).toHaveLength(2);
    expect(source.stats.reconnects).toBeGreaterThanOrEqual(1);
    expect(source.stats).toMatchObject({ disconnects: 1, duplicates: 3 });
    expect(source.health()).toMatchObject({ ok: true, reconnects: 1 });
  });

  it('terminates and reconnects when the server stops answering pings', async () => {
    const v = await venue(() => {}, { autoPong: false });
    const source = track(
      coinbaseSource({ ...FAST, url: v.url, symbols: ['BTC-USD'], pingIntervalMs: 30, pongTimeoutMs: 30 }),
    );
    collect(source);
    await waitFor(() => source.stats.reconnects >= 1 && v.sockets.length >= 2, 'a reconnect');
    expect(source.stats.pongTimeouts).toBeGreaterThanOrEqual(1);
    await closed(v.sockets[0] as WebSocket);
  });

  it('flags the feed stale and raises one alarm when nothing arrives, and clears it on the next frame', async () => {
    const alarms: SourceAlarm[] = [];
    const v = await venue(() => {});
    const source = track(
      coinbaseSource({
        ...FAST,
        url: v.url,
        symbols: ['BTC-USD'],
        staleAfterMs: 100,
        onAlarm: (a) => alarms.push(a),
      }),
    );
    collect(source);
    await waitFor(() => source.health().stale === true, 'staleness');
    expect(source.health().ok).toBe(false);
    expect(alarms).toEqual([
      { kind: 'stale', venue: 'coinbase', count: 1, message: expect.stringMatching(/100 ms/) },
    ]);
    await new Promise((r) => setTimeout(r, 150));
    expect(source.stats.staleAlarms).toBe(1); // one alarm per stale episode, not one per check
    v.sockets[0]?.send(
      '{"type":"heartbeat","sequence":1,"last_trade_id":1,"product_id":"BTC-USD","time":"2026-01-01T00:00:01Z"}',
    );
    await waitFor(() => source.health().stale === false, 'recovery');
    expect(source.health().ok).toBe(true);
  });

  it('drops the oldest batches when the consumer falls behind, counting them and raising an alarm', async () => {
    const alarms: SourceAlarm[] = [];
    const v = await venue((ws) =>
      onSubscribe(ws, () => {
        for (const id of [1, 2, 3, 4, 5]) ws.send(cMatch(id));
      }),
    );
    const source = track(
      coinbaseSource({
        ...FAST,
        url: v.url,
        symbols: ['BTC-USD'],
        maxQueuedBatches: 2,
        onAlarm: (a) => alarms.push(a),
      }),
    );
    const it = source.batches()[Symbol.asyncIterator]();
    const first = await it.next();
    await waitFor(() => source.stats.messages === 5, 'five frames');
    expect(source.stats).toMatchObject({ droppedBatches: 2, droppedEvents: 2, queued: 2 });
    expect(alarms[0]).toMatchObject({ kind: 'overflow', venue: 'coinbase', count: 1 });
    const rest = [await it.next(), await it.next()];
    expect(tradeIds([...(first.value ?? []), ...rest.flatMap((r) => r.value ?? [])])).toEqual([
      '1',
      '4',
      '5',
    ]);
  });

  it('closes the connection on a frame larger than maxPayload and reconnects', async () => {
    const v = await venue((ws, i) => onSubscribe(ws, () => ws.send(i === 0 ? 'x'.repeat(2_000) : cMatch(7))));
    const source = track(coinbaseSource({ ...FAST, url: v.url, symbols: ['BTC-USD'], maxPayload: 1_024 }));
    const got = collect(source);
    await waitFor(() => got.events.length === 1, 'the trade after the reconnect');
    expect(tradeIds(got.events)).toEqual(['7']);
    expect(source.stats.reconnects).toBe(1);
  });

  it('ends the batches after stop() and closes the socket', async () => {
    const v = await venue((ws) => onSubscribe(ws, () => ws.send(cMatch(1))));
    const source = track(coinbaseSource({ ...FAST, url: v.url, symbols: ['BTC-USD'] }));
    const got = collect(source);
    await waitFor(() => got.events.length === 1, 'a trade');
    await source.stop();
    await got.done;
    await closed(v.sockets[0] as WebSocket);
    expect(source.health()).toMatchObject({ ok: false, detail: expect.stringMatching(/^stopped/) });
  });

  it('allows a single consumer of batches()', () => {
    const source = track(coinbaseSource({ ...FAST, url: 'ws://127.0.0.1:9', symbols: ['BTC-USD'] }));
    source.batches();
    expect(() => source.batches()).toThrow(SourceStateError);
  });

  it('logs connections and disconnections through the injected logger', async () => {
    const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const v = await venue((ws) => onSubscribe(ws, () => ws.terminate()));
    const source = track(coinbaseSource({ ...FAST, url: v.url, symbols: ['BTC-USD'], log }));
    collect(source);
    await waitFor(() => source.stats.reconnects >= 1, 'a reconnect');
    expect(log.info).toHaveBeenCalledWith(
      expect.objectContaining({ venue: 'coinbase' }),
      'websocket connected',
    );
    expect(log.warn).toHaveBeenCalledWith(expect.objectContaining({ code: 1006 }), 'websocket disconnected');
  });
});
