import type { Decision } from '@tickflow/core';
import { replayDecisions, strategySetup } from '@tickflow/strategy';
import { describe, expect, it } from 'vitest';
import { DEMO_STRATEGIES } from './demo-strategies.ts';
import { contractTicks } from './strategy-contract.ts';

const SYMBOLS = ['BTC-USD', 'ETH-USD', 'SOL-USD', 'AAPL', 'MSFT'];
// About what one demo symbol sees: 20,000 ticks over the 6.5-hour session (1.17 s apart).
const ticks = contractTicks(20_000, SYMBOLS).map((t) => ({
  ...t,
  ts: 1_767_274_200_000_000 + t.seq * 1_170_000,
}));
const perSymbol = (ds: Decision[]) => SYMBOLS.map((s) => ds.filter((d) => d.symbol === s).length);

describe("the demo's default strategies", () => {
  it('trade every symbol a handful of times a session, where SMA 10/30 on every tick trades hundreds of times', () => {
    const demo = perSymbol(
      replayDecisions(ticks, strategySetup(JSON.stringify(DEMO_STRATEGIES), SMA).factory),
    );
    const naive = perSymbol(replayDecisions(ticks, strategySetup(undefined, SMA).factory));
    for (const n of demo) expect(n).toBeLessThanOrEqual(20);
    expect(demo.reduce((a, b) => a + b)).toBeGreaterThanOrEqual(5);
    for (const n of naive) expect(n).toBeGreaterThan(200);
  });

  it('use the mix of the example file and each of its gates', () => {
    const strategies = new Set(Object.values(DEMO_STRATEGIES.symbols).map((s) => s.strategy));
    expect(strategies.size).toBe(4);
    expect(Object.keys(DEMO_STRATEGIES.defaults.risk).sort()).toEqual([
      'cooldownMicros',
      'maxNotional',
      'warmUpTicks',
    ]);
  });
});

const SMA = { fast: 10, slow: 30, qty: '1' };
