import { isDecimalString, isValidSymbol } from '@tickflow/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coinbaseSubscribe, mapCoinbaseMessage, parseIsoMicros } from './coinbase.ts';
import { MAX_RAW_CHARS } from './mapping.ts';

const RECV = 1_700_000_000_123_456;
// The `match` example of Coinbase Exchange's websocket documentation, verbatim.
const MATCH = JSON.stringify({
  type: 'match',
  trade_id: 10,
  sequence: 50,
  maker_order_id: 'ac928c66-ca53-498f-9c13-a110027a60e8',
  taker_order_id: '132fb6ae-456b-4654-b4e0-d681ac05cea1',
  time: '2014-11-07T08:19:27.028459Z',
  product_id: 'BTC-USD',
  size: '5.23512',
  price: '400.23',
  side: 'sell',
});
/** 2014-11-07T08:19:27Z in epoch seconds. */
const SECONDS = 1_415_348_367;

const withFields = (patch: Record<string, unknown>): string =>
  JSON.stringify({ ...JSON.parse(MATCH), ...patch });

describe('mapCoinbaseMessage', () => {
  it('maps a match to a trade with exact microseconds and the taker as aggressor', () => {
    expect(mapCoinbaseMessage(MATCH, RECV)).toEqual([
      {
        kind: 'trade',
        trade: {
          venue: 'coinbase',
          symbol: 'BTC-USD',
          ts: SECONDS * 1_000_000 + 28_459,
          price: '400.23',
          size: '5.23512',
          side: 'buy',
          tradeId: '10',
          recvTs: RECV,
        },
      },
    ]);
  });

  it('reads side as the maker side: maker sell → aggressive buy, maker buy → aggressive sell', () => {
    expect(mapCoinbaseMessage(withFields({ side: 'sell' }), RECV)[0]).toMatchObject({
      trade: { side: 'buy' },
    });
    expect(mapCoinbaseMessage(withFields({ side: 'buy' }), RECV)[0]).toMatchObject({
      trade: { side: 'sell' },
    });
  });

  it('maps last_match like a match (the trade-id dedup drops it when already seen)', () => {
    const last = withFields({ type: 'last_match' });
    expect(mapCoinbaseMessage(last, RECV)).toEqual(mapCoinbaseMessage(MATCH, RECV));
  });

  it('normalises the product id', () => {
    expect(mapCoinbaseMessage(withFields({ product_id: 'eth-eur' }), RECV)[0]).toMatchObject({
      trade: { symbol: 'ETH-EUR' },
    });
  });

  it('ignores subscriptions and heartbeats', () => {
    const subs = '{"type":"subscriptions","channels":[{"name":"matches","product_ids":["BTC-USD"]}]}';
    const beat =
      '{"type":"heartbeat","sequence":90,"last_trade_id":20,"product_id":"BTC-USD","time":"2014-11-07T08:19:28.464459Z"}';
    expect(mapCoinbaseMessage(subs, RECV)).toEqual([]);
    expect(mapCoinbaseMessage(beat, RECV)).toEqual([]);
  });

  it('turns an error message into a VENUE_ERROR event carrying the message', () => {
    const text = '{"type":"error","message":"Failed to subscribe","reason":"BTC-XYZ is not a valid product"}';
    const [e] = mapCoinbaseMessage(text, RECV);
    expect(e).toMatchObject({ kind: 'invalid', venue: 'coinbase', code: 'VENUE_ERROR', raw: text });
    expect(e?.kind === 'invalid' && e.reason).toMatch(/Failed to subscribe.*not a valid product/);
  });

  it.each([
    ['{', 'BAD_JSON'],
    ['null', 'UNKNOWN_MESSAGE'],
    ['{"type":"ticker","product_id":"BTC-USD"}', 'UNKNOWN_MESSAGE'],
    ['{"no":"type"}', 'UNKNOWN_MESSAGE'],
    [withFields({ trade_id: undefined }), 'MISSING_FIELD'],
    [withFields({ price: 400.23 }), 'MISSING_FIELD'],
    [withFields({ size: undefined }), 'MISSING_FIELD'],
    [withFields({ time: 1415348367 }), 'MISSING_FIELD'],
    [withFields({ product_id: undefined }), 'MISSING_FIELD'],
    [withFields({ trade_id: 1.5 }), 'BAD_FIELD'],
    [withFields({ price: '4e2' }), 'BAD_FIELD'],
    [withFields({ time: '2014-11-07 08:19:27Z' }), 'BAD_FIELD'],
    [withFields({ time: '2014-02-30T08:19:27.028459Z' }), 'BAD_FIELD'],
    [withFields({ side: 'short' }), 'BAD_FIELD'],
    [withFields({ product_id: 'BTC.USD' }), 'BAD_SYMBOL'],
    [withFields({ product_id: 'BTC-USD-PERP' }), 'BAD_SYMBOL'],
  ])('turns %s into an invalid event %s with the raw text', (text, code) => {
    expect(mapCoinbaseMessage(text, RECV)).toEqual([
      { kind: 'invalid', venue: 'coinbase', raw: text, code, reason: expect.any(String) },
    ]);
  });

  it('never throws and emits only trades with valid symbols and decimal strings, or invalid events', () => {
    const check = (text: string) => {
      for (const e of mapCoinbaseMessage(text, RECV)) {
        if (e.kind === 'trade') {
          expect(isValidSymbol(e.trade.symbol)).toBe(true);
          expect(isDecimalString(e.trade.price) && isDecimalString(e.trade.size)).toBe(true);
          expect(Number.isSafeInteger(e.trade.ts)).toBe(true);
        } else {
          expect(e).toMatchObject({ kind: 'invalid', venue: 'coinbase', raw: text.slice(0, MAX_RAW_CHARS) });
        }
      }
    };
    fc.assert(fc.property(fc.string(), check), { numRuns: 2_000 });
    const match = fc.record(
      {
        type: fc.constantFrom('match', 'last_match', 'heartbeat', 'error', 'open'),
        trade_id: fc.oneof(fc.nat(), fc.double(), fc.string()),
        product_id: fc.oneof(fc.constantFrom('BTC-USD', 'eth-usd'), fc.string()),
        price: fc.oneof(fc.constantFrom('400.23', '-1', '1e3'), fc.string(), fc.double()),
        size: fc.oneof(fc.constant('5.2'), fc.string()),
        time: fc.oneof(
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          fc.constant('2014-11-07T08:19:27.028459Z'),
          fc.string(),
        ),
        side: fc.oneof(fc.constantFrom('buy', 'sell'), fc.string()),
        message: fc.anything(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(match, (msg) => check(JSON.stringify(msg))),
      { numRuns: 2_000 },
    );
  });
});

describe('parseIsoMicros', () => {
  it('keeps all six fractional digits that Date.parse would lose', () => {
    expect(parseIsoMicros('2014-11-07T08:19:27.028459Z')).toBe(SECONDS * 1_000_000 + 28_459);
    expect(parseIsoMicros('2014-11-07T08:19:27.000001Z')).toBe(SECONDS * 1_000_000 + 1);
    expect(parseIsoMicros('2014-11-07T08:19:27.999999Z')).toBe(SECONDS * 1_000_000 + 999_999);
  });

  it('reads shorter fractions as decimals and truncates beyond microseconds', () => {
    expect(parseIsoMicros('2014-11-07T08:19:27Z')).toBe(SECONDS * 1_000_000);
    expect(parseIsoMicros('2014-11-07T08:19:27.5Z')).toBe(SECONDS * 1_000_000 + 500_000);
    expect(parseIsoMicros('2014-11-07T08:19:27.028Z')).toBe(SECONDS * 1_000_000 + 28_000);
    expect(parseIsoMicros('2014-11-07T08:19:27.028459999Z')).toBe(SECONDS * 1_000_000 + 28_459);
  });

  it('applies a UTC offset', () => {
    expect(parseIsoMicros('2014-11-07T09:19:27.028459+01:00')).toBe(SECONDS * 1_000_000 + 28_459);
    expect(parseIsoMicros('2014-11-07T03:49:27.028459-0430')).toBe(SECONDS * 1_000_000 + 28_459);
  });

  it('agrees with Date.parse to the millisecond on any date', () => {
    fc.assert(
      fc.property(
        fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(4e12) }),
        fc.nat(999),
        (d, us) => {
          const iso = d.toISOString().replace('Z', `${String(us).padStart(3, '0')}Z`);
          expect(parseIsoMicros(iso)).toBe(d.getTime() * 1000 + us);
        },
      ),
    );
  });

  it.each([
    '2014-11-07',
    '2014-11-07T08:19:27',
    '2014-13-07T08:19:27Z',
    '2014-11-31T08:19:27Z',
    '2015-02-29T00:00:00Z',
    '2014-11-07T24:00:00Z',
    '2014-11-07T08:60:00Z',
    '2014-11-07T08:19:60Z',
    '2014-11-07T08:19:27.Z',
    '2014-11-07T08:19:27.1234567890Z',
    '2014-11-07T08:19:27+25:00',
    ' 2014-11-07T08:19:27Z',
  ])('rejects %s', (text) => {
    expect(parseIsoMicros(text)).toBeUndefined();
  });

  it('accepts a leap day', () => {
    expect(parseIsoMicros('2016-02-29T00:00:00Z')).toBe(Date.UTC(2016, 1, 29) * 1000);
  });
});

describe('coinbaseSubscribe', () => {
  it('subscribes to matches and heartbeat for the products', () => {
    expect(coinbaseSubscribe(['BTC-USD', 'ETH-USD'])).toEqual({
      type: 'subscribe',
      product_ids: ['BTC-USD', 'ETH-USD'],
      channels: ['matches', 'heartbeat'],
    });
  });
});
