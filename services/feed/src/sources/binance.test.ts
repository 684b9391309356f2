import { isDecimalString, isValidSymbol } from '@tickflow/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BINANCE_QUOTES,
  binanceSubscribe,
  binanceSymbol,
  createBinanceMapper,
  isServerShutdown,
  mapBinanceMessage,
  toBinanceSymbol,
} from './binance.ts';
import { MAX_RAW_CHARS } from './mapping.ts';
import type { SourceEvent } from './types.ts';

const RECV = 1_700_000_000_123_456;
// The examples of Binance's "WebSocket Streams for Binance" documentation, verbatim.
const TRADE =
  '{"e":"trade","E":123456789,"s":"BTCUSDT","t":12345,"p":"0.001","q":"100","T":123456785,"m":true,"M":true}';
const AGG =
  '{"e":"aggTrade","E":123456789,"s":"BNBBTC","a":12345,"p":"0.001","q":"100","f":100,"l":105,"T":123456785,"m":true}';

const withFields = (base: string, patch: Record<string, unknown>): string =>
  JSON.stringify({ ...JSON.parse(base), ...patch });
const codeOf = (events: SourceEvent[]): string | undefined =>
  events[0]?.kind === 'invalid' ? events[0].code : undefined;

describe('mapBinanceMessage', () => {
  it('maps a raw @trade message to a trade with our symbol, micros and the venue strings', () => {
    expect(mapBinanceMessage(TRADE, RECV)).toEqual([
      {
        kind: 'trade',
        trade: {
          venue: 'binance',
          symbol: 'BTC-USDT',
          ts: 123_456_785_000,
          price: '0.001',
          size: '100',
          side: 'sell',
          tradeId: '12345',
          recvTs: RECV,
        },
      },
    ]);
  });

  it('reads m: true (buyer is maker) as an aggressive sell and m: false as an aggressive buy', () => {
    const side = (m: boolean) => {
      const [e] = mapBinanceMessage(withFields(TRADE, { m }), RECV);
      return e?.kind === 'trade' ? e.trade.side : undefined;
    };
    expect(side(true)).toBe('sell');
    expect(side(false)).toBe('buy');
  });

  it('leaves the side out when m is absent', () => {
    const { m: _m, ...rest } = JSON.parse(TRADE);
    const [e] = mapBinanceMessage(JSON.stringify(rest), RECV);
    expect(e?.kind === 'trade' && 'side' in e.trade).toBe(false);
  });

  it('maps an @aggTrade message with an a-prefixed trade id so aggregate and plain ids never collide', () => {
    const [e] = mapBinanceMessage(AGG, RECV);
    expect(e).toMatchObject({ kind: 'trade', trade: { symbol: 'BNB-BTC', tradeId: 'a12345', side: 'sell' } });
    const [t] = mapBinanceMessage(withFields(TRADE, { s: 'BNBBTC' }), RECV);
    expect(t?.kind === 'trade' && t.trade.tradeId).toBe('12345');
  });

  it('unwraps combined-stream envelopes', () => {
    const wrapped = `{"stream":"btcusdt@trade","data":${TRADE}}`;
    expect(mapBinanceMessage(wrapped, RECV)).toEqual(mapBinanceMessage(TRADE, RECV));
    const agg = `{"stream":"bnbbtc@aggTrade","data":${AGG}}`;
    expect(mapBinanceMessage(agg, RECV)).toEqual(mapBinanceMessage(AGG, RECV));
  });

  it('converts the trade time T from epoch ms to epoch micros exactly', () => {
    const [e] = mapBinanceMessage(withFields(TRADE, { T: 1_767_225_600_123 }), RECV);
    expect(e?.kind === 'trade' && e.trade.ts).toBe(1_767_225_600_123_000);
  });

  it('keeps price and size as the venue spelled them', () => {
    const [e] = mapBinanceMessage(withFields(TRADE, { p: '67012.34000000', q: '0.00010000' }), RECV);
    expect(e).toMatchObject({ trade: { price: '67012.34000000', size: '0.00010000' } });
  });

  it('ignores subscription responses and maps serverShutdown to no event', () => {
    expect(mapBinanceMessage('{"result":null,"id":1}', RECV)).toEqual([]);
    expect(mapBinanceMessage('{"result":["btcusdt@trade"],"id":3}', RECV)).toEqual([]);
    expect(mapBinanceMessage('{"e":"serverShutdown","E":1700000000000}', RECV)).toEqual([]);
  });

  it('turns venue error responses into VENUE_ERROR events', () => {
    expect(codeOf(mapBinanceMessage('{"code":0,"msg":"Unknown property","id":1}', RECV))).toBe('VENUE_ERROR');
    const err = '{"error":{"code":2,"msg":"Invalid request: unknown stream"},"id":1}';
    expect(mapBinanceMessage(err, RECV)[0]).toMatchObject({ kind: 'invalid', code: 'VENUE_ERROR', raw: err });
  });

  it.each([
    ['not json', 'BAD_JSON'],
    ['', 'BAD_JSON'],
    ['[1,2]', 'UNKNOWN_MESSAGE'],
    ['42', 'UNKNOWN_MESSAGE'],
    ['{"e":"kline","s":"BTCUSDT"}', 'UNKNOWN_MESSAGE'],
    ['{"hello":"world"}', 'UNKNOWN_MESSAGE'],
    ['{"stream":"btcusdt@trade","data":"x"}', 'MISSING_FIELD'],
    [withFields(TRADE, { p: undefined }), 'MISSING_FIELD'],
    [withFields(TRADE, { p: 0.001 }), 'MISSING_FIELD'],
    [withFields(TRADE, { q: null }), 'MISSING_FIELD'],
    [withFields(TRADE, { T: '123' }), 'MISSING_FIELD'],
    [withFields(TRADE, { s: 5 }), 'MISSING_FIELD'],
    [withFields(TRADE, { t: undefined }), 'MISSING_FIELD'],
    [withFields(TRADE, { m: 'yes' }), 'MISSING_FIELD'],
    [withFields(TRADE, { p: '1e5' }), 'BAD_FIELD'],
    [withFields(TRADE, { q: 'NaN' }), 'BAD_FIELD'],
    [withFields(TRADE, { T: -1 }), 'BAD_FIELD'],
    [withFields(TRADE, { T: 1.5e300 }), 'BAD_FIELD'],
    [withFields(TRADE, { t: -3 }), 'BAD_FIELD'],
    [withFields(TRADE, { s: 'BTC.USDT' }), 'BAD_SYMBOL'],
    [withFields(TRADE, { s: 'BTC USDT' }), 'BAD_SYMBOL'],
    [withFields(TRADE, { s: '' }), 'BAD_SYMBOL'],
  ])('turns %s into an invalid event %s with the raw text', (text, code) => {
    const events = mapBinanceMessage(text, RECV);
    expect(events).toEqual([
      { kind: 'invalid', venue: 'binance', raw: text, code, reason: expect.any(String) },
    ]);
  });

  it('clips the raw text of a huge invalid frame', () => {
    const [e] = mapBinanceMessage('x'.repeat(MAX_RAW_CHARS + 10), RECV);
    expect(e?.kind === 'invalid' && e.raw.length).toBe(MAX_RAW_CHARS);
    expect(e?.kind === 'invalid' && e.reason).toMatch(/clipped/);
  });

  it('never throws and emits only trades with valid symbols and decimal strings, or invalid events', () => {
    const check = (text: string) => {
      for (const e of mapBinanceMessage(text, RECV)) {
        if (e.kind === 'trade') {
          expect(isValidSymbol(e.trade.symbol)).toBe(true);
          expect(isDecimalString(e.trade.price) && isDecimalString(e.trade.size)).toBe(true);
          expect(Number.isSafeInteger(e.trade.ts)).toBe(true);
        } else {
          expect(e).toMatchObject({ kind: 'invalid', venue: 'binance', raw: text.slice(0, MAX_RAW_CHARS) });
        }
      }
    };
    fc.assert(fc.property(fc.string(), check), { numRuns: 2_000 });
    // Near-miss trades: right shape, arbitrary values.
    const trade = fc.record(
      {
        e: fc.constantFrom('trade', 'aggTrade', 'x'),
        s: fc.oneof(fc.constantFrom('BTCUSDT', 'ETHBTC', 'USDT'), fc.string()),
        t: fc.oneof(fc.nat(), fc.double(), fc.string()),
        a: fc.oneof(fc.nat(), fc.string()),
        p: fc.oneof(fc.constantFrom('1.5', '-1', '1e3'), fc.string(), fc.double()),
        q: fc.oneof(fc.constant('2'), fc.string()),
        T: fc.oneof(fc.nat(), fc.double(), fc.string()),
        m: fc.oneof(fc.boolean(), fc.string()),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(trade, fc.boolean(), (msg, wrap) => {
        const text = JSON.stringify(wrap ? { stream: 'x@trade', data: msg } : msg);
        check(text);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('binanceSymbol', () => {
  it.each([
    ['BTCUSDT', 'BTC-USDT'],
    ['ETHBTC', 'ETH-BTC'],
    ['BNBFDUSD', 'BNB-FDUSD'],
    ['FDUSDUSDT', 'FDUSD-USDT'],
    ['USDTTRY', 'USDT-TRY'],
    ['EURUSDT', 'EUR-USDT'],
    ['btcusdc', 'BTC-USDC'],
    ['1000SATSUSDT', '1000SATS-USDT'],
    ['USDT', 'USDT'],
    ['XYZABC', 'XYZABC'],
  ])('splits %s into %s by the longest known quote suffix', (raw, ours) => {
    expect(binanceSymbol(raw)).toBe(ours);
  });

  it('returns undefined for what cannot be one of our symbols', () => {
    expect(binanceSymbol('BTC.USDT')).toBeUndefined();
    expect(binanceSymbol('A*B')).toBeUndefined();
    expect(binanceSymbol('')).toBeUndefined();
  });

  it('uses a configured quote list', () => {
    expect(binanceSymbol('BTCJPY', [...BINANCE_QUOTES, 'JPY'])).toBe('BTC-JPY');
    expect(binanceSymbol('BTCJPY')).toBe('BTCJPY');
  });

  it('maps subscribed symbols back exactly, whatever the quote list', () => {
    const map = createBinanceMapper({ symbols: ['SOL-JPY'], quotes: [] });
    const [e] = map(withFields(TRADE, { s: 'SOLJPY' }), RECV);
    expect(e).toMatchObject({ kind: 'trade', trade: { symbol: 'SOL-JPY' } });
    expect(toBinanceSymbol('SOL-JPY')).toBe('SOLJPY');
  });
});

describe('isServerShutdown', () => {
  it('recognises the serverShutdown event, bare or in an envelope', () => {
    expect(isServerShutdown('{"e":"serverShutdown","E":1700000000000}')).toBe(true);
    expect(isServerShutdown('{"stream":"btcusdt@trade","data":{"e":"serverShutdown","E":1}}')).toBe(true);
  });

  it('says no to trades, to text merely mentioning it and to bad JSON', () => {
    expect(isServerShutdown(TRADE)).toBe(false);
    expect(isServerShutdown('{"e":"trade","note":"serverShutdown"}')).toBe(false);
    expect(isServerShutdown('serverShutdown')).toBe(false);
  });
});

describe('binanceSubscribe', () => {
  it('builds the SUBSCRIBE method message', () => {
    expect(JSON.parse(binanceSubscribe(['btcusdt@trade']))).toEqual({
      method: 'SUBSCRIBE',
      params: ['btcusdt@trade'],
      id: 1,
    });
  });
});
