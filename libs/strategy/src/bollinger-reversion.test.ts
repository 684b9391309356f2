import { describe, expect, it } from 'vitest';
import { BollingerReversion } from './bollinger-reversion.ts';
import { golden, run } from './strategy-test-kit.ts';

const make = () => new BollingerReversion('synth', 'BTC-USD', { period: 5, multiplier: 1.5, qty: '1' });
// seq 6: window 10,10,10,10,7 → mean 9.4, σ 1.2, lower 7.6; seq 8: mean 8.8 ≤ 9;
// seq 11: window 8,9,10,11,13 → mean 10.2, σ √2.96, upper 12.7807; seq 13: mean 11.4 ≥ 11.
const PATH = ['10', '10', '10', '10', '10', '7', '8', '9', '10', '11', '13', '12', '11', '10', '9', '10'];

describe('BollingerReversion', () => {
  it('enters below the lower band / above the upper band and goes FLAT back at the middle band', () => {
    expect(golden(run(make(), PATH))).toEqual([
      [6, 'BUY', 'price 7 closed below the lower band 7.6'],
      [8, 'FLAT', 'price 9 crossed back up to the middle band 8.8'],
      [11, 'SELL', 'price 13 closed above the upper band 12.7807'],
      [13, 'FLAT', 'price 11 crossed back down to the middle band 11.4'],
    ]);
  });

  it('snapshots the bands that caused the decision', () => {
    const [buy] = run(make(), PATH);
    expect(buy?.indicators).toMatchObject({ price: 7, middle: 9.4 });
    expect(buy?.indicators.lower).toBeCloseTo(7.6, 12);
    expect(buy?.indicators.upper).toBeCloseTo(11.2, 12);
  });

  it('enters once per excursion: no second BUY while long', () => {
    // seq 6 BUY at 7, seq 7 at 5 is below the band again but the strategy is already long.
    const ds = run(make(), ['10', '10', '10', '10', '10', '7', '5', '4']);
    expect(ds.map((d) => d.action)).toEqual(['BUY']);
  });

  it('refuses a multiplier no close could ever exceed (≥ √(period − 1))', () => {
    expect(() => new BollingerReversion('synth', 'X', { period: 5, multiplier: 2, qty: '1' })).toThrow(
      RangeError,
    );
  });
});
