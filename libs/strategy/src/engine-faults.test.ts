import type { Decision } from '@tickflow/core';
import { describe, expect, it } from 'vitest';
import { replayDecisions, StrategyEngine, type StrategyFault } from './engine.ts';
import { decide } from './module.ts';
import { SmaCross } from './sma-cross.ts';
import type { Strategy, StrategyFactory } from './strategy.ts';
import { NOW, tick, wave } from './strategy-test-kit.ts';

/** SMA cross that throws at `failAt` on `symbol`, or returns `bad` (a broken decision) there. */
function faulty(symbol: string, failAt: number, bad?: (d: Decision) => unknown): StrategyFactory {
  return (venue, s) => {
    const inner = new SmaCross(venue, s, { fast: 3, slow: 8, qty: '1' });
    if (s !== symbol) return inner;
    const wrapped: Strategy = {
      name: 'faulty',
      onTick(t, now) {
        if (t.seq === failAt && !bad) throw new Error('boom');
        if (t.seq === failAt && bad) return bad(decide('faulty', t, now, 'BUY', 'planted')) as Decision;
        return inner.onTick(t, now);
      },
      indicators: () => inner.indicators(),
      snapshot: () => inner.snapshot(),
      restore: (st) => inner.restore(st),
    };
    return wrapped;
  };
}

const prices = wave(300);
const both = prices.flatMap((p, i) => [tick(i + 1, p, 'BTC-USD'), tick(i + 1, p, 'ETH-USD')]);
const clean = replayDecisions(both, faulty('NONE', 0)).filter((d) => d.symbol === 'ETH-USD');

describe('StrategyEngine with a failing strategy', () => {
  it('pauses only the venue+symbol whose strategy threw, and says where and why once', () => {
    const faults: StrategyFault[] = [];
    const ds = replayDecisions(both, faulty('BTC-USD', 50), (f) => faults.push(f));
    expect(faults).toEqual([
      { venue: 'synth', symbol: 'BTC-USD', strategy: 'faulty', tickSeq: 50, error: 'threw Error: boom' },
    ]);
    expect(ds.filter((d) => d.symbol === 'BTC-USD').every((d) => d.tickSeq < 50)).toBe(true);
    expect(ds.filter((d) => d.symbol === 'ETH-USD')).toEqual(clean);
    expect(clean.length).toBeGreaterThan(5);
  });

  it.each([
    [
      'an unknown action',
      (d: Decision) => ({ ...d, action: 'HOLD' }),
      'returned an invalid decision: bad action "HOLD"',
    ],
    ['a non-deterministic id', (d: Decision) => ({ ...d, id: 'x-123' }), 'returned decision id "x-123"'],
    ['another symbol', (d: Decision) => ({ ...d, symbol: 'ETH-USD' }), 'for another venue, symbol or tick'],
    ['not an object', () => 'BUY', 'returned an invalid decision: not an object'],
  ])('pauses on %s', (_what, bad, error) => {
    const faults: StrategyFault[] = [];
    const engine = new StrategyEngine(faulty('BTC-USD', 40, bad), (f) => faults.push(f));
    for (const t of both) engine.onTick(t, NOW);
    expect(faults).toHaveLength(1);
    expect(faults[0]?.error).toContain(error);
    expect(engine.state('synth', 'BTC-USD')?.paused).toMatchObject({ tickSeq: 40 });
    expect(engine.state('synth', 'ETH-USD')?.paused).toBeNull();
  });

  it('pauses a symbol whose strategy cannot be built, at its first tick', () => {
    const faults: StrategyFault[] = [];
    const factory: StrategyFactory = (v, s) => {
      if (s === 'BTC-USD') throw new RangeError('fast must be < slow');
      return new SmaCross(v, s, { fast: 3, slow: 8, qty: '1' });
    };
    const ds = replayDecisions(both, factory, (f) => faults.push(f));
    expect(faults).toEqual([
      {
        venue: 'synth',
        symbol: 'BTC-USD',
        strategy: 'unknown',
        tickSeq: 1,
        error: 'could not be built: RangeError: fast must be < slow',
      },
    ]);
    expect(ds.filter((d) => d.symbol === 'ETH-USD')).toHaveLength(clean.length);
  });

  it('keeps the pause across a snapshot and restore, and decides nothing more there', () => {
    const engine = new StrategyEngine(faulty('BTC-USD', 20));
    for (const t of both.slice(0, 100)) engine.onTick(t, NOW);
    const copy = new StrategyEngine(faulty('BTC-USD', 20));
    copy.restore(JSON.parse(JSON.stringify(engine.snapshot())));
    expect(copy.paused()).toEqual([
      { venue: 'synth', symbol: 'BTC-USD', paused: engine.state('synth', 'BTC-USD')?.paused },
    ]);
    const later = both.slice(100).flatMap((t) => copy.onTick(t, NOW).decision ?? []);
    expect(later.some((d) => d.symbol === 'BTC-USD')).toBe(false);
    expect(later.some((d) => d.symbol === 'ETH-USD')).toBe(true);
  });
});
