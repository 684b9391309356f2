import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tick } from '@tickflow/core';
import { StrategyConfigError, StrategyFileError } from '@tickflow/strategy';
import { describe, expect, it } from 'vitest';
import { loadStrategyModule, loadStrategySetup } from './strategy-loader.ts';

/** A strategy module as a user writes it: imports only '@tickflow/strategy', ESM, no package.json. */
const MOMENTUM = `
import { decide, defineStrategy, SMA, Type } from '@tickflow/strategy';
export default defineStrategy({
  name: 'momentum',
  params: Type.Object({
    fast: Type.Integer({ minimum: 1, default: 3 }),
    slow: Type.Integer({ minimum: 2, default: 8 }),
  }),
  create(venue, symbol, p) {
    if (p.fast >= p.slow) throw new RangeError('fast must be < slow');
    const fast = new SMA(p.fast), slow = new SMA(p.slow);
    let side = 0;
    return {
      name: 'momentum',
      onTick(tick, now) {
        const f = fast.update(Number(tick.price)), s = slow.update(Number(tick.price));
        if (f === undefined || s === undefined || f === s) return undefined;
        const next = f > s ? 1 : -1, prev = side;
        side = next;
        if (prev === 0 || prev === next) return undefined;
        return decide('momentum', tick, now, next > 0 ? 'BUY' : 'SELL', 'crossed', { f, s });
      },
      indicators: () => ({}),
      snapshot: () => ({ fast: fast.snapshot(), slow: slow.snapshot(), side }),
      restore(st) { fast.restore(st.fast); slow.restore(st.slow); side = st.side; },
    };
  },
});
`;

/** A temp dir outside the repo with a config naming `file` (relative to the config). */
function userDir(file: string, source: string, config: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'tickflow-strategy-'));
  mkdirSync(join(dir, 'strategies'));
  writeFileSync(join(dir, 'strategies', file), source);
  writeFileSync(join(dir, 'strategies.json'), JSON.stringify(config));
  return dir;
}

const SMA = { fast: 10, slow: 30, qty: '1' };
const tick = (seq: number, price: number): Tick => ({
  v: 1,
  venue: 'synth',
  symbol: 'BTC-USD',
  seq,
  ts: seq * 1_000_000,
  price: price.toFixed(2),
  size: '1',
  recvTs: seq,
});

describe('loadStrategySetup with a strategy module', () => {
  it.each(['momentum.ts', 'momentum.js', 'momentum.mjs'])(
    'loads %s from a directory outside the repo, path relative to the config',
    async (file) => {
      const dir = userDir(file, MOMENTUM, {
        defaults: {
          strategy: `./strategies/${file}`,
          params: { fast: 2 },
          sizing: { kind: 'fixed', qty: '3' },
        },
      });
      const setup = await loadStrategySetup(join(dir, 'strategies.json'), SMA);
      const s = setup.factory('synth', 'BTC-USD');
      const ds = Array.from({ length: 200 }, (_, i) =>
        s.onTick(tick(i + 1, 100 + 5 * Math.sin(i / 6)), 1),
      ).filter((d) => d !== undefined);
      expect(ds.length).toBeGreaterThan(3);
      expect(ds[0]).toMatchObject({ strategy: 'momentum', qty: '3', venue: 'synth' });
      expect(setup.fingerprint).toContain('"slow":8');
    },
  );

  it('refuses a bad parameter naming its path and what the schema wanted', async () => {
    const dir = userDir('m.ts', MOMENTUM, {
      defaults: { strategy: 'sma-cross' },
      symbols: { 'ETH-USD': { strategy: './strategies/m.ts', params: { fast: 0 } } },
    });
    const err = await loadStrategySetup(join(dir, 'strategies.json'), SMA).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StrategyConfigError);
    expect((err as Error).message).toBe('symbols.ETH-USD.params.fast: expected integer >= 1');
  });

  it('refuses an unknown parameter and a constraint the module checks', async () => {
    const unknown = userDir('m.ts', MOMENTUM, {
      defaults: { strategy: './strategies/m.ts', params: { fats: 2 } },
    });
    await expect(loadStrategySetup(join(unknown, 'strategies.json'), SMA)).rejects.toThrow(
      'defaults.params.fats: unknown parameter (expected one of fast, slow)',
    );
    const order = userDir('m.ts', MOMENTUM, {
      defaults: { strategy: './strategies/m.ts', params: { fast: 9 } },
    });
    await expect(loadStrategySetup(join(order, 'strategies.json'), SMA)).rejects.toThrow(
      'defaults.params: fast must be < slow',
    );
  });

  it('says which module is missing, cannot load, or exports no strategy', async () => {
    const missing = userDir('m.ts', MOMENTUM, { defaults: { strategy: './strategies/nope.ts' } });
    await expect(loadStrategySetup(join(missing, 'strategies.json'), SMA)).rejects.toThrow(
      /strategy module .*nope\.ts: no such file/,
    );
    const broken = userDir('b.ts', 'export default {', { defaults: { strategy: './strategies/b.ts' } });
    const err = await loadStrategySetup(join(broken, 'strategies.json'), SMA).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StrategyFileError);
    expect((err as Error).message).toMatch(/b\.ts could not be loaded/);
    const none = userDir('n.ts', 'export const x = 1;', { defaults: { strategy: './strategies/n.ts' } });
    await expect(loadStrategyModule(join(none, 'strategies', 'n.ts'))).rejects.toThrow(
      'the default export is not an object (use defineStrategy)',
    );
  });
});
