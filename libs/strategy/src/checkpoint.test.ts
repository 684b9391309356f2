import type { Tick } from '@tickflow/core';
import { describe, expect, it } from 'vitest';
import { StrategyEngine } from './engine.ts';
import { SmaCross } from './sma-cross.ts';

function ticks(n: number): Tick[] {
  const out: Tick[] = [];
  const seqs = new Map<string, number>();
  let price = 100;
  for (let i = 0; i < n; i++) {
    const symbol = i % 3 === 0 ? 'ETH-USD' : 'BTC-USD';
    const seq = (seqs.get(symbol) ?? 0) + 1;
    seqs.set(symbol, seq);
    price += Math.sin(i / 7) + Math.cos(i / 13) * 0.5;
    out.push({
      v: 1,
      venue: 'synth',
      symbol,
      seq,
      ts: 1_000 + i,
      price: price.toFixed(2),
      size: '1',
      recvTs: 1_000 + i,
    });
  }
  return out;
}

const factory = (venue: string, symbol: string) =>
  new SmaCross(venue, symbol, { fast: 5, slow: 12, qty: '1' });

describe('StrategyEngine snapshot/restore', () => {
  it('continues from a JSON checkpoint exactly as an uninterrupted run', () => {
    const all = ticks(3000);
    const straight = new StrategyEngine(factory);
    const straightDecisions = all.map((t) => straight.onTick(t, t.ts).decision?.id).filter(Boolean);

    const first = new StrategyEngine(factory);
    const before = all
      .slice(0, 1234)
      .map((t) => first.onTick(t, t.ts).decision?.id)
      .filter(Boolean);
    const checkpoint = JSON.parse(JSON.stringify(first.snapshot()));
    const resumed = new StrategyEngine(factory);
    resumed.restore(checkpoint);
    const after = all
      .slice(1234)
      .map((t) => resumed.onTick(t, t.ts).decision?.id)
      .filter(Boolean);

    expect([...before, ...after]).toEqual(straightDecisions);
    expect(resumed.symbols()).toEqual(straight.symbols());
  });

  it('treats ticks replayed from before the checkpoint as duplicates', () => {
    const all = ticks(200);
    const e = new StrategyEngine(factory);
    for (const t of all) e.onTick(t, t.ts);
    const resumed = new StrategyEngine(factory);
    resumed.restore(JSON.parse(JSON.stringify(e.snapshot())));
    expect(resumed.onTick(all[150] as Tick, 0).skip?.kind).toBe('duplicate');
  });
});
