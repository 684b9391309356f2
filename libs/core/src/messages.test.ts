import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decisionProblem, fillProblem, rejectProblem } from './messages.ts';
import type { Decision, Fill, RejectedTick } from './types.ts';

const decision = (): Decision => ({
  v: 1,
  id: 'sma-cross:synth:BTC-USD:12',
  strategy: 'sma-cross',
  venue: 'synth',
  symbol: 'BTC-USD',
  action: 'BUY',
  qty: '1',
  refPrice: '64000.5',
  tickSeq: 12,
  tickTs: 1_000,
  decidedAt: 1_010,
  reason: 'cross',
  indicators: {},
});

const fill = (): Fill => ({
  v: 1,
  id: 'fill:x',
  decisionId: 'x',
  symbol: 'BTC-USD',
  side: 'SELL',
  qty: '0.5',
  price: '100',
  fee: '0.00500000',
  ts: 1_000,
});

const reject = (): RejectedTick => ({
  v: 1,
  venue: 'synth',
  raw: '{}',
  reason: 'bad',
  code: 'BAD_VERSION',
  at: 1_000,
});

// Garbage as it may come off the wire; casts let us hand it to the typed checks.
const bad = <T>(base: T, patch: Record<string, unknown>) => ({ ...base, ...patch }) as unknown as Partial<T>;

describe('decisionProblem', () => {
  it.each(['BUY', 'SELL', 'FLAT'])('accepts a valid %s decision', (action) => {
    expect(decisionProblem({ ...decision(), action: action as Decision['action'] })).toBeUndefined();
  });

  it.each([
    [{ v: 2 }, 'unsupported version 2'],
    [{ id: '' }, 'missing id'],
    [{ id: 5 }, 'missing id'],
    [{ symbol: 'btc.usd' }, 'bad symbol "btc.usd"'],
    [{ action: 'HOLD' }, 'bad action "HOLD"'],
    [{ qty: '-1' }, 'bad qty "-1"'],
    [{ qty: 1 }, 'bad qty 1'],
    [{ refPrice: '1e3' }, 'bad refPrice "1e3"'],
    [{ tickSeq: 1.5 }, 'bad tickSeq, tickTs or decidedAt'],
    [{ tickTs: '1' }, 'bad tickSeq, tickTs or decidedAt'],
    [{ decidedAt: undefined }, 'bad tickSeq, tickTs or decidedAt'],
  ])('reports %j as %j', (patch, reason) => {
    expect(decisionProblem(bad(decision(), patch))).toBe(reason);
  });
});

describe('fillProblem', () => {
  it('accepts a valid fill', () => {
    expect(fillProblem(fill())).toBeUndefined();
  });

  it.each([
    [{ v: '1' }, 'unsupported version "1"'],
    [{ id: undefined }, 'missing id or decisionId'],
    [{ decisionId: 3 }, 'missing id or decisionId'],
    [{ symbol: 'BTC USD' }, 'bad symbol "BTC USD"'],
    [{ side: 'FLAT' }, 'bad side "FLAT"'],
    [{ qty: '-0.5' }, 'bad qty, price or fee'],
    [{ price: 100 }, 'bad qty, price or fee'],
    [{ fee: 'NaN' }, 'bad qty, price or fee'],
    [{ ts: 1.25 }, 'bad ts'],
  ])('reports %j as %j', (patch, reason) => {
    expect(fillProblem(bad(fill(), patch))).toBe(reason);
  });
});

describe('rejectProblem', () => {
  it('accepts a valid rejected tick', () => {
    expect(rejectProblem(reject())).toBeUndefined();
  });

  it.each([
    [{ v: 0 }, 'unsupported version 0'],
    [{ venue: undefined }, 'missing fields'],
    [{ code: 1 }, 'missing fields'],
    [{ reason: null }, 'missing fields'],
    [{ at: '1000' }, 'bad at'],
  ])('reports %j as %j', (patch, reason) => {
    expect(rejectProblem(bad(reject(), patch))).toBe(reason);
  });
});

describe('message checks on garbage', () => {
  const checks = [decisionProblem, fillProblem, rejectProblem] as ((x: unknown) => string | undefined)[];

  it.each([[null], [undefined], [42], ['text'], [true]])('report %j as not an object', (input) => {
    for (const check of checks) expect(check(input)).toBe('not an object');
  });

  it('never throw and always find a problem in arbitrary values', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        for (const check of checks) expect(typeof check(input)).toBe('string');
      }),
    );
  });
});
