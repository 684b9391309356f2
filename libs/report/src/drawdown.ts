import { lineChart, type Series } from './svg-charts.ts';

/**
 * An equity curve's drawdown: at each point, how far the equity is below its highest value so far
 * (0 at a new high, negative below it), in the equity's own units. Points in x order.
 */
export function drawdownSeries(equity: readonly [number, number][]): [number, number][] {
  let peak = Number.NEGATIVE_INFINITY;
  return equity.map(([x, y]) => {
    if (y > peak) peak = y;
    return [x, y - peak];
  });
}

/** A line chart of an equity curve's drawdown (a line at 0 is the high-water mark). */
export function drawdownChart(o: {
  id: string;
  title: string;
  equity: readonly [number, number][];
  xLabel: (x: number) => string;
  yLabel?: (y: number) => string;
}): string {
  const series: Series[] = [{ label: 'drawdown', points: drawdownSeries(o.equity) }];
  return lineChart({
    id: o.id,
    title: o.title,
    series,
    xLabel: o.xLabel,
    ...(o.yLabel ? { yLabel: o.yLabel } : {}),
  });
}
