import { botSpec, executionOf, limitsOf } from '@tickflow/bot';
import { Dec, type Decision } from '@tickflow/core';
import { Portfolio, type Tape, type TapeTick } from '@tickflow/paper';
import { resolveConfig } from '@tickflow/runtime';
import { describe, expect, it } from 'vitest';
import { SymbolBroker } from './broker.ts';
import { RiskGate } from './risk-gate.ts';

/**
 * test/bot-risk.test.ts's session (the live bot on a real NATS: --max-position 1,
 * --daily-loss-limit 5, partial fills, a 1 s time to live) through the backtest's broker and risk
 * gate: the same fills, the same refusals with the same reasons, the same halt.
 */
const T0 = 1_780_000_000_000_000;
const SYMBOL = 'RISK-USD';
const tick = (seq: number, ms: number, price: string, size: string): TapeTick => ({
  seq,
  ts: T0 + ms * 1000,
  price,
  size,
});
const TICKS = [
  tick(1, 1, '100', '10'),
  tick(2, 2, '100', '10'),
  tick(3, 3, '100', '0.4'),
  tick(4, 4, '100', '0.4'),
  tick(5, 2003, '100', '5'), // past the close order's 1 s time to live
  tick(6, 2004, '50', '1'), // 0.2 left long marked 50 below cost: day P&L < -5
];
const tape: Tape = {
  length: TICKS.length,
  seqAt: (i) => TICKS[i]?.seq ?? 0,
  at: (i) => TICKS[i] as TapeTick,
};
const decision = (strategy: string, tickSeq: number, action: Decision['action'], qty: string): Decision => ({
  v: 1,
  id: `${strategy}:synth:${SYMBOL}:${tickSeq}`,
  strategy,
  venue: 'synth',
  symbol: SYMBOL,
  action,
  qty,
  refPrice: '100',
  tickSeq,
  tickTs: T0 + tickSeq * 1000,
  decidedAt: T0 + tickSeq * 1000 + 100,
  reason: 'test',
  indicators: {},
});

describe('the backtest broker under the bot’s risk limits', () => {
  const bot = resolveConfig(
    botSpec,
    { maxPosition: '1', dailyLossLimit: '5', partialFills: 'true', orderTtlMs: '1000' },
    {},
  );
  const run = () => {
    const portfolio = new Portfolio(new Dec(bot.cash));
    const gate = new RiskGate(limitsOf(bot), portfolio);
    gate.openDay('2026-05-28');
    const broker = new SymbolBroker(SYMBOL, executionOf(bot), gate);
    const fills = broker.runDay(
      [
        decision('manual', 1, 'BUY', '1'),
        decision('manual', 2, 'BUY', '0.5'), // would make 1.5 > max position 1
        decision('close', 2, 'SELL', '1'), // reduces: allowed; 0.4 + 0.4 then expires
        decision('manual', 6, 'BUY', '0.1'), // after the halt
      ],
      () => tape,
    );
    return { fills, broker, gate, portfolio };
  };

  it('fills what the bot filled and refuses what it refused, with its reasons', () => {
    const { fills, broker } = run();
    expect(fills.map((f) => [f.decisionId, f.side, f.qty, f.price, f.ts])).toEqual([
      [`manual:synth:${SYMBOL}:1`, 'BUY', '1', '100', T0 + 2000],
      [`close:synth:${SYMBOL}:2`, 'SELL', '0.4', '100', T0 + 3000],
      [`close:synth:${SYMBOL}:2`, 'SELL', '0.4', '100', T0 + 4000],
    ]);
    expect(broker.rejections.map((r) => [r.decision.id, r.verdict.reason, r.side, r.qty])).toEqual([
      [`manual:synth:${SYMBOL}:2`, 'MAX_POSITION', 'BUY', '0.5'],
      [`manual:synth:${SYMBOL}:6`, 'HALTED', 'BUY', '0.1'],
    ]);
    expect(broker.expired).toBe(1);
  });

  it('halts on the daily loss limit with the bot’s reason, and keeps the position the bot kept', () => {
    const { gate, portfolio } = run();
    expect(gate.halted).toBe(true);
    expect(gate.haltReason).toMatch(/^daily loss limit: the day's net P&L is -10\.\d+, limit -5$/);
    expect(gate.rejected).toBe(2);
    expect(gate.byReason).toEqual({ MAX_POSITION: 1, HALTED: 1 });
    expect(portfolio.position(SYMBOL)).toMatchObject({ qty: '0.2', lastPrice: '50' });
  });

  it('lets every order out without limits (the same decisions fill in full)', () => {
    const portfolio = new Portfolio(new Dec(bot.cash));
    const free = resolveConfig(botSpec, { partialFills: 'true', orderTtlMs: '1000' }, {});
    const gate = new RiskGate(limitsOf(free), portfolio);
    const broker = new SymbolBroker(SYMBOL, executionOf(free), gate);
    broker.runDay([decision('manual', 1, 'BUY', '1'), decision('manual', 2, 'BUY', '0.5')], () => tape);
    expect(broker.rejections).toEqual([]);
    expect(portfolio.position(SYMBOL)?.qty).toBe('1.5');
  });
});
