import type { Decision } from '@tickflow/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_EXECUTION, type TapeTick } from './order.ts';
import { simulateExecution, type Tape } from './simulate.ts';

const ticks: TapeTick[] = Array.from({ length: 1000 }, (_, i) => ({
  seq: i + 1,
  ts: 1_000_000 + i * 1000,
  price: (100 + (i % 7) * 0.25).toFixed(2),
  size: '2',
}));
const decision = (seq: number, action: 'BUY' | 'SELL'): Decision => ({
  v: 1,
  id: `t:x:S:${seq}`,
  strategy: 't',
  venue: 'x',
  symbol: 'S',
  action,
  qty: '1.5',
  refPrice: (ticks[seq - 1] as TapeTick).price,
  tickSeq: seq,
  tickTs: (ticks[seq - 1] as TapeTick).ts,
  decidedAt: (ticks[seq - 1] as TapeTick).ts,
  reason: 'test',
  indicators: {},
});
const decisions = [decision(10, 'BUY'), decision(500, 'SELL'), decision(990, 'BUY')];

describe('simulateExecution over a Tape', () => {
  it('fills the same from a Tape view as from the array of its ticks', () => {
    const view: Tape = {
      length: ticks.length,
      seqAt: (i) => (ticks[i] as TapeTick).seq,
      at: (i) => ({ ...(ticks[i] as TapeTick) }),
    };
    const fromArray = simulateExecution(decisions, () => ticks, DEFAULT_EXECUTION);
    const fromView = simulateExecution(decisions, () => view, DEFAULT_EXECUTION);
    expect(fromArray.fills).toHaveLength(3);
    expect(fromView).toEqual(fromArray);
  });

  it('reads only the ticks offered to an order, finding the first by seq alone', () => {
    let read = 0;
    const view: Tape = {
      length: ticks.length,
      seqAt: (i) => (ticks[i] as TapeTick).seq,
      at: (i) => {
        read++;
        return ticks[i] as TapeTick;
      },
    };
    simulateExecution(decisions, () => view, DEFAULT_EXECUTION);
    // Market orders fill on the first tick after their decision: one tick each.
    expect(read).toBe(3);
  });
});
