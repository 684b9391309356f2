import type { Decision, Tick } from '@tickflow/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { replayDecisions, StrategyEngine } from './engine.ts';
import { SmaCross } from './sma-cross.ts';

const T0 = 1_767_225_600_000_000;

const tick = (seq: number, price: string, symbol = 'BTC-USD', venue = 'synth'): Tick => ({
  v: 1,
  venue,
  symbol,
  seq,
  ts: T0 + seq * 1_000_000,
  price,
  size: '1',
  recvTs: T0 + seq * 1_000_000 + 500,
});

const factory = (venue: string, symbol: string) =>
  new SmaCross(venue, symbol, { fast: 2, slow: 4, qty: '1' });

// BUY at seq 6, SELL at seq 9 with fast 2 / slow 4.
const DOWN_UP_DOWN = ['10', '9', '8', '7', '8', '10', '12', '11', '8', '6'];
// Starts in the BUY ordering; seq 5 averages equal (2.5), SELL at seq 6.
const UP_DOWN = ['1', '2', '3', '4', '1', '0.5'];

const actions = (ds: Decision[]) => ds.map((d) => `${d.symbol}:${d.action}@${d.tickSeq}`);

describe('StrategyEngine', () => {
  it('keeps one strategy per venue and symbol', () => {
    const engine = new StrategyEngine(factory);
    const out: Decision[] = [];
    for (let i = 0; i < DOWN_UP_DOWN.length; i++) {
      for (const t of [
        tick(i + 1, DOWN_UP_DOWN[i] as string, 'BTC-USD'),
        tick(i + 1, UP_DOWN[i] ?? '0.5', 'ETH-USD'),
        tick(i + 1, '100', 'BTC-USD', 'other'),
      ]) {
        const r = engine.onTick(t, t.ts);
        expect(r.skip).toBeUndefined();
        if (r.decision) out.push(r.decision);
      }
    }
    expect(actions(out)).toEqual(['BTC-USD:BUY@6', 'ETH-USD:SELL@6', 'BTC-USD:SELL@9']);
    expect(engine.symbols().map((s) => [s.venue, s.symbol, s.lastSeq])).toEqual([
      ['synth', 'BTC-USD', 10],
      ['synth', 'ETH-USD', 10],
      ['other', 'BTC-USD', 10],
    ]);
  });

  it('skips a tick at or below the last seq as a duplicate and changes nothing', () => {
    const engine = new StrategyEngine(factory);
    for (let seq = 1; seq <= 5; seq++) engine.onTick(tick(seq, DOWN_UP_DOWN[seq - 1] as string), 0);
    const before = engine.symbols();
    // Price 1000 would cross the averages upward if it were applied.
    expect(engine.onTick(tick(5, '1000'), 0)).toEqual({ skip: { kind: 'duplicate', expected: 6, got: 5 } });
    expect(engine.onTick(tick(2, '1000'), 0)).toEqual({ skip: { kind: 'duplicate', expected: 6, got: 2 } });
    expect(engine.symbols()).toEqual(before);
    const rest = DOWN_UP_DOWN.slice(5).map((p, i) => engine.onTick(tick(i + 6, p), 0).decision);
    expect(actions(rest.filter((d) => d !== undefined))).toEqual(['BTC-USD:BUY@6', 'BTC-USD:SELL@9']);
  });

  it('applies a gap and reports it', () => {
    const engine = new StrategyEngine(factory);
    expect(engine.onTick(tick(1, '10'), 0)).toEqual({});
    expect(engine.onTick(tick(2, '20'), 0)).toEqual({});
    expect(engine.onTick(tick(5, '30'), 0)).toEqual({ skip: { kind: 'gap', expected: 3, got: 5 } });
    const [state] = engine.symbols();
    expect(state?.lastSeq).toBe(5);
    expect(state?.indicators).toEqual({ price: 30, sma2: 25 });
    expect(engine.onTick(tick(4, '40'), 0).skip?.kind).toBe('duplicate');
  });

  it('does not report a gap on the first tick of a symbol', () => {
    const engine = new StrategyEngine(factory);
    expect(engine.onTick(tick(42, '10'), 0)).toEqual({});
  });

  it('returns the decision and the gap together', () => {
    const engine = new StrategyEngine(factory);
    DOWN_UP_DOWN.slice(0, 5).forEach((p, i) => {
      engine.onTick(tick(i + 1, p), 0);
    });
    const r = engine.onTick(tick(7, '10'), 99);
    expect(r.skip).toEqual({ kind: 'gap', expected: 6, got: 7 });
    expect(r.decision?.id).toBe('sma-cross:synth:BTC-USD:7');
    expect(r.decision?.decidedAt).toBe(99);
  });
});

describe('replayDecisions', () => {
  const paths: Record<string, string[]> = {
    'BTC-USD': DOWN_UP_DOWN,
    'ETH-USD': UP_DOWN,
    // BUY at 6 (5 > 3.75), SELL at 8 (2 < 3.5), BUY at 10 (7 > 4.5).
    SOL: ['5', '4', '3', '2', '4', '6', '3', '1', '5', '9', '1'],
  };
  const ticks = Object.entries(paths).flatMap(([symbol, prices]) =>
    prices.map((p, i) => tick(i + 1, p, symbol)),
  );
  const inOrder = [...ticks].sort((a, b) => a.ts - b.ts || a.symbol.localeCompare(b.symbol));

  const live = () => {
    const engine = new StrategyEngine(factory);
    return inOrder.flatMap((t) => engine.onTick(t, t.ts).decision ?? []);
  };
  const view = (ds: Decision[]) =>
    ds
      .map((d) => ({ id: d.id, action: d.action, refPrice: d.refPrice, decidedAt: d.decidedAt }))
      .sort((a, b) => a.id.localeCompare(b.id));

  it('equals feeding the ticks in order through the engine, whatever the input order', () => {
    const expected = view(live());
    expect(expected.length).toBeGreaterThanOrEqual(5);
    fc.assert(
      fc.property(fc.shuffledSubarray(ticks, { minLength: ticks.length }), (shuffled) => {
        expect(view(replayDecisions(shuffled, factory))).toEqual(expected);
      }),
    );
  });

  it('takes ticks grouped by symbol in seq order as they are, and sorts a symbol split in two runs', () => {
    const expected = view(live());
    expect(view(replayDecisions(ticks, factory))).toEqual(expected);
    const btc = ticks.filter((t) => t.symbol === 'BTC-USD');
    const others = ticks.filter((t) => t.symbol !== 'BTC-USD');
    const split = [...btc.slice(0, 3), ...others, ...btc.slice(3)];
    expect(view(replayDecisions(split, factory))).toEqual(expected);
    const backwards = [...btc.slice(0, 3).reverse(), ...btc.slice(3), ...others];
    expect(view(replayDecisions(backwards, factory))).toEqual(expected);
  });

  it('stamps decidedAt with the tick time and returns decisions by venue, symbol and seq', () => {
    const out = replayDecisions([...ticks].reverse(), factory);
    for (const d of out) expect(d.decidedAt).toBe(d.tickTs);
    expect(actions(out)).toEqual([
      'BTC-USD:BUY@6',
      'BTC-USD:SELL@9',
      'ETH-USD:SELL@6',
      'SOL:BUY@6',
      'SOL:SELL@8',
      'SOL:BUY@10',
    ]);
  });
});
