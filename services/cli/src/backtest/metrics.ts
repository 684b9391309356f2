import { Dec, money } from '@tickflow/core';
import type { AppliedFill } from '@tickflow/paper';
import type { BacktestFigures } from './report-schema.ts';

/**
 * The backtest's figures. Money is exact (decimal.js); the ratios are statistics of returns, in
 * doubles.
 *
 * - daily return r_d = (equity_d − equity_{d−1}) / equity_{d−1}, equity at each day's last tick
 *   (cash + positions at their last price), equity_0 = the starting cash.
 * - Sharpe = mean(r) / sd(r) × √365 (sample sd; crypto trades every day; risk-free rate 0).
 * - Sortino = mean(r) / dd(r) × √365, dd = √(mean(min(r, 0)²)) over every day.
 *   Both null with fewer than two days or no dispersion.
 * - max drawdown = the largest fall of the daily equity from its running peak (and as a fraction
 *   of that peak).
 * - a trade is a fill that reduces a position; its result is the realized P&L it books less its
 *   fee. win rate = winning trades / trades; profit factor = Σ wins / |Σ losses| (null: no losses).
 * - turnover = Σ qty × price over every fill.
 * - exposure = mean over the days with ticks of gross exposure (Σ |qty × last price|) / equity, both
 *   at the day's close: a cheap end-of-day figure, not a time-weighted intraday one.
 */
export interface Ratios {
  sharpe: number | null;
  sortino: number | null;
}

const ANNUAL = Math.sqrt(365);

export function dailyReturns(startEquity: Dec, equities: readonly Dec[]): number[] {
  const out: number[] = [];
  let prev = startEquity;
  for (const e of equities) {
    out.push(prev.isZero() ? 0 : e.minus(prev).div(prev).toNumber());
    prev = e;
  }
  return out;
}

export function ratios(returns: readonly number[]): Ratios {
  if (returns.length < 2) return { sharpe: null, sortino: null };
  const mean = returns.reduce((s, r) => s + r, 0) / returns.length;
  const variance = returns.reduce((s, r) => s + (r - mean) ** 2, 0) / (returns.length - 1);
  const sd = Math.sqrt(variance);
  const downside = Math.sqrt(returns.reduce((s, r) => s + Math.min(r, 0) ** 2, 0) / returns.length);
  return {
    sharpe: sd > 0 ? (mean / sd) * ANNUAL : null,
    sortino: downside > 0 ? (mean / downside) * ANNUAL : null,
  };
}

export function maxDrawdown(startEquity: Dec, equities: readonly Dec[]): { abs: string; pct: number | null } {
  let peak = startEquity;
  let worst = new Dec(0);
  let worstPct: number | null = null;
  for (const e of equities) {
    if (e.gt(peak)) peak = e;
    const fall = peak.minus(e);
    if (fall.gt(worst)) {
      worst = fall;
      worstPct = peak.isZero() ? null : fall.div(peak).toNumber();
    }
  }
  return { abs: money(worst), pct: worst.isZero() ? 0 : worstPct };
}

/**
 * Trade results and turnover, summed fill by fill (nothing kept per fill), as the run's Portfolio
 * applies each (`applied`, its listener): the realized P&L a fill books is the Portfolio's own,
 * average-cost method included, so nothing here keeps a second book.
 */
export class TradeStats {
  trades = 0;
  wins = 0;
  private gains = new Dec(0);
  private losses = new Dec(0);
  private notional = new Dec(0);

  applied(a: AppliedFill): void {
    this.notional = this.notional.plus(a.qty.mul(a.price));
    if (a.realized === undefined) return;
    // Reduced (or closed, or flipped) a position: a trade, its result net of its fee.
    const result = a.realized.minus(a.fee);
    this.trades++;
    if (result.gt(0)) {
      this.wins++;
      this.gains = this.gains.plus(result);
    } else this.losses = this.losses.plus(result.neg());
  }

  get turnover(): string {
    return money(this.notional);
  }

  /** Σ results of the winning trades, and |Σ| of the losing ones (profit factor = their ratio). */
  get grossProfit(): string {
    return money(this.gains);
  }

  get grossLoss(): string {
    return money(this.losses);
  }

  get winRate(): number | null {
    return this.trades === 0 ? null : this.wins / this.trades;
  }

  get profitFactor(): number | null {
    return this.losses.isZero() ? null : this.gains.div(this.losses).toNumber();
  }
}

/** Mean of gross exposure / equity at each close, over the days with ticks (null: none, or equity ≤ 0). */
export function meanExposure(
  days: readonly { source: string; equity: string; grossExposure: string }[],
): number | null {
  const shares: number[] = [];
  for (const d of days) {
    if (d.source === 'none') continue;
    const equity = new Dec(d.equity);
    if (equity.lte(0)) return null;
    shares.push(new Dec(d.grossExposure).div(equity).toNumber());
  }
  return shares.length === 0 ? null : shares.reduce((s, x) => s + x, 0) / shares.length;
}

export interface DrawdownFigures {
  /** Longest stretch, in days, the daily equity spent below its running peak (open at the end counts). */
  durationDays: number;
  /** Annualised return (compounded over the days with ticks, 365-day year); null with no days. */
  annualReturn: number | null;
  /** Annualised return / max drawdown as a fraction of its peak; null when there was no drawdown. */
  calmar: number | null;
}

/**
 * Drawdown duration and Calmar from the daily equity (days without ticks left out, as the report's
 * ratios do): cheap to derive, so report.json does not carry them (the grid's rows do carry Calmar).
 */
export function drawdownFigures(
  r: Pick<BacktestFigures, 'pnl' | 'days' | 'maxDrawdownPct'>,
): DrawdownFigures {
  const start = Number(r.pnl.startEquity);
  const equities = r.days.filter((d) => d.source !== 'none').map((d) => Number(d.equity));
  let peak = start;
  let run = 0;
  let durationDays = 0;
  for (const e of equities) {
    if (e >= peak) {
      peak = e;
      run = 0;
    } else durationDays = Math.max(durationDays, ++run);
  }
  const end = equities.at(-1);
  const annualReturn =
    end === undefined || start <= 0 || end <= 0 ? null : (end / start) ** (365 / equities.length) - 1;
  const dd = r.maxDrawdownPct;
  const calmar = annualReturn === null || dd === null || dd === 0 ? null : annualReturn / dd;
  return { durationDays, annualReturn, calmar };
}
