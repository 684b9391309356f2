import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { parseStrategyConfig, resolveSymbolConfig } from './config.ts';
import { decide, defineStrategy, validateParams } from './module.ts';
import { SmaCross } from './sma-cross.ts';
import { NOW, tick } from './strategy-test-kit.ts';

const schema = Type.Object({
  fast: Type.Integer({ minimum: 1, default: 5 }),
  band: Type.Number({ exclusiveMinimum: 0, maximum: 10 }),
  mode: Type.Union([Type.Literal('close'), Type.Literal('mid')], { default: 'close' }),
});

describe('validateParams', () => {
  it('fills the schema defaults', () => {
    expect(validateParams(schema, { band: 2 })).toEqual({ params: { fast: 5, band: 2, mode: 'close' } });
  });

  it.each([
    [{ fast: 0, band: 1 }, 'fast', 'expected integer >= 1'],
    [{ fast: 1.5, band: 1 }, 'fast', 'expected integer'],
    [{ band: 11 }, 'band', 'expected number <= 10'],
    [{}, 'band', 'required (the schema has no default)'],
    [{ band: 1, mode: 'x' }, 'mode', 'expected one of "close", "mid"'],
    [{ band: 1, speed: 2 }, 'speed', 'unknown parameter (expected one of fast, band, mode)'],
  ])('refuses %j at %s: %s', (raw, key, problem) => {
    expect(validateParams(schema, raw)).toEqual({ error: { key, problem } });
  });
});

const module = defineStrategy({
  name: 'my-cross',
  params: Type.Object({ fast: Type.Integer({ minimum: 1, default: 3 }), slow: Type.Integer({ default: 9 }) }),
  create: (venue, symbol, p) => new SmaCross(venue, symbol, { ...p, qty: '1' }),
});

describe('a strategy module in the config', () => {
  it('resolves defaults from its schema and per-symbol overrides over them', () => {
    const config = parseStrategyConfig(
      {
        defaults: { strategy: './my.ts', params: { fast: 2 } },
        symbols: { 'ETH-USD': { params: { slow: 20 } }, 'SOL-USD': { strategy: 'sma-cross' } },
      },
      { './my.ts': module },
    );
    expect(resolveSymbolConfig(config, 'BTC-USD').params).toEqual({ fast: 2, slow: 9 });
    expect(resolveSymbolConfig(config, 'ETH-USD').params).toEqual({ fast: 2, slow: 20 });
    expect(resolveSymbolConfig(config, 'SOL-USD').params).toEqual({ fast: 10, slow: 30 });
  });

  it('names the path of a bad value and a module that was not loaded', () => {
    expect(() =>
      parseStrategyConfig(
        {
          defaults: { strategy: 'sma-cross' },
          symbols: { 'ETH-USD': { strategy: './my.ts', params: { fast: 0 } } },
        },
        { './my.ts': module },
      ),
    ).toThrow('symbols.ETH-USD.params.fast: expected integer >= 1');
    expect(() =>
      parseStrategyConfig({ defaults: { strategy: './other.ts' } }, { './my.ts': module }),
    ).toThrow('defaults.strategy: module ./other.ts was not loaded');
  });

  it('refuses a definition without a valid name, schema or create', () => {
    expect(() => defineStrategy({ ...module, name: 'My Cross' })).toThrow(/name must be lower case/);
    expect(() => defineStrategy({ ...module, create: undefined as never })).toThrow(
      /create must be a function/,
    );
  });
});

describe('decide', () => {
  it('makes a decision with the deterministic id and the tick as reference', () => {
    const d = decide('my-cross', tick(7, '101.50'), NOW, 'SELL', 'because', { x: 1 });
    expect(d).toMatchObject({
      id: 'my-cross:synth:BTC-USD:7',
      action: 'SELL',
      refPrice: '101.50',
      tickSeq: 7,
      decidedAt: NOW,
      indicators: { x: 1 },
    });
  });
});
