import { readFileSync } from 'node:fs';
import type { Decision, Tick } from '@tickflow/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  factoryFromConfig,
  parseStrategyConfig,
  resolveSymbolConfig,
  StrategyConfigError,
} from './config.ts';
import { replayDecisions, StrategyEngine } from './engine.ts';
import { GatedStrategy } from './risk.ts';
import { tick, wave } from './strategy-test-kit.ts';

const EXAMPLE = JSON.parse(readFileSync(new URL('../examples/strategies.json', import.meta.url), 'utf8'));

/** The StrategyConfigError message `parseStrategyConfig(json)` throws. */
function problem(json: unknown): string {
  try {
    parseStrategyConfig(json);
  } catch (err) {
    expect(err).toBeInstanceOf(StrategyConfigError);
    expect((err as Error).name).toBe('StrategyConfigError');
    return (err as Error).message;
  }
  throw new Error('parsed');
}

const withSymbol = (cfg: unknown) => ({ defaults: { strategy: 'sma-cross' }, symbols: { 'BTC-USD': cfg } });

describe('parseStrategyConfig', () => {
  it('parses the example file and resolves every symbol', () => {
    const config = parseStrategyConfig(EXAMPLE);
    expect(resolveSymbolConfig(config, 'BTC-USD')).toEqual({
      strategy: 'rsi-threshold',
      params: { period: 14, oversold: 25, overbought: 75 },
      sizing: { kind: 'notional', notional: '1000', qtyDecimals: 4 },
      risk: { maxPosition: '5', cooldownMicros: 60_000_000, warmUpTicks: 100, maxNotional: '10000' },
      order: { type: 'market' },
    });
    expect(resolveSymbolConfig(config, 'ETH-USD').order).toEqual({ type: 'limit', offsetBps: '2' });
    // Same strategy as the defaults: default params merged under the symbol's.
    expect(resolveSymbolConfig(config, 'XRP-USD').params).toEqual({ fast: 5, slow: 20 });
    // Another strategy: its own built-in defaults, not sma-cross's params.
    expect(resolveSymbolConfig(config, 'AAPL').params).toEqual({
      fast: 12,
      slow: 26,
      signal: 9,
      seed: 'first',
    });
    expect(resolveSymbolConfig(config, 'UNLISTED')).toEqual(config.defaults);
    const s = factoryFromConfig(config)('synth', 'ETH-USD');
    expect(s).toBeInstanceOf(GatedStrategy);
    expect(s.name).toBe('bollinger-reversion');
  });

  it.each<[string, unknown, string]>([
    ['a non-object', 42, ': must be an object'],
    ['an unknown top-level key', { defaults: { strategy: 'sma-cross' }, extra: 1 }, 'extra: unknown key'],
    ['a missing defaults', {}, 'defaults: must be an object'],
    [
      'an unknown strategy',
      { defaults: { strategy: 'magic' } },
      'defaults.strategy: must be one of sma-cross',
    ],
    [
      'a bad period',
      withSymbol({ strategy: 'rsi-threshold', params: { period: 1.5 } }),
      'symbols.BTC-USD.params.period: must be an integer >= 1',
    ],
    [
      'a too-small Bollinger period',
      withSymbol({ strategy: 'bollinger-reversion', params: { period: 1 } }),
      'symbols.BTC-USD.params.period: must be an integer >= 2',
    ],
    [
      'a param of another strategy',
      withSymbol({ strategy: 'donchian-breakout', params: { fast: 3 } }),
      'symbols.BTC-USD.params.fast: unknown key (expected one of period)',
    ],
    ['qty among params', withSymbol({ params: { qty: '1' } }), 'symbols.BTC-USD.params.qty: unknown key'],
    [
      'fast >= slow',
      withSymbol({ params: { fast: 40 } }),
      'symbols.BTC-USD.params: fast period 40 must be < slow 30',
    ],
    [
      'a bad seed',
      withSymbol({ strategy: 'ema-cross', params: { seed: 'zero' } }),
      "symbols.BTC-USD.params.seed: must be one of 'first', 'sma'",
    ],
    [
      'a float qty',
      withSymbol({ sizing: { kind: 'fixed', qty: 1 } }),
      'symbols.BTC-USD.sizing.qty: must be a decimal string > 0',
    ],
    [
      'an unknown sizing kind',
      withSymbol({ sizing: { kind: 'all-in' } }),
      "symbols.BTC-USD.sizing.kind: must be 'fixed' or 'notional'",
    ],
    [
      'an extra sizing key',
      withSymbol({ sizing: { kind: 'fixed', qty: '1', notional: '5' } }),
      'symbols.BTC-USD.sizing.notional: unknown key',
    ],
    [
      'bad qtyDecimals',
      withSymbol({ sizing: { kind: 'notional', notional: '5', qtyDecimals: -1 } }),
      'symbols.BTC-USD.sizing.qtyDecimals: must be an integer >= 0 and <= 18',
    ],
    [
      'a bad cooldown',
      withSymbol({ risk: { cooldownMicros: '5s' } }),
      'symbols.BTC-USD.risk.cooldownMicros: must be an integer >= 0',
    ],
    [
      'bad trading hours',
      withSymbol({ risk: { tradingHours: '9-17' } }),
      "symbols.BTC-USD.risk.tradingHours: trading hours must look like 'HH:MM-HH:MM'",
    ],
    [
      'an unknown risk key',
      withSymbol({ risk: { stopLoss: '5' } }),
      'symbols.BTC-USD.risk.stopLoss: unknown key',
    ],
    [
      'an unknown order type',
      withSymbol({ order: { type: 'stop' } }),
      "symbols.BTC-USD.order.type: must be 'market' or 'limit'",
    ],
    [
      'a limit offset given as a number',
      withSymbol({ order: { type: 'limit', offsetBps: 5 } }),
      'symbols.BTC-USD.order.offsetBps: must be a decimal string of basis points',
    ],
    [
      'a bad symbol',
      { defaults: { strategy: 'sma-cross' }, symbols: { 'btc usd': {} } },
      'symbols.btc usd: not a valid symbol',
    ],
  ])('names the path of %s', (_what, json, message) => {
    expect(problem(json)).toContain(message);
  });
});

describe('order type', () => {
  it('defaults to market orders and lets a symbol ask for limits', () => {
    const config = parseStrategyConfig(withSymbol({ order: { type: 'limit', offsetBps: '5' } }));
    expect(config.defaults.order).toEqual({ type: 'market' });
    expect(resolveSymbolConfig(config, 'BTC-USD').order).toEqual({ type: 'limit', offsetBps: '5' });
    expect(resolveSymbolConfig(config, 'ETH-USD').order).toEqual({ type: 'market' });
  });

  it('prices a limit below the tick to buy and above it to sell or to close a long', () => {
    const always = (action: Decision['action']) => ({
      name: 'always',
      onTick: (t: Tick): Decision => ({
        v: 1,
        id: `always:${t.venue}:${t.symbol}:${t.seq}`,
        strategy: 'always',
        venue: t.venue,
        symbol: t.symbol,
        action,
        qty: '0',
        refPrice: t.price,
        tickSeq: t.seq,
        tickTs: t.ts,
        decidedAt: t.ts,
        reason: 'test',
        indicators: {},
      }),
      indicators: () => ({}),
      snapshot: () => ({}),
      restore: () => {},
    });
    const limit = { type: 'limit', offsetBps: '10' } as const;
    expect(new GatedStrategy(always('BUY'), undefined, {}, limit).onTick(tick(1, '200'), 0)?.limitPrice).toBe(
      '199.8',
    );
    expect(
      new GatedStrategy(always('SELL'), undefined, {}, limit).onTick(tick(1, '200'), 0)?.limitPrice,
    ).toBe('200.2');
    expect(new GatedStrategy(always('BUY')).onTick(tick(1, '200'), 0)?.limitPrice).toBeUndefined();
  });
});

describe('factoryFromConfig with replayDecisions', () => {
  const config = parseStrategyConfig({
    defaults: {
      strategy: 'ema-cross',
      params: { fast: 5, slow: 12 },
      sizing: { kind: 'notional', notional: '1000', qtyDecimals: 3 },
      risk: { maxPosition: '30', cooldownMicros: 3_000_000, warmUpTicks: 20 },
    },
    symbols: {
      'BTC-USD': { strategy: 'bollinger-reversion', params: { period: 20 } },
      'ETH-USD': { strategy: 'rsi-threshold', sizing: { kind: 'fixed', qty: '2' } },
      SOL: { strategy: 'donchian-breakout', params: { period: 10 } },
      AAPL: { strategy: 'macd-cross', params: { fast: 5, slow: 12, signal: 4 } },
    },
  });
  const symbols = ['BTC-USD', 'ETH-USD', 'SOL', 'AAPL', 'DOGE-USD'];
  const ticks: Tick[] = symbols.flatMap((symbol, k) =>
    wave(300, 50 + 20 * k).map((p, i) => tick(i + 1, p, symbol)),
  );
  const view = (ds: Decision[]) =>
    ds
      .map((d) => ({ id: d.id, action: d.action, qty: d.qty, refPrice: d.refPrice }))
      .sort((a, b) => a.id.localeCompare(b.id));
  const inOrder = [...ticks].sort((a, b) => a.ts - b.ts || a.symbol.localeCompare(b.symbol));
  const engine = new StrategyEngine(factoryFromConfig(config));
  const live = view(inOrder.flatMap((t) => engine.onTick(t, t.ts).decision ?? []));

  it('makes decisions for every symbol on the test path', () => {
    expect(new Set(live.map((d) => d.id.split(':')[0]))).toEqual(
      new Set(['bollinger-reversion', 'rsi-threshold', 'donchian-breakout', 'macd-cross', 'ema-cross']),
    );
  });

  it('replays shuffled archived ticks into exactly the live decisions', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(ticks, { minLength: ticks.length }), (shuffled) => {
        expect(view(replayDecisions(shuffled, factoryFromConfig(config)))).toEqual(live);
      }),
      { numRuns: 20 },
    );
  });
});
