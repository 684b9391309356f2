import type { Decision } from '@tickflow/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_EXECUTION, type ExecutionModel, fillId, PaperOrder, type TapeTick } from './order.ts';

const T0 = 1_767_225_600_000_000; // 2026-01-01T00:00:00Z in µs

const decision = (patch: Partial<Decision> = {}): Decision => ({
  v: 1,
  id: 'sma-cross:synth:BTC-USD:42',
  strategy: 'sma-cross',
  venue: 'synth',
  symbol: 'BTC-USD',
  action: 'BUY',
  qty: '0.5',
  refPrice: '64000.12',
  tickSeq: 42,
  tickTs: T0,
  decidedAt: T0 + 900,
  reason: 'cross',
  indicators: {},
  ...patch,
});

const tick = (seq: number, ms: number, price: string, size = '1'): TapeTick => ({
  seq,
  ts: T0 + ms * 1000,
  price,
  size,
});

const model = (patch: Partial<ExecutionModel> = {}): ExecutionModel => ({ ...DEFAULT_EXECUTION, ...patch });

describe('PaperOrder', () => {
  it('never fills against the tick that caused the decision, only the next one', () => {
    const order = new PaperOrder(decision(), '0');
    expect(order.onTick(tick(42, 0, '64000.12'))).toBeUndefined();
    expect(order.onTick(tick(41, 0, '1'))).toBeUndefined();
    expect(order.onTick(tick(43, 1, '64001'))).toStrictEqual({
      v: 1,
      id: 'fill:sma-cross:synth:BTC-USD:42',
      decisionId: 'sma-cross:synth:BTC-USD:42',
      symbol: 'BTC-USD',
      side: 'BUY',
      qty: '0.5',
      price: '64001',
      // 0.5 × 64001 × 1 bp = 3.20005
      fee: '3.20005000',
      ts: T0 + 1000,
    });
    expect(order.state).toBe('FILLED');
    expect(order.onTick(tick(44, 2, '64002'))).toBeUndefined();
  });

  it('waits out its latency in exchange time before it can fill', () => {
    const order = new PaperOrder(decision(), '0', model({ latencyMs: 5 }));
    expect(order.onTick(tick(43, 4, '100'))).toBeUndefined();
    expect(order.onTick(tick(44, 5, '101'))?.price).toBe('101');
  });

  it('pays fixed slippage: a buy fills above the tick, a sell below', () => {
    // 100 × (1 ± 25 bp) = 100.25 / 99.75
    expect(
      new PaperOrder(decision(), '0', model({ slippageBps: '25' })).onTick(tick(43, 1, '100'))?.price,
    ).toBe('100.25');
    const sell = new PaperOrder(decision({ action: 'SELL' }), '0', model({ slippageBps: '25' }));
    expect(sell.onTick(tick(43, 1, '100'))?.price).toBe('99.75');
  });

  it('adds impact in proportion to the share of the printed size it takes', () => {
    // qty 0.5 of a 2-lot print: 10 bp × 0.25 = 2.5 bp, plus 1 bp fixed → 100 × 1.00035
    const order = new PaperOrder(decision(), '0', model({ slippageBps: '1', impactBps: '10' }));
    expect(order.onTick(tick(43, 1, '100', '2'))?.price).toBe('100.035');
  });

  it('charges the minimum fee when the bps fee is smaller', () => {
    const order = new PaperOrder(decision({ qty: '1' }), '0', model({ takerFeeBps: '1', minFee: '0.05' }));
    // 1 × 100 × 1 bp = 0.01 < 0.05
    expect(order.onTick(tick(43, 1, '100'))?.fee).toBe('0.05000000');
  });

  it('fills partially, bounded by each printed size, with numbered fill ids', () => {
    const order = new PaperOrder(decision({ qty: '2.5' }), '0', model({ partialFills: true }));
    const a = order.onTick(tick(43, 1, '100', '1'));
    const z = order.onTick(tick(44, 2, '100', '0'));
    const b = order.onTick(tick(45, 3, '101', '1'));
    const c = order.onTick(tick(46, 4, '102', '7'));
    expect([a?.qty, z, b?.qty, c?.qty]).toEqual(['1', undefined, '1', '0.5']);
    expect([a?.id, b?.id, c?.id]).toEqual([
      fillId('sma-cross:synth:BTC-USD:42'),
      'fill:sma-cross:synth:BTC-USD:42:2',
      'fill:sma-cross:synth:BTC-USD:42:3',
    ]);
    expect(order.state).toBe('FILLED');
  });

  it('expires the unfilled rest on the first tick past its time to live', () => {
    const order = new PaperOrder(decision({ qty: '3' }), '0', model({ partialFills: true, ttlMs: 1000 }));
    expect(order.onTick(tick(43, 500, '100', '1'))?.qty).toBe('1');
    expect(order.onTick(tick(44, 1001, '100', '5'))).toBeUndefined();
    expect(order.state).toBe('EXPIRED');
    expect([order.filledQty, order.remainingQty]).toEqual(['1', '2']);
  });

  it('closes a long with a SELL and a short with a BUY on FLAT, and does nothing when flat', () => {
    const closeLong = new PaperOrder(decision({ action: 'FLAT', qty: '0' }), '1.5');
    expect(closeLong.onTick(tick(43, 1, '100'))).toMatchObject({ side: 'SELL', qty: '1.5' });
    const closeShort = new PaperOrder(decision({ action: 'FLAT', qty: '0' }), '-2');
    expect(closeShort.onTick(tick(43, 1, '100'))).toMatchObject({ side: 'BUY', qty: '2' });
    const nothing = new PaperOrder(decision({ action: 'FLAT', qty: '0' }), '0');
    expect(nothing.state).toBe('FILLED');
    expect(nothing.onTick(tick(43, 1, '100'))).toBeUndefined();
  });

  it('fills exactly its quantity over any tape, and the same fills on a second run', () => {
    const tape = fc.array(
      fc.record({
        dms: fc.integer({ min: 0, max: 50 }),
        price: fc.integer({ min: 1, max: 1_000_000 }).map((c) => (c / 100).toString()),
        size: fc.integer({ min: 0, max: 500 }).map((c) => (c / 100).toString()),
      }),
      { maxLength: 60 },
    );
    fc.assert(
      fc.property(
        tape,
        fc.integer({ min: 1, max: 2000 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 20 }),
        (steps, centiQty, partialFills, latencyMs) => {
          const m = model({ partialFills, latencyMs, slippageBps: '3', impactBps: '7', ttlMs: 10_000_000 });
          const run = () => {
            const order = new PaperOrder(decision({ qty: (centiQty / 100).toString() }), '0', m);
            let ms = 0;
            const fills = steps.flatMap((s, i) => {
              ms += s.dms;
              const f = order.onTick(tick(43 + i, ms, s.price, s.size));
              return f ? [f] : [];
            });
            return { order, fills };
          };
          const first = run();
          const total = first.fills.reduce((sum, f) => sum + Math.round(Number(f.qty) * 100), 0);
          expect(total).toBe(Math.round(Number(first.order.filledQty) * 100));
          if (first.order.state === 'FILLED') expect(total).toBe(centiQty);
          for (const f of first.fills) expect(Number(f.price)).toBeGreaterThan(0);
          expect(run().fills).toStrictEqual(first.fills);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rests a limit buy until a tick trades below it, then fills at the limit with the maker fee', () => {
    const m = model({ makerFeeBps: '0.5', takerFeeBps: '10', slippageBps: '50' });
    const order = new PaperOrder(decision({ qty: '2', limitPrice: '99.5' }), '0', m);
    expect(order.onTick(tick(43, 1, '99.6'))).toBeUndefined();
    expect(order.onTick(tick(44, 2, '99.5'))).toBeUndefined(); // at the limit: maybe not our turn
    // 2 × 99.5 × 0.5 bp = 0.00995; no slippage on a resting order
    expect(order.onTick(tick(45, 3, '99.49'))).toMatchObject({
      side: 'BUY',
      qty: '2',
      price: '99.5',
      fee: '0.00995000',
    });
  });

  it('fills a limit sell only above its price, partially by printed size, and expires the rest', () => {
    const m = model({ partialFills: true, ttlMs: 10 });
    const order = new PaperOrder(decision({ action: 'SELL', qty: '3', limitPrice: '101' }), '0', m);
    expect(order.onTick(tick(43, 1, '100.99', '5'))).toBeUndefined();
    expect(order.onTick(tick(44, 2, '101.01', '1'))).toMatchObject({ side: 'SELL', qty: '1', price: '101' });
    expect(order.onTick(tick(45, 11, '102', '9'))).toBeUndefined();
    expect([order.state, order.remainingQty]).toEqual(['EXPIRED', '2']);
  });
});
