import type { Decision } from '@tickflow/core';
import { emaSeries } from '@tickflow/indicators';
import { describe, expect, it } from 'vitest';
import { EmaCross } from './ema-cross.ts';
import { golden, NOW, run, T0 } from './strategy-test-kit.ts';

const make = (qty = '1') => new EmaCross('synth', 'BTC-USD', { fast: 2, slow: 4, seed: 'first', qty });
const DOWN_UP_DOWN = ['10', '9', '8', '7', '8', '10', '12', '11', '8', '6'];

describe('EmaCross', () => {
  it('decides BUY on the cross above and SELL on the cross below, naming the values', () => {
    expect(golden(run(make(), DOWN_UP_DOWN))).toEqual([
      [6, 'BUY', 'EMA2 crossed above EMA4 (9.27572 > 8.86336)'],
      [9, 'SELL', 'EMA2 crossed below EMA4 (9.01021 < 9.48249)'],
    ]);
  });

  it('fills the decision in SmaCross shape with the EMAs that caused it', () => {
    const prices = DOWN_UP_DOWN.map(Number);
    const [buy] = run(make('0.5'), DOWN_UP_DOWN);
    expect(buy).toStrictEqual<Decision>({
      v: 1,
      id: 'ema-cross:synth:BTC-USD:6',
      strategy: 'ema-cross',
      venue: 'synth',
      symbol: 'BTC-USD',
      action: 'BUY',
      qty: '0.5',
      refPrice: '10',
      tickSeq: 6,
      tickTs: T0 + 6_000_000,
      decidedAt: NOW,
      reason: 'EMA2 crossed above EMA4 (9.27572 > 8.86336)',
      indicators: {
        price: 10,
        ema2: emaSeries(prices, 2)[5] as number,
        ema4: emaSeries(prices, 4)[5] as number,
      },
    });
  });

  it('decides nothing on the first ordering of the averages nor during warm-up', () => {
    expect(run(make(), ['1', '2', '3', '4', '5', '6', '7'])).toEqual([]);
    expect(run(make(), ['10', '1', '100'])).toEqual([]);
  });

  it('throws RangeError when fast >= slow', () => {
    expect(() => new EmaCross('synth', 'BTC-USD', { fast: 4, slow: 4, seed: 'first', qty: '1' })).toThrow(
      RangeError,
    );
  });
});
