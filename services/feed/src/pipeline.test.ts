import { describe, expect, it } from 'vitest';
import { type Outcome, TickPipeline } from './pipeline.ts';
import type { RawTrade, SourceEvent } from './sources/types.ts';

const NOW = 1_770_000_000_000_000;
const trade = (over: Partial<RawTrade> = {}): SourceEvent => ({
  kind: 'trade',
  trade: {
    venue: 'binance',
    symbol: 'BTC-USDT',
    ts: NOW - 1000,
    price: '100.5',
    size: '0.1',
    recvTs: NOW,
    ...over,
  },
});
const pipeline = () =>
  new TickPipeline({
    dedupWindow: 100,
    spike: { maxPct: 10, window: 21, minSamples: 5 },
    maxFutureMicros: 5_000_000,
  });
const seqOf = (o: Outcome) => (o.kind === 'publish' ? o.tick.seq : undefined);

describe('TickPipeline', () => {
  it('numbers each venue+symbol from 1 without gaps', () => {
    const p = pipeline();
    expect(
      [trade(), trade(), trade({ symbol: 'ETH-USDT' }), trade()].map((e) => seqOf(p.handle(e, NOW))),
    ).toEqual([1, 2, 1, 3]);
  });

  it('continues a resumed sequence', () => {
    const p = pipeline();
    p.resume('binance', 'BTC-USDT', 41);
    expect(p.knows('binance', 'BTC-USDT')).toBe(true);
    expect(seqOf(p.handle(trade(), NOW))).toBe(42);
  });

  it('rejects an invalid trade with its code and raw input, without consuming a seq', () => {
    const p = pipeline();
    const bad = p.handle(trade({ price: '-3' }), NOW);
    expect(bad).toMatchObject({ kind: 'reject', code: 'NON_POSITIVE_PRICE', venue: 'binance' });
    expect(bad.kind === 'reject' && JSON.parse(bad.raw).price).toBe('-3');
    expect(seqOf(p.handle(trade(), NOW))).toBe(1);
  });

  it('passes a source-level invalid event through as a reject', () => {
    const out = pipeline().handle(
      { kind: 'invalid', venue: 'binance', raw: '{oops', code: 'BAD_JSON', reason: 'x' },
      NOW,
    );
    expect(out).toMatchObject({ kind: 'reject', code: 'BAD_JSON', raw: '{oops' });
  });

  it('drops a replayed venue trade id as a duplicate, without a seq', () => {
    const p = pipeline();
    expect(seqOf(p.handle(trade({ tradeId: '7' }), NOW))).toBe(1);
    expect(p.handle(trade({ tradeId: '7' }), NOW)).toMatchObject({ kind: 'duplicate', tradeId: '7' });
    expect(seqOf(p.handle(trade({ tradeId: '8' }), NOW))).toBe(2);
  });

  it('quarantines a price spike as PRICE_SPIKE', () => {
    const p = pipeline();
    for (let i = 0; i < 10; i++) p.handle(trade(), NOW);
    expect(p.handle(trade({ price: '1005' }), NOW)).toMatchObject({ kind: 'reject', code: 'PRICE_SPIKE' });
  });

  it('publishes an out-of-order exchange time but flags it', () => {
    const p = pipeline();
    p.handle(trade({ ts: NOW - 10 }), NOW);
    const late = p.handle(trade({ ts: NOW - 20 }), NOW);
    expect(late).toMatchObject({ kind: 'publish', outOfOrder: true });
    expect(p.handle(trade({ ts: NOW - 5 }), NOW)).toMatchObject({ kind: 'publish', outOfOrder: false });
  });

  it('rejects a timestamp too far in the future', () => {
    expect(pipeline().handle(trade({ ts: NOW + 60_000_000 }), NOW)).toMatchObject({
      kind: 'reject',
      code: 'FUTURE_TIMESTAMP',
    });
  });

  it('rejects a trade with the venue frame it came from as raw, clipped to 16 KiB, not its re-encoding', () => {
    const p = pipeline();
    const frame = '{ "p": "0",  "q": "0.1" }';
    expect(p.handle(trade({ price: '0', raw: frame }), NOW)).toMatchObject({ kind: 'reject', raw: frame });
    const huge = `{"p":"0","pad":"${'x'.repeat(20_000)}"}`;
    const clipped = p.handle(trade({ price: '0', raw: huge }), NOW);
    expect(clipped).toMatchObject({
      raw: huge.slice(0, 16_384),
      reason: expect.stringMatching(/clipped from 20018 chars/),
    });
    // Without a frame (synthetic, replay) the trade itself is the raw text.
    const plain = p.handle(trade({ price: '0' }), NOW);
    expect(plain.kind === 'reject' && JSON.parse(plain.raw)).toMatchObject({
      price: '0',
      symbol: 'BTC-USDT',
    });
  });
});
