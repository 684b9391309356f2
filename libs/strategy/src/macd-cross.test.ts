import { macdSeries } from '@tickflow/indicators';
import { describe, expect, it } from 'vitest';
import { MacdCross } from './macd-cross.ts';
import { golden, run } from './strategy-test-kit.ts';

const make = () =>
  new MacdCross('synth', 'BTC-USD', { fast: 2, slow: 4, signal: 2, seed: 'first', qty: '1' });
const PATH = ['10', '9', '8', '7', '8', '10', '12', '11', '8', '6', '7', '9', '12', '13'];

describe('MacdCross', () => {
  it('decides SELL when MACD crosses below its signal line and BUY when it crosses above', () => {
    expect(golden(run(make(), PATH))).toEqual([
      [8, 'SELL', 'MACD crossed below its signal line (0.559826 < 0.604733)'],
      [11, 'BUY', 'MACD crossed above its signal line (-0.65256 > -0.688979)'],
    ]);
  });

  it('fires exactly where the batch MACD histogram changes sign, with its values', () => {
    const series = macdSeries(PATH.map(Number), 2, 4, 2);
    const signs = series.map((m) => (m ? Math.sign(m.histogram) : 0));
    // The first side (seq 5: + after the 0 at seq 4) is not a decision; seq 8 and 11 flip it.
    expect(signs.slice(3, 11)).toEqual([0, 1, 1, 1, -1, -1, -1, 1]);
    const [sell] = run(make(), PATH);
    expect(sell?.indicators).toEqual({ price: 11, ...series[7] });
  });
});
