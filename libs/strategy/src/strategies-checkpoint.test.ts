import { describe, expect, it } from 'vitest';
import { BollingerReversion } from './bollinger-reversion.ts';
import { DonchianBreakout } from './donchian-breakout.ts';
import { EmaCross } from './ema-cross.ts';
import { MacdCross } from './macd-cross.ts';
import { GatedStrategy } from './risk.ts';
import { RsiThreshold } from './rsi-threshold.ts';
import type { Strategy } from './strategy.ts';
import { NOW, tick, wave } from './strategy-test-kit.ts';

const v = 'synth';
const s = 'BTC-USD';
const makers: Record<string, () => Strategy> = {
  'ema-cross': () => new EmaCross(v, s, { fast: 5, slow: 12, seed: 'sma', qty: '1' }),
  'bollinger-reversion': () => new BollingerReversion(v, s, { period: 20, multiplier: 2, qty: '1' }),
  'rsi-threshold': () => new RsiThreshold(v, s, { period: 14, oversold: 30, overbought: 70, qty: '1' }),
  'macd-cross': () => new MacdCross(v, s, { fast: 5, slow: 12, signal: 4, seed: 'first', qty: '1' }),
  'donchian-breakout': () => new DonchianBreakout(v, s, { period: 20, qty: '1' }),
  gated: () =>
    new GatedStrategy(
      new BollingerReversion(v, s, { period: 20, multiplier: 2, qty: '1' }),
      { kind: 'notional', notional: '1000', qtyDecimals: 3 },
      { maxPosition: '25', cooldownMicros: 5_000_000, warmUpTicks: 50, tradingHours: '00:00-00:05' },
    ),
};

const PRICES = wave(600);
const ticks = PRICES.map((p, i) => tick(i + 1, p));

describe.each(Object.entries(makers))('%s snapshot/restore', (_name, make) => {
  const straight = make();
  const expected = ticks.flatMap((t) => straight.onTick(t, NOW) ?? []);

  it('decides something on the test path (so the round trip proves something)', () => {
    expect(expected.length).toBeGreaterThanOrEqual(3);
  });

  it.each([1, 37, 300])(
    'continues from a JSON checkpoint after %i ticks exactly as an uninterrupted run',
    (cut) => {
      const first = make();
      const before = ticks.slice(0, cut).flatMap((t) => first.onTick(t, NOW) ?? []);
      const resumed = make();
      resumed.restore(JSON.parse(JSON.stringify(first.snapshot())));
      expect(resumed.snapshot()).toEqual(first.snapshot());
      const after = ticks.slice(cut).flatMap((t) => resumed.onTick(t, NOW) ?? []);
      expect([...before, ...after]).toEqual(expected);
      expect(resumed.indicators()).toEqual(straight.indicators());
    },
  );

  it('refuses a state of another kind and stays unchanged', () => {
    const x = make();
    for (const t of ticks.slice(0, 100)) x.onTick(t, NOW);
    const before = x.snapshot();
    expect(() => x.restore({ kind: 'nope' })).toThrow();
    expect(x.snapshot()).toEqual(before);
  });
});

describe('GatedStrategy snapshot', () => {
  it('carries the position, the cooldown clock and the rejection counts', () => {
    const g = makers.gated?.() as GatedStrategy;
    for (const t of ticks) g.onTick(t, NOW);
    const copy = makers.gated?.() as GatedStrategy;
    copy.restore(JSON.parse(JSON.stringify(g.snapshot())));
    expect(copy.positionQty()).toBe(g.positionQty());
    expect(copy.rejections()).toEqual(g.rejections());
    expect(Object.values(g.rejections()).reduce((a, b) => a + b)).toBeGreaterThan(0);
  });
});
