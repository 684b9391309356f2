import type { Decision, Tick } from '@tickflow/core';
import { describe, expect, it } from 'vitest';
import { SmaCross } from './sma-cross.ts';

const T0 = 1_767_225_600_000_000;
const NOW = 1_767_230_000_000_123;

const tick = (seq: number, price: string, symbol = 'BTC-USD'): Tick => ({
  v: 1,
  venue: 'synth',
  symbol,
  seq,
  ts: T0 + seq * 1_000_000,
  price,
  size: '1',
  recvTs: T0 + seq * 1_000_000 + 500,
});

/** Feeds prices as seq 1, 2, ... and returns every decision. */
const run = (prices: string[], strategy = new SmaCross('synth', 'BTC-USD', { fast: 2, slow: 4, qty: '1' })) =>
  prices.flatMap((p, i) => strategy.onTick(tick(i + 1, p), NOW) ?? []);

// Down (warm-up ends with fast 7.5 < slow 8.5), up (seq 6: fast 9 > slow 8.25), down (seq 9: 9.5 < 10.25).
const DOWN_UP_DOWN = ['10', '9', '8', '7', '8', '10', '12', '11', '8', '6'];

describe('SmaCross', () => {
  it('decides BUY on the cross above and SELL on the cross below', () => {
    const decisions = run(DOWN_UP_DOWN);
    expect(decisions.map((d) => [d.action, d.tickSeq])).toEqual([
      ['BUY', 6],
      ['SELL', 9],
    ]);
  });

  it('fills the decision from the tick, the params and the injected now', () => {
    const [buy] = run(DOWN_UP_DOWN);
    expect(buy).toStrictEqual<Decision>({
      v: 1,
      id: 'sma-cross:synth:BTC-USD:6',
      strategy: 'sma-cross',
      venue: 'synth',
      symbol: 'BTC-USD',
      action: 'BUY',
      qty: '1',
      refPrice: '10',
      tickSeq: 6,
      tickTs: T0 + 6_000_000,
      decidedAt: NOW,
      reason: 'SMA2 crossed above SMA4',
      indicators: { price: 10, sma2: 9, sma4: 8.25 },
    });
  });

  it('keeps the tick price string verbatim as refPrice', () => {
    const decisions = run(['10.00', '9.00', '8.00', '7.00', '8.00', '10.50', '12.00', '11.00', '8.10']);
    expect(decisions.map((d) => [d.id, d.refPrice])).toEqual([
      ['sma-cross:synth:BTC-USD:6', '10.50'],
      ['sma-cross:synth:BTC-USD:9', '8.10'],
    ]);
  });

  it('decides nothing during warm-up, even on a big move', () => {
    expect(run(['10', '1', '100'])).toEqual([]);
  });

  it('decides nothing on the first ordering of the averages', () => {
    expect(run(['1', '2', '3', '4', '5', '6', '7'])).toEqual([]);
    expect(run(['7', '6', '5', '4', '3', '2', '1'])).toEqual([]);
  });

  it('decides SELL first when the averages start in the BUY ordering', () => {
    // seq 5: fast 2.5 == slow 2.5; seq 6: fast 0.75 < slow 2.125.
    const decisions = run(['1', '2', '3', '4', '1', '0.5']);
    expect(decisions.map((d) => [d.action, d.tickSeq])).toEqual([['SELL', 6]]);
  });

  it('decides nothing when the averages touch and part on the same side', () => {
    // seq 5: fast 8.5 == slow 8.5; seq 6: fast 7 < slow 7.25 again.
    expect(run(['10', '9', '8', '7', '10', '4'])).toEqual([]);
  });

  it('decides on a cross that passes through equal averages', () => {
    // seq 5: equal; seq 6: fast 11 > slow 9.25.
    expect(run(['10', '9', '8', '7', '10', '12']).map((d) => [d.action, d.tickSeq])).toEqual([['BUY', 6]]);
  });

  it('uses the qty param', () => {
    const s = new SmaCross('synth', 'BTC-USD', { fast: 2, slow: 4, qty: '0.25' });
    expect(run(DOWN_UP_DOWN, s).map((d) => d.qty)).toEqual(['0.25', '0.25']);
  });

  it('reports the latest price and averages as indicators', () => {
    const s = new SmaCross('synth', 'BTC-USD', { fast: 2, slow: 4, qty: '1' });
    expect(s.indicators()).toEqual({});
    s.onTick(tick(1, '10'), NOW);
    s.onTick(tick(2, '20'), NOW);
    expect(s.indicators()).toEqual({ price: 20, sma2: 15 });
  });

  it.each([
    [4, 4],
    [5, 4],
  ])('throws RangeError when fast %i >= slow %i', (fast, slow) => {
    expect(() => new SmaCross('synth', 'BTC-USD', { fast, slow, qty: '1' })).toThrow(RangeError);
  });
});
