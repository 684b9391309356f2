import { describe, expect, it } from 'vitest';
import type { BacktestReport } from './report-schema.ts';
import { drawdownFigures, renderTearsheet } from './tearsheet.ts';

/** A four-day report: 1000 → 1100 → 990 → none → 1045 (a drawdown of 10 % over two days with ticks). */
function report(): BacktestReport {
  const day = (date: string, equity: string, source: 'archive' | 'none' = 'archive') => ({
    date,
    source,
    ticks: source === 'none' ? 0 : 10,
    decisions: 1,
    fills: 1,
    equity,
    pnl: '0',
    grossExposure: source === 'none' ? '0' : '500',
  });
  return {
    id: 'run<1>',
    createdAt: '2026-06-05T00:00:00.000Z',
    config: {
      from: '2026-06-01',
      to: '2026-06-04',
      symbols: null,
      strategies: null,
      strategyFingerprint: 'abcdef0123456789',
      limits: { maxPosition: '', maxNotional: '', maxGrossExposure: '', dailyLossLimit: '' },
      execution: {},
      cash: '1000',
    },
    days: [
      day('2026-06-01', '1100'),
      day('2026-06-02', '990'),
      day('2026-06-03', '990', 'none'),
      day('2026-06-04', '1045'),
    ],
    ticks: 30,
    decisions: 3,
    fills: 3,
    expiredOrders: 0,
    openOrders: 0,
    rejectedOrders: 0,
    rejections: {},
    halts: [],
    duplicateTicks: 0,
    paused: [{ venue: 'v', symbol: 'S', tickSeq: 7, error: 'boom <b>' }],
    symbols: [
      {
        symbol: 'BTC-USD',
        qty: '1',
        realized: '40',
        unrealized: '5',
        fees: '1.5',
        net: '43.5',
        lastPrice: '1',
      },
    ],
    pnl: {
      total: '45',
      realized: '40',
      unrealized: '5',
      fees: '1.5',
      startEquity: '1000',
      endEquity: '1045',
    },
    turnover: '12345.67',
    maxDrawdown: '110',
    maxDrawdownPct: 0.1,
    sharpe: 1.234,
    sortino: 2.345,
    trades: 4,
    winRate: 0.75,
    profitFactor: 3.5,
    exposure: 0.5,
    replay: { seconds: 1, ticksPerSecond: 30 },
  };
}

describe('backtest tearsheet', () => {
  it('measures the drawdown in days below the peak and Calmar as annualised return over max drawdown', () => {
    const f = drawdownFigures(report());
    expect(f.durationDays).toBe(2);
    expect(f.annualReturn).toBeCloseTo(1.045 ** (365 / 3) - 1, 9);
    expect(f.calmar).toBeCloseTo((f.annualReturn as number) / 0.1, 9);
  });

  it('has no Calmar without a drawdown', () => {
    const r = { ...report(), maxDrawdownPct: 0 };
    expect(drawdownFigures(r).calmar).toBeNull();
  });

  it('draws equity, drawdown and daily returns as inline SVG with the metrics, and no script', () => {
    const html = renderTearsheet(report());
    for (const id of ['equity', 'drawdown', 'daily-returns']) expect(html).toContain(`data-chart="${id}"`);
    expect(html.match(/<rect class="bar"/g)).toHaveLength(3);
    for (const text of [
      'Sharpe',
      '1.23',
      'Sortino',
      '2.35',
      'Calmar',
      '2 day(s)',
      '75.00 %',
      '12345.67',
      'BTC-USD',
      '50.00 %',
    ])
      expect(html).toContain(text);
    expect(html).toContain('+10.00 %');
    expect(html).toContain('-10.00 %');
    expect(html).toContain('run&lt;1&gt;');
    expect(html).toContain('boom &lt;b&gt;');
    expect(html).not.toMatch(/<script|<link|src=/i);
  });
});
