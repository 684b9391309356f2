import { Dec, money } from '@tickflow/core';
import { equityFigures } from './replay.ts';
import type { BacktestFigures } from './report-schema.ts';

/**
 * The out-of-sample windows of a walk-forward as one run. Each window ran on its own (flat, fresh
 * strategy state, on the starting cash), so the stitched equity of a day is its window's equity
 * plus the P&L of the windows before it; the stitched P&L is the sum of the windows' P&L. Drawdown,
 * Sharpe, Sortino and exposure are computed again over the stitched days; counts are summed.
 */
export function stitchWindows(cash: string, windows: readonly BacktestFigures[]): BacktestFigures {
  let offset = new Dec(0);
  const days: BacktestFigures['days'] = [];
  const bySymbol = new Map<string, BacktestFigures['symbols'][number]>();
  const sum = (a: string, b: string) => money(new Dec(a).plus(b));
  const pnl = { total: '0', realized: '0', unrealized: '0', fees: '0' };
  const acc = { turnover: '0', grossProfit: '0', grossLoss: '0', trades: 0, wins: 0, seconds: 0 };
  const counts = {
    ticks: 0,
    decisions: 0,
    fills: 0,
    expiredOrders: 0,
    openOrders: 0,
    duplicateTicks: 0,
    rejectedOrders: 0,
  };
  const paused: BacktestFigures['paused'] = [];
  const rejections: Record<string, number> = {};
  const halts: BacktestFigures['halts'] = [];
  for (const w of windows) {
    for (const d of w.days) days.push({ ...d, equity: money(offset.plus(d.equity)) });
    offset = offset.plus(w.pnl.endEquity).minus(w.pnl.startEquity);
    for (const k of ['total', 'realized', 'unrealized', 'fees'] as const) pnl[k] = sum(pnl[k], w.pnl[k]);
    for (const s of w.symbols) {
      const had = bySymbol.get(s.symbol);
      bySymbol.set(
        s.symbol,
        had === undefined
          ? s
          : {
              ...s,
              realized: sum(had.realized, s.realized),
              unrealized: sum(had.unrealized, s.unrealized),
              fees: sum(had.fees, s.fees),
              net: sum(had.net, s.net),
            },
      );
    }
    for (const k of Object.keys(counts) as (keyof typeof counts)[]) counts[k] += w[k];
    paused.push(...w.paused);
    for (const [reason, n] of Object.entries(w.rejections))
      rejections[reason] = (rejections[reason] ?? 0) + n;
    halts.push(...w.halts);
    acc.turnover = sum(acc.turnover, w.turnover);
    acc.grossProfit = sum(acc.grossProfit, w.grossProfit ?? '0');
    acc.grossLoss = sum(acc.grossLoss, w.grossLoss ?? '0');
    acc.trades += w.trades;
    acc.wins += w.wins ?? 0;
    acc.seconds += w.replay.seconds;
  }
  const loss = new Dec(acc.grossLoss);
  return {
    ...equityFigures(cash, days),
    ...counts,
    rejections,
    halts,
    paused,
    symbols: [...bySymbol.values()].sort((a, b) => a.symbol.localeCompare(b.symbol)),
    pnl: { ...pnl, startEquity: money(new Dec(cash)), endEquity: money(offset.plus(cash)) },
    turnover: acc.turnover,
    trades: acc.trades,
    wins: acc.wins,
    grossProfit: acc.grossProfit,
    grossLoss: acc.grossLoss,
    winRate: acc.trades === 0 ? null : acc.wins / acc.trades,
    profitFactor: loss.isZero() ? null : new Dec(acc.grossProfit).div(loss).toNumber(),
    replay: {
      seconds: acc.seconds,
      ticksPerSecond: acc.seconds > 0 ? Math.round(counts.ticks / acc.seconds) : 0,
    },
  };
}
