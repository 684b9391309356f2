import type { Decision } from '@tickflow/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FILL_MODEL, fillDecision, fillId } from './fill.ts';

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
  tickTs: 1_767_225_600_000_000,
  decidedAt: 1_767_225_600_000_900,
  reason: 'cross',
  indicators: {},
  ...patch,
});

describe('fillDecision', () => {
  it('fills a BUY in full at the reference price', () => {
    expect(fillDecision(decision(), { feeBps: '1' })).toStrictEqual({
      v: 1,
      id: 'fill:sma-cross:synth:BTC-USD:42',
      decisionId: 'sma-cross:synth:BTC-USD:42',
      symbol: 'BTC-USD',
      side: 'BUY',
      qty: '0.5',
      price: '64000.12',
      // 0.5 × 64000.12 × 1 / 10000 = 3.200006
      fee: '3.20000600',
      ts: 1_767_225_600_000_000,
    });
  });

  it('fills a SELL on the SELL side', () => {
    expect(fillDecision(decision({ action: 'SELL' }))?.side).toBe('SELL');
  });

  it('produces no fill for FLAT', () => {
    expect(fillDecision(decision({ action: 'FLAT' }))).toBeUndefined();
  });

  it('uses a 1 bp fee by default', () => {
    expect(DEFAULT_FILL_MODEL.feeBps).toBe('1');
    expect(fillDecision(decision({ qty: '2', refPrice: '100' }))?.fee).toBe('0.02000000');
  });

  it('rounds the fee half to even at 8 decimal places', () => {
    // 0.003 × 12345.67 × 2.5 / 10000 = 0.0092592525
    expect(fillDecision(decision({ qty: '0.003', refPrice: '12345.67' }), { feeBps: '2.5' })?.fee).toBe(
      '0.00925925',
    );
    // 1 × 0.00001 × 5 / 10000 = 0.000000005 (tie, down to even) and 0.000000015 (tie, up to even)
    expect(fillDecision(decision({ qty: '1', refPrice: '0.00001' }), { feeBps: '5' })?.fee).toBe(
      '0.00000000',
    );
    expect(fillDecision(decision({ qty: '1', refPrice: '0.00003' }), { feeBps: '5' })?.fee).toBe(
      '0.00000002',
    );
  });

  it('charges no fee with a zero fee model', () => {
    expect(fillDecision(decision(), { feeBps: '0' })?.fee).toBe('0.00000000');
  });

  it('is deterministic for a redelivered decision', () => {
    expect(fillDecision(decision())).toEqual(fillDecision(decision()));
    expect(fillId('abc')).toBe('fill:abc');
  });
});

describe('fillDecision for FLAT', () => {
  const flat = {
    v: 1,
    id: 'x:synth:AAPL:9',
    strategy: 'x',
    venue: 'synth',
    symbol: 'AAPL',
    action: 'FLAT',
    qty: '3',
    refPrice: '10',
    tickSeq: 9,
    tickTs: 1,
    decidedAt: 1,
    reason: 'exit',
    indicators: {},
  } as const;

  it('closes a long with a SELL of the whole position', () => {
    expect(fillDecision({ ...flat }, { feeBps: '0' }, '2.5')).toMatchObject({
      side: 'SELL',
      qty: '2.5',
      price: '10',
    });
  });

  it('closes a short with a BUY', () => {
    expect(fillDecision({ ...flat }, { feeBps: '0' }, '-4')).toMatchObject({ side: 'BUY', qty: '4' });
  });

  it('gives no fill when there is no position', () => {
    expect(fillDecision({ ...flat }, { feeBps: '0' }, '0')).toBeUndefined();
  });
});
