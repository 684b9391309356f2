import { Dec, type Fill } from '@tickflow/core';
import { Portfolio } from '@tickflow/paper';
import { describe, expect, it } from 'vitest';
import { dailyReturns, maxDrawdown, meanExposure, ratios, TradeStats } from './metrics.ts';

const fill = (side: 'BUY' | 'SELL', qty: string, price: string, fee = '0'): Fill => ({
  v: 1,
  id: `f${Math.random()}`,
  decisionId: 'd',
  symbol: 'S',
  side,
  qty,
  price,
  fee,
  ts: 1,
});

describe('backtest metrics', () => {
  it('takes daily returns on the previous close, the first on the starting cash', () => {
    expect(dailyReturns(new Dec(100), [new Dec(110), new Dec(99)])).toEqual([0.1, -0.1]);
  });

  it('annualises Sharpe and Sortino with √365 and gives null for fewer than two days', () => {
    expect(ratios([0.01])).toEqual({ sharpe: null, sortino: null });
    const r = ratios([0.02, -0.01, 0.02]);
    const mean = 0.01;
    const sd = Math.sqrt((0.0001 + 0.0004 + 0.0001) / 2);
    const downside = Math.sqrt(0.0001 / 3);
    expect(r.sharpe).toBeCloseTo((mean / sd) * Math.sqrt(365), 10);
    expect(r.sortino).toBeCloseTo((mean / downside) * Math.sqrt(365), 10);
    expect(ratios([0.01, 0.01]).sortino).toBeNull();
  });

  it('measures the largest fall from a running peak, exactly', () => {
    const dd = maxDrawdown(
      new Dec(100),
      ['120', '90', '130', '110'].map((x) => new Dec(x)),
    );
    expect(dd.abs).toBe('30.00000000');
    expect(dd.pct).toBe(0.25);
  });

  it('counts a reducing fill as a trade, net of its fee, on the average cost; a flip opens the rest', () => {
    const s = new TradeStats();
    const p = new Portfolio(new Dec(1000), (a) => s.applied(a));
    p.apply(fill('BUY', '2', '10'));
    p.apply(fill('BUY', '2', '12')); // average cost 11
    p.apply(fill('SELL', '1', '13', '0.5')); // +2 − 0.5
    p.apply(fill('SELL', '4', '10', '0.1')); // closes 3 at −1 each − 0.1, opens 1 short at 10
    p.apply(fill('BUY', '1', '9')); // +1
    expect(s.trades).toBe(3);
    expect(s.winRate).toBeCloseTo(2 / 3, 12);
    expect(s.profitFactor).toBeCloseTo((1.5 + 1) / 3.1, 12);
    expect(s.turnover).toBe(new Dec(20 + 24 + 13 + 40 + 9).toFixed(8));
  });

  it('averages gross exposure over equity at each close, leaving out days without ticks', () => {
    const day = (source: string, equity: string, grossExposure: string) => ({
      source,
      equity,
      grossExposure,
    });
    expect(meanExposure([day('archive', '100', '50'), day('none', '100', '0'), day('db', '200', '0')])).toBe(
      0.25,
    );
    expect(meanExposure([day('none', '100', '0')])).toBeNull();
    expect(meanExposure([day('archive', '0', '10')])).toBeNull();
  });
});
