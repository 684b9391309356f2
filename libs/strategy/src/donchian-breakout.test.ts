import { describe, expect, it } from 'vitest';
import { DonchianBreakout } from './donchian-breakout.ts';
import { golden, run } from './strategy-test-kit.ts';

const make = () => new DonchianBreakout('synth', 'BTC-USD', { period: 3, qty: '1' });
const PATH = ['10', '11', '12', '11', '13', '14', '12', '10', '9', '8', '11', '10', '9', '12', '13'];

describe('DonchianBreakout', () => {
  it('breaks out against the channel of the previous N prices, one signal per direction', () => {
    // seq 5: 13 > max(11,12,11); seq 6: 14 is a new high but already long; seq 8: 10 < min(13,14,12);
    // seq 11: 11 > max(10,9,8); seq 14: 12 > max(11,10,9) but already long.
    expect(golden(run(make(), PATH))).toEqual([
      [5, 'BUY', 'price 13 broke above the 3-price high 12'],
      [8, 'SELL', 'price 10 broke below the 3-price low 12'],
      [11, 'BUY', 'price 11 broke above the 3-price high 10'],
    ]);
  });

  it('excludes the current price from the channel and snapshots the channel that caused it', () => {
    const [buy] = run(make(), PATH);
    expect(buy?.indicators).toEqual({ price: 13, high: 12, low: 11 });
  });

  it('decides nothing until N previous prices exist, and nothing on a touch of the channel', () => {
    expect(run(make(), ['10', '11', '100'])).toEqual([]);
    expect(run(make(), ['10', '11', '12', '12', '11'])).toEqual([]);
  });
});
