import type { Decision, Micros, Tick } from '@tickflow/core';
import type { IndicatorState } from '@tickflow/indicators';
import { describe, expect, it } from 'vitest';
import {
  type DecisionLimits,
  GatedStrategy,
  parseTradingHours,
  type Sizing,
  TradingHoursError,
} from './risk.ts';
import type { Strategy } from './strategy.ts';
import { NOW, T0, tick } from './strategy-test-kit.ts';

/** A scripted strategy: decides the given action at the given seqs, whatever the price. */
class Script implements Strategy {
  readonly name = 'script';
  constructor(private readonly plan: Record<number, Decision['action']>) {}
  onTick(t: Tick, now: Micros): Decision | undefined {
    const action = this.plan[t.seq];
    if (!action) return undefined;
    const id = `script:${t.venue}:${t.symbol}:${t.seq}`;
    return {
      v: 1,
      id,
      strategy: 'script',
      venue: t.venue,
      symbol: t.symbol,
      action,
      qty: '1',
      refPrice: t.price,
      tickSeq: t.seq,
      tickTs: t.ts,
      decidedAt: now,
      reason: `scripted ${action}`,
      indicators: {},
    };
  }
  indicators() {
    return {};
  }
  snapshot(): IndicatorState {
    return {};
  }
  restore(): void {}
}

const gate = (plan: Record<number, Decision['action']>, limits: DecisionLimits = {}, sizing?: Sizing) =>
  new GatedStrategy(new Script(plan), sizing ?? { kind: 'fixed', qty: '1' }, limits);

/** Feeds seq 1..n at `price` (or per-seq prices) and returns "seq:ACTION:qty" of what left the gate. */
function feed(
  g: GatedStrategy,
  n: number,
  price: string | ((seq: number) => string) = '100',
  ts = (seq: number) => T0 + seq * 1_000_000,
) {
  const out: string[] = [];
  for (let seq = 1; seq <= n; seq++) {
    const t = { ...tick(seq, typeof price === 'string' ? price : price(seq)), ts: ts(seq) };
    const d = g.onTick(t, NOW);
    if (d) out.push(`${seq}:${d.action}:${d.qty}`);
  }
  return out;
}

describe('GatedStrategy', () => {
  it('tracks the position the decisions imply; FLAT closes |position| and FLAT with none is rejected', () => {
    const g = gate({ 1: 'FLAT', 2: 'BUY', 3: 'BUY', 4: 'FLAT', 5: 'SELL', 6: 'FLAT' });
    expect(feed(g, 6)).toEqual(['2:BUY:1', '3:BUY:1', '4:FLAT:2', '5:SELL:1', '6:FLAT:1']);
    expect(g.positionQty()).toBe('0');
    expect(g.rejections()['no-position']).toBe(1);
    expect(g.lastRejection?.decision.id).toBe('script:synth:BTC-USD:1');
  });

  it('blocks the decision that would take |position| above maxPosition, and counts it', () => {
    const g = gate({ 1: 'BUY', 2: 'BUY', 3: 'BUY', 4: 'SELL', 5: 'BUY' }, { maxPosition: '2' });
    expect(feed(g, 5)).toEqual(['1:BUY:1', '2:BUY:1', '4:SELL:1', '5:BUY:1']);
    expect(g.rejections()['max-position']).toBe(1);
    expect(g.positionQty()).toBe('2');
  });

  it('blocks on maxNotional = |position| × tick price, exactly at the limit allowed', () => {
    // 2 × 50 = 100 allowed (not above); 3 × 50 = 150 blocked.
    const g = gate({ 1: 'BUY', 2: 'BUY', 3: 'BUY' }, { maxNotional: '100' });
    expect(feed(g, 3, '50')).toEqual(['1:BUY:1', '2:BUY:1']);
    expect(g.lastRejection?.reason).toBe('max-notional');
    expect(g.lastRejection?.detail).toBe('notional would be 150 > 100');
  });

  it('sizes by notional, rounding DOWN exactly to qtyDecimals', () => {
    const g = gate(
      { 1: 'BUY', 2: 'BUY', 3: 'FLAT' },
      {},
      { kind: 'notional', notional: '1000', qtyDecimals: 4 },
    );
    // 1000 / 30000.03 = 0.033333300000333…; 1000 / 3 = 333.3333…: both truncated, never rounded up.
    const prices: Record<number, string> = { 1: '30000.03', 2: '3', 3: '7' };
    expect(feed(g, 3, (s) => prices[s] as string)).toEqual([
      '1:BUY:0.0333',
      '2:BUY:333.3333',
      '3:FLAT:333.3666',
    ]);
  });

  it('rejects a notional too small for one unit at qtyDecimals as zero-qty', () => {
    const g = gate({ 1: 'BUY' }, {}, { kind: 'notional', notional: '1', qtyDecimals: 0 });
    expect(feed(g, 1, '2')).toEqual([]);
    expect(g.rejections()['zero-qty']).toBe(1);
  });

  it('enforces the cooldown in exchange time: exactly cooldownMicros later is allowed', () => {
    // Ticks 1 s apart; cooldown 2 s: seq 2 BUY, seq 3 blocked (1 s), seq 4 allowed (2 s).
    const g = gate({ 2: 'BUY', 3: 'SELL', 4: 'SELL' }, { cooldownMicros: 2_000_000 });
    expect(feed(g, 4)).toEqual(['2:BUY:1', '4:SELL:1']);
    expect(g.rejections().cooldown).toBe(1);
  });

  it('lets a rejected decision not restart the cooldown', () => {
    const g = gate({ 1: 'BUY', 2: 'SELL', 3: 'SELL' }, { cooldownMicros: 2_000_000 });
    expect(feed(g, 3)).toEqual(['1:BUY:1', '3:SELL:1']);
  });

  it('emits only inside trading hours: start inclusive, end exclusive, by the tick ts (UTC)', () => {
    const minute = 60_000_000;
    const at = (hhmm: number) => T0 + hhmm * minute; // T0 is midnight UTC
    const times: Record<number, number> = {
      1: at(14 * 60 + 29),
      2: at(14 * 60 + 30),
      3: at(21 * 60 - 1),
      4: at(21 * 60),
    };
    const g = gate({ 1: 'BUY', 2: 'BUY', 3: 'BUY', 4: 'BUY' }, { tradingHours: '14:30-21:00' });
    expect(feed(g, 4, '1', (s) => times[s] as number)).toEqual(['2:BUY:1', '3:BUY:1']);
    expect(g.rejections()['trading-hours']).toBe(2);
  });

  it('wraps trading hours over midnight when start > end', () => {
    const hour = 3_600_000_000;
    const times: Record<number, number> = {
      1: T0 + 23 * hour,
      2: T0 + 24 * hour + 5 * hour,
      3: T0 + 12 * hour,
    };
    const g = gate({ 1: 'BUY', 2: 'BUY', 3: 'BUY' }, { tradingHours: '22:00-06:00' });
    expect(feed(g, 3, '1', (s) => times[s] as number)).toEqual(['1:BUY:1', '2:BUY:1']);
  });

  it('emits nothing during the first warmUpTicks ticks of the symbol', () => {
    const g = gate({ 2: 'BUY', 3: 'BUY', 4: 'BUY' }, { warmUpTicks: 3 });
    expect(feed(g, 4)).toEqual(['4:BUY:1']);
    expect(g.rejections()['warm-up']).toBe(2);
  });

  it('keeps the inner decision otherwise unchanged (id, reason, refPrice)', () => {
    const d = gate({ 1: 'BUY' }, {}, { kind: 'fixed', qty: '0.25' }).onTick(tick(1, '100.50'), NOW);
    expect(d).toMatchObject({
      id: 'script:synth:BTC-USD:1',
      qty: '0.25',
      refPrice: '100.50',
      reason: 'scripted BUY',
    });
  });

  it('refuses bad sizing and bad trading hours at construction', () => {
    expect(() => gate({}, {}, { kind: 'fixed', qty: '0' })).toThrow(RangeError);
    expect(() => gate({}, {}, { kind: 'notional', notional: '10', qtyDecimals: 1.5 })).toThrow(RangeError);
    expect(() => parseTradingHours('9:30-16:00')).toThrow(TradingHoursError);
    expect(() => parseTradingHours('10:00-10:00')).toThrow(TradingHoursError);
    expect(parseTradingHours('00:00-24:00')).toEqual({ start: 0, end: 86_400_000_000 });
  });
});
