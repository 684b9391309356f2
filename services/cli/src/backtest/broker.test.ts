import type { Decision, DecisionAction } from '@tickflow/core';
import { DEFAULT_EXECUTION, simulateExecution, type Tape, type TapeTick } from '@tickflow/paper';
import { describe, expect, it } from 'vitest';
import { SymbolBroker } from './broker.ts';

/** One venue's tape: prices wander, printed sizes are small so partial fills span many ticks. */
const ticks: TapeTick[] = Array.from({ length: 2000 }, (_, i) => ({
  seq: i + 1,
  ts: 1_000_000 + i * 1000,
  price: (100 + ((i * 37) % 11) * 0.25).toFixed(2),
  size: i % 5 === 0 ? '0' : '0.4',
}));
const tapeOf = (rows: readonly TapeTick[]): Tape => ({
  length: rows.length,
  seqAt: (i) => (rows[i] as TapeTick).seq,
  at: (i) => rows[i] as TapeTick,
});
const decision = (seq: number, action: DecisionAction, limit?: string): Decision => ({
  v: 1,
  id: `t:x:S:${seq}`,
  strategy: 't',
  venue: 'x',
  symbol: 'S',
  action,
  qty: '3',
  refPrice: (ticks[seq - 1] as TapeTick).price,
  tickSeq: seq,
  tickTs: (ticks[seq - 1] as TapeTick).ts,
  decidedAt: (ticks[seq - 1] as TapeTick).ts,
  reason: 'test',
  indicators: {},
  ...(limit && { limitPrice: limit }),
});
const decisions = [
  decision(10, 'BUY'),
  decision(12, 'SELL'),
  decision(400, 'FLAT'),
  decision(995, 'SELL'),
  decision(997, 'BUY', '100.5'),
  decision(1500, 'FLAT'),
];
const model = { ...DEFAULT_EXECUTION, partialFills: true, latencyMs: 2, slippageBps: '1', minFee: '0.01' };

describe('SymbolBroker', () => {
  it('makes the fills of simulateExecution over one tape when the tape comes in days, orders working across the cut', () => {
    const whole = simulateExecution(decisions, () => ticks, model);
    expect(whole.fills.length).toBeGreaterThan(10);
    for (const cut of [11, 13, 401, 996, 1000, 1501]) {
      const broker = new SymbolBroker('S', model);
      const day1 = ticks.slice(0, cut);
      const day2 = ticks.slice(cut);
      const fills = [
        ...broker.runDay(
          decisions.filter((d) => d.tickSeq <= cut),
          () => tapeOf(day1),
        ),
        ...broker.runDay(
          decisions.filter((d) => d.tickSeq > cut),
          () => tapeOf(day2),
        ),
      ];
      expect(fills, `cut after tick ${cut}`).toEqual(whole.fills);
      expect(broker.open).toBe(whole.open.size);
    }
  });

  it('holds the orders behind one the tape ended on, and says how many are open', () => {
    const broker = new SymbolBroker('S', { ...model, ttlMs: 10_000_000 });
    broker.runDay([decision(1998, 'BUY'), decision(1999, 'SELL')], () => tapeOf(ticks));
    expect(broker.open).toBe(2);
    expect(broker.qty.toFixed()).toBe('0.4');
  });
});
