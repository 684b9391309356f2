import { drawdownFigures } from './metrics.ts';
import type { BacktestFigures } from './report-schema.ts';

/** What `--metric` ranks combinations by; higher is better for each. */
export const METRICS = ['sharpe', 'sortino', 'calmar', 'pnl', 'profit-factor', 'win-rate'] as const;
export type Metric = (typeof METRICS)[number];

/** A run's value of `metric` (null when it is undefined for that run: one day, no losing trade…). */
export function metricOf(f: BacktestFigures, metric: Metric): number | null {
  switch (metric) {
    case 'sharpe':
      return f.sharpe;
    case 'sortino':
      return f.sortino;
    case 'calmar':
      return drawdownFigures(f).calmar;
    case 'pnl':
      return Number(f.pnl.total);
    case 'profit-factor':
      return f.profitFactor;
    case 'win-rate':
      return f.winRate;
  }
}

/**
 * The index of the best candidate: the highest metric, the first in grid order on a tie; when no
 * candidate has a value, the first candidate that ran (so every window still trades). Undefined
 * candidates did not run (their parameters were refused); null when none ran.
 */
export function bestOf(values: readonly (number | null | undefined)[]): number | null {
  let best: number | null = null;
  let bestValue = Number.NEGATIVE_INFINITY;
  let firstRan: number | null = null;
  values.forEach((v, i) => {
    if (v === undefined) return;
    firstRan ??= i;
    if (v !== null && v > bestValue) {
      best = i;
      bestValue = v;
    }
  });
  return best ?? firstRan;
}
