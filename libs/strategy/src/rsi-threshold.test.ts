import { rsiSeries } from '@tickflow/indicators';
import { describe, expect, it } from 'vitest';
import { RsiThreshold } from './rsi-threshold.ts';
import { golden, run } from './strategy-test-kit.ts';

const make = () =>
  new RsiThreshold('synth', 'BTC-USD', { period: 3, oversold: 30, overbought: 70, qty: '1' });
// RSI3 (Wilder): seq 4 66.7, 5 44.4, 6 29.6, 7 19.75, 8 46.5 (up through 30) … 13 92.96, 14 61.97.
const PATH = ['10', '11', '12', '11', '10', '9', '8', '9', '10', '11', '12', '13', '14', '13', '12'];

describe('RsiThreshold', () => {
  it('decides BUY leaving oversold and SELL leaving overbought', () => {
    expect(golden(run(make(), PATH))).toEqual([
      [8, 'BUY', 'RSI3 crossed up through 30 (19.7531 → 46.5021)'],
      [14, 'SELL', 'RSI3 crossed down through 70 (92.955 → 61.97)'],
    ]);
  });

  it('snapshots the RSI that caused the decision', () => {
    const [buy] = run(make(), PATH);
    expect(buy?.indicators).toEqual({ price: 9, rsi3: rsiSeries(PATH.map(Number), 3)[7] });
  });

  it('decides nothing when the RSI enters a zone, only when it leaves it', () => {
    expect(run(make(), PATH.slice(0, 7))).toEqual([]);
  });

  it('throws RangeError unless 0 < oversold < overbought < 100', () => {
    expect(
      () => new RsiThreshold('synth', 'X', { period: 3, oversold: 70, overbought: 30, qty: '1' }),
    ).toThrow(RangeError);
  });
});
