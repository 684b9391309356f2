import {
  escapeHtml,
  fixedDigits,
  heatMap,
  htmlTable,
  numericColumn,
  percent,
  type ReportTable,
  table,
  textColumn,
} from '@tickflow/report';
import type { BacktestReport } from './report-schema.ts';

type Grid = NonNullable<BacktestReport['grid']>;
type WalkForward = NonNullable<BacktestReport['walkForward']>;

/** Grid rows drawn in report.html at most (grid.csv and report.json have them all). */
const MAX_HTML_ROWS = 200;
const ratio = fixedDigits(2);
const plain = (v: unknown) => (v === null || v === undefined ? 'n/a' : String(v));

/** The grid as a table: a column per parameter, then the metric and the run's figures (grid.csv). */
export function gridTable(g: Grid): ReportTable {
  return table(
    'grid',
    `Grid: ${g.rows.length} combination(s) ranked by ${g.metric}`,
    [
      ...g.params.map((p) => textColumn(p, p)),
      numericColumn('metric', g.metric, ratio),
      numericColumn('pnl', 'net P&L', plain),
      numericColumn('sharpe', 'Sharpe', ratio),
      numericColumn('sortino', 'Sortino', ratio),
      numericColumn('calmar', 'Calmar', ratio),
      numericColumn('maxDrawdownPct', 'max drawdown', percent),
      numericColumn('trades', 'trades'),
      numericColumn('winRate', 'win rate', percent),
      numericColumn('profitFactor', 'profit factor', ratio),
      textColumn('error', 'not run because'),
    ],
    g.rows.map((r) => ({ ...r.params, ...r, params: undefined })),
  );
}

/** The walk-forward windows: dates, the parameters chosen on the training days, the test result. */
export function windowsTable(w: WalkForward): ReportTable {
  return table(
    'windows',
    `Walk-forward windows: train ${w.trainDays} day(s), test ${w.testDays} day(s), chosen by ${w.metric}`,
    [
      textColumn('trainFrom', 'train from'),
      textColumn('trainTo', 'train to'),
      textColumn('testFrom', 'test from'),
      textColumn('testTo', 'test to'),
      textColumn('params', 'chosen parameters'),
      numericColumn('trainMetric', `${w.metric} (train)`, ratio),
      numericColumn('ticks', 'test ticks'),
      numericColumn('trades', 'test trades'),
      numericColumn('pnl', 'test P&L'),
      numericColumn('equity', 'stitched equity'),
    ],
    w.windows.map((x) => ({
      trainFrom: x.train.from,
      trainTo: x.train.to,
      testFrom: x.test.from,
      testTo: x.test.to,
      params: Object.entries(x.params)
        .map(([k, v]) => `${k}=${v}`)
        .join(' '),
      trainMetric: x.trainMetric,
      ticks: x.ticks,
      trades: x.trades,
      pnl: x.pnl,
      equity: x.equity,
    })),
  );
}

/**
 * The metric over the grid's first two parameters (x the first, y the second); with more
 * parameters each cell is the best value over the others, with one the map has a single row.
 */
export function gridHeatMap(g: Grid): string {
  const [xName = '', yName] = g.params;
  const key = (v: unknown) => String(v);
  const xs = [...new Set(g.rows.map((r) => key(r.params[xName])))];
  const ys = yName === undefined ? [''] : [...new Set(g.rows.map((r) => key(r.params[yName])))];
  const cells: (number | null)[][] = ys.map(() => xs.map(() => null));
  for (const r of g.rows) {
    if (r.metric === null) continue;
    const row = cells[yName === undefined ? 0 : ys.indexOf(key(r.params[yName]))] as (number | null)[];
    const i = xs.indexOf(key(r.params[xName]));
    const had = row[i] ?? null;
    row[i] = had === null ? r.metric : Math.max(had, r.metric);
  }
  const more = g.params.length > 2 ? ` (best over ${g.params.slice(2).join(', ')})` : '';
  return heatMap({
    id: 'grid-heat-map',
    title: `${g.metric} by ${xName}${yName === undefined ? '' : ` × ${yName}`}${more}`,
    xName,
    yName: yName ?? '',
    xs,
    ys,
    cells,
    value: (v) => v.toFixed(2),
  });
}

/** report.html's sections for a grid or a walk-forward (none for a single run). */
export function sweepSections(r: BacktestReport): string[] {
  const out: string[] = [];
  const g = r.grid;
  if (g) {
    const best = g.best === null ? undefined : g.rows[g.best];
    out.push(
      `<h2>Grid</h2><p class="meta">${escapeHtml(g.spec)} · ${g.rows.length} combination(s) · best by ${escapeHtml(g.metric)}: ${escapeHtml(
        best
          ? Object.entries(best.params)
              .map(([k, v]) => `${k}=${v}`)
              .join(' ')
          : 'none',
      )} (the figures above are its run)</p>`,
      gridHeatMap(g),
    );
    const t = gridTable(g);
    const shown = t.rows.length > MAX_HTML_ROWS ? { ...t, rows: t.rows.slice(0, MAX_HTML_ROWS) } : t;
    out.push(...htmlTable(shown));
    if (shown !== t)
      out.push(`<p class="meta">first ${MAX_HTML_ROWS} of ${t.rows.length} rows; all in grid.csv</p>`);
  }
  const w = r.walkForward;
  if (w) {
    out.push(
      `<h2>Walk-forward</h2><p class="meta">the figures above are the ${w.windows.length} test window(s) stitched: each starts flat on the starting cash; the stitched equity adds the P&amp;L of the windows before it</p>`,
      ...htmlTable(windowsTable(w)),
    );
  }
  return out;
}
