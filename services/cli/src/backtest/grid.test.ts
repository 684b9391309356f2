import { ConfigError } from '@tickflow/runtime';
import { describe, expect, it } from 'vitest';
import { combinations, parseGrid, parseWalkForward } from './grid.ts';
import { bestOf } from './metric.ts';

const problem = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.join('\n');
  }
  throw new Error('expected a ConfigError');
};

describe('--grid syntax', () => {
  it('expands ranges with their step, lists and single values', () => {
    expect(parseGrid('fast=5..20:5,slow=20..60:10, seed=first|sma,period=14')).toEqual([
      { name: 'fast', values: [5, 10, 15, 20] },
      { name: 'slow', values: [20, 30, 40, 50, 60] },
      { name: 'seed', values: ['first', 'sma'] },
      { name: 'period', values: [14] },
    ]);
  });

  it('steps decimals without float drift and stops at hi when the step does not land on it', () => {
    expect(parseGrid('multiplier=1.5..2.2:0.1')[0]?.values).toEqual([1.5, 1.6, 1.7, 1.8, 1.9, 2, 2.1, 2.2]);
    expect(parseGrid('fast=5..12:5')[0]?.values).toEqual([5, 10]);
    expect(parseGrid('fast=3..5')[0]?.values).toEqual([3, 4, 5]);
  });

  it('takes SYMBOL.name for one symbol', () => {
    expect(parseGrid('BTC-USD.period=10|20')[0]?.name).toBe('BTC-USD.period');
  });

  it.each([
    ['', /empty/],
    ['fast', /"fast": expected name=lo\.\.hi:step/],
    ['fast=5..20:0', /fast=5\.\.20:0: the step must be > 0/],
    ['fast=20..5', /fast=20\.\.5: 5 is below 20/],
    ['fast=5..x', /expected lo\.\.hi:step, e\.g\. fast=5\.\.20:5/],
    ['fast=1|1', /a value repeats/],
    ['fast=1,fast=2', /fast is given twice/],
    ['fa st=1', /"fa st" is not a parameter name/],
    ['fast=a b', /"a b" is not a number or a word/],
    ['a=1..200,b=1..200', /40000 combinations; at most 10000/],
  ])('refuses %j, saying why', (text, message) => {
    expect(problem(() => parseGrid(text))).toMatch(message);
  });

  it('lists combinations with the first parameter varying slowest', () => {
    expect(combinations(parseGrid('fast=1|2,slow=5|6'))).toEqual([
      { fast: 1, slow: 5 },
      { fast: 1, slow: 6 },
      { fast: 2, slow: 5 },
      { fast: 2, slow: 6 },
    ]);
  });
});

describe('--walk-forward syntax', () => {
  it('reads training and test days, the d optional', () => {
    expect(parseWalkForward('train=5d,test=1d')).toEqual({ trainDays: 5, testDays: 1 });
    expect(parseWalkForward('train=20, test=5')).toEqual({ trainDays: 20, testDays: 5 });
  });

  it.each(['train=5d', 'test=1d,train=5d', 'train=0d,test=1d', 'train=5w,test=1d'])('refuses %j', (text) => {
    expect(problem(() => parseWalkForward(text))).toMatch(
      /--walk-forward: expected train=<days>d,test=<days>d/,
    );
  });
});

describe('choosing the best combination', () => {
  it('takes the highest value, the first on a tie, skipping those not run', () => {
    expect(bestOf([1, 3, undefined, 3, 2])).toBe(1);
    expect(bestOf([undefined, -5, -2])).toBe(2);
  });

  it('falls back to the first that ran when none has a value, and to none when none ran', () => {
    expect(bestOf([undefined, null, null])).toBe(1);
    expect(bestOf([undefined, undefined])).toBeNull();
  });
});
