import { join } from 'node:path';
import { ConfigError } from '@tickflow/runtime';
import { describe, expect, it } from 'vitest';
import { GridStrategies } from './grid-strategies.ts';

/** The example config: sma-cross by default; RSI, Bollinger, Donchian, MACD, EMA and SMA overrides. */
const EXAMPLE = join(import.meta.dirname, '../../../../libs/strategy/examples/strategies.json');
const SMA = { fast: 10, slow: 30, qty: '1' };

/** The parameters the factory's strategy for `symbol` was built with, read from its decisions' reason. */
const built = (s: GridStrategies, c: Record<string, number | string>, symbol: string) =>
  (s.factoryFor(c)('v', symbol) as unknown as { inner: { params: Record<string, unknown> } }).inner.params;

describe('grid parameter names on a strategy config', () => {
  it('writes a bare name to every strategy that has it, SYMBOL.name to that symbol only', async () => {
    const s = await GridStrategies.load(EXAMPLE, SMA);
    s.bind(['period', 'ETH-USD.multiplier', 'fast']);
    const c = { period: 30, 'ETH-USD.multiplier': 2.5, fast: 4 };
    expect(built(s, c, 'BTC-USD')).toMatchObject({ period: 30, oversold: 25 }); // rsi-threshold
    expect(built(s, c, 'ETH-USD')).toMatchObject({ period: 30, multiplier: 2.5 }); // bollinger
    expect(built(s, c, 'SOL-USD')).toMatchObject({ period: 30 }); // donchian
    expect(built(s, c, 'ANY-USD')).toMatchObject({ fast: 4, slow: 30 }); // the default sma-cross
    expect(built(s, c, 'XRP-USD')).toMatchObject({ fast: 4, slow: 20 }); // sets fast itself
    expect(built(s, c, 'DOGE-USD')).toMatchObject({ fast: 4, slow: 26 }); // ema-cross
    expect(built(s, c, 'AAPL')).toMatchObject({ fast: 4, slow: 26, signal: 9 }); // macd-cross
  });

  it('names every grid parameter that reaches no strategy, and what there is', async () => {
    const s = await GridStrategies.load(EXAMPLE, SMA);
    let err: unknown;
    try {
      s.bind(['period', 'lookback', 'BTC-USD.fast']);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(
      /^--grid: lookback matches no strategy parameter \(there are: defaults sma-cross: fast, slow; BTC-USD rsi-threshold: period, oversold, overbought;/,
    );
    expect(problems[1]).toMatch(/^--grid: BTC-USD\.fast matches no strategy parameter/);
  });

  it('maps fast and slow onto SMA cross without a config, and lets it refuse fast >= slow', async () => {
    const s = await GridStrategies.load(undefined, SMA);
    s.bind(['fast', 'slow']);
    expect(() => s.factoryFor({ fast: 3, slow: 8 })).not.toThrow();
    expect(() => s.factoryFor({ fast: 8, slow: 8 })).toThrow('fast period 8 must be < slow 8');
    expect(() => s.bind(['period'])).toThrow(/period matches no strategy parameter/);
  });
});
