import { readFileSync } from 'node:fs';
import { systemClock } from '@tickflow/core';
import { createLogger } from '@tickflow/runtime';
import { describe, expect, it } from 'vitest';
import { ExchangeSource } from './exchange-source.ts';
import { createWsMapper, parseWsMapping, WsMappingError } from './generic.ts';
import { collect, startVenue, waitFor } from './ws-test-kit.ts';

const KRAKEN = parseWsMapping(
  JSON.parse(readFileSync(new URL('../../examples/kraken-v2.json', import.meta.url), 'utf8')),
);
const trade = (over: Record<string, unknown> = {}) => ({
  symbol: 'BTC/USD',
  side: 'sell',
  price: 87250.1,
  qty: 0.0125,
  ord_type: 'market',
  trade_id: 4665906,
  timestamp: '2026-01-05T14:30:00.123456Z',
  ...over,
});
const frame = (...trades: unknown[]) => JSON.stringify({ channel: 'trade', type: 'update', data: trades });
const map = createWsMapper(KRAKEN);

describe('the generic ws mapping', () => {
  it('maps every trade of a frame, numbers kept in their shortest exact spelling, ISO time to µs', () => {
    expect(map(frame(trade(), trade({ trade_id: 4665907, side: 'buy', price: '87251.20' })), 99)).toEqual([
      {
        kind: 'trade',
        trade: {
          venue: 'kraken',
          symbol: 'BTC-USD',
          ts: Date.parse('2026-01-05T14:30:00Z') * 1000 + 123_456,
          price: '87250.1',
          size: '0.0125',
          side: 'sell',
          tradeId: '4665906',
          recvTs: 99,
        },
      },
      expect.objectContaining({
        kind: 'trade',
        trade: expect.objectContaining({ price: '87251.20', side: 'buy' }),
      }),
    ]);
  });

  it('skips ignored frames and quarantines unknown ones and bad fields, with a reason', () => {
    expect(map(JSON.stringify({ channel: 'heartbeat' }), 1)).toEqual([]);
    expect(map(JSON.stringify({ channel: 'book' }), 1)).toEqual([
      expect.objectContaining({ kind: 'invalid', code: 'UNKNOWN_MESSAGE' }),
    ]);
    expect(map('{oops', 1)).toEqual([expect.objectContaining({ kind: 'invalid', code: 'BAD_JSON' })]);
    expect(map(frame(trade({ price: 'n/a' })), 1)).toEqual([
      expect.objectContaining({
        kind: 'invalid',
        code: 'BAD_FIELD',
        reason: 'field price is not a decimal: "n/a"',
      }),
    ]);
    expect(map(frame(trade({ side: 'x' })), 1)).toEqual([expect.objectContaining({ code: 'BAD_FIELD' })]);
    expect(map(frame(trade({ symbol: 'btc usd' })), 1)).toEqual([
      expect.objectContaining({ code: 'BAD_SYMBOL' }),
    ]);
  });

  it('refuses a mapping without the fields it needs, naming the key', () => {
    const bad = (m: unknown) => {
      try {
        parseWsMapping(m);
      } catch (err) {
        expect(err).toBeInstanceOf(WsMappingError);
        return (err as Error).message;
      }
      return 'parsed';
    };
    expect(bad({ venue: 'x', fields: { symbol: 's', price: 'p', size: 'q' } })).toBe(
      'fields.ts: a path is required',
    );
    expect(bad({ venue: 'X', fields: {} })).toMatch(/^venue:/);
    expect(bad({ venue: 'x', fields: { symbol: 's', price: 'p', size: 'q', ts: 't' }, time: 'h' })).toMatch(
      /^time:/,
    );
    expect(bad({ venue: 'x', extra: 1 })).toBe('extra: unknown key');
  });

  it('subscribes on connect and streams mapped trades from a local venue', async () => {
    const venue = await startVenue((ws) => {
      ws.on('message', () => ws.send(frame(trade(), trade({ trade_id: 4665907 }))));
    });
    const source = new ExchangeSource({
      name: 'kraken',
      venue: 'kraken',
      url: venue.url,
      map: createWsMapper(KRAKEN),
      subscribeMessages: KRAKEN.subscribe.map((m) => JSON.stringify(m)),
      clock: systemClock,
      log: createLogger('test', 'silent'),
    });
    const got = collect(source);
    await waitFor(() => got.events.length === 2, 'two trades');
    source.stop();
    await got.done;
    await venue.close();
    expect(JSON.parse(venue.received[0] ?? '{}')).toMatchObject({
      method: 'subscribe',
      params: { channel: 'trade' },
    });
    expect(got.events.map((e) => (e.kind === 'trade' ? e.trade.tradeId : e.kind))).toEqual([
      '4665906',
      '4665907',
    ]);
  });
});
