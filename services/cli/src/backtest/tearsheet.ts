import {
  barChart,
  drawdownChart,
  escapeHtml,
  htmlPage,
  htmlTable,
  lineChart,
  numericColumn,
  percent,
  table,
  textColumn,
} from '@tickflow/report';
import { drawdownFigures } from './metrics.ts';
import type { BacktestReport } from './report-schema.ts';
import { sweepSections } from './tearsheet-sweep.ts';

/**
 * report.html: a backtest's tearsheet, rendered from its report.json alone (so an old report can be
 * re-rendered) with the shared report lib: inline SVG, no script, opens under the services' CSP.
 */

/** Daily-return bars drawn at most: a ten-year run would be a page-long chart. */
const MAX_RETURN_BARS = 90;

export { type DrawdownFigures, drawdownFigures } from './metrics.ts';

const ratio = (x: number | null) => (x === null ? 'n/a' : x.toFixed(2));
const signedPct = (v: number) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(2)} %`;

/** The tearsheet page. */
export function renderTearsheet(r: BacktestReport): string {
  const days = r.days.filter((d) => d.source !== 'none');
  const dates = r.days.map((d) => d.date);
  // x = the day's index in the range, labelled by its date; the starting cash sits at x = -1.
  const xLabel = (x: number) => (x < 0 ? 'start' : (dates[Math.round(x)] ?? ''));
  const equity: [number, number][] = [
    [-1, Number(r.pnl.startEquity)],
    ...r.days.flatMap((d, i): [number, number][] => (d.source === 'none' ? [] : [[i, Number(d.equity)]])),
  ];
  let prev = Number(r.pnl.startEquity);
  const returns = days.map((d) => {
    const e = Number(d.equity);
    const v = prev === 0 ? 0 : (e - prev) / prev;
    prev = e;
    return { label: d.date, value: v };
  });
  const shown = returns.slice(-MAX_RETURN_BARS);
  const f = drawdownFigures(r);
  const metrics = table(
    'metrics',
    'Metrics',
    [textColumn('name', 'metric'), textColumn('value', 'value')],
    [
      ['net P&L', r.pnl.total],
      ['equity', `${r.pnl.startEquity} → ${r.pnl.endEquity}`],
      ['annualised return', f.annualReturn === null ? 'n/a' : signedPct(f.annualReturn)],
      ['Sharpe', ratio(r.sharpe)],
      ['Sortino', ratio(r.sortino)],
      ['Calmar', ratio(f.calmar)],
      ['max drawdown', `${r.maxDrawdown} (${percent(r.maxDrawdownPct)})`],
      ['max drawdown duration', `${f.durationDays} day(s)`],
      ['trades', String(r.trades)],
      ['win rate', percent(r.winRate)],
      ['profit factor', ratio(r.profitFactor)],
      ['turnover', r.turnover],
      ['exposure (mean gross / equity at close)', percent(r.exposure)],
      ['fees', r.pnl.fees],
      ['realized / unrealized', `${r.pnl.realized} / ${r.pnl.unrealized}`],
      ['ticks / decisions / fills', `${r.ticks} / ${r.decisions} / ${r.fills}`],
    ].map(([name, value]) => ({ name, value })),
  );
  const asText = (v: unknown) => (v === null ? 'n/a' : String(v));
  const perSymbol = table(
    'symbols',
    'Per symbol',
    [
      textColumn('symbol', 'symbol'),
      numericColumn('qty', 'qty', asText),
      numericColumn('realized', 'realized', asText),
      numericColumn('unrealized', 'unrealized', asText),
      numericColumn('fees', 'fees', asText),
      numericColumn('net', 'net', asText),
      numericColumn('lastPrice', 'last price', asText),
    ],
    r.symbols,
  );
  const perDay = table(
    'days',
    'Days',
    [
      textColumn('date', 'date'),
      textColumn('source', 'source'),
      numericColumn('ticks', 'ticks'),
      numericColumn('decisions', 'decisions'),
      numericColumn('fills', 'fills'),
      numericColumn('pnl', 'P&L'),
      numericColumn('equity', 'equity'),
      numericColumn('grossExposure', 'gross exposure'),
    ],
    r.days,
  );
  const c = r.config;
  const body = [
    `<h1>Backtest ${escapeHtml(r.id)}</h1>`,
    `<p class="meta">${escapeHtml(c.from)} → ${escapeHtml(c.to)} · ${days.length} day(s) with ticks · symbols ${escapeHtml(c.symbols?.join(', ') ?? 'all')} · strategies ${escapeHtml(c.strategies ?? 'built-in')} (${escapeHtml(c.strategyFingerprint.slice(0, 12))}) · cash ${escapeHtml(c.cash)} · finished ${escapeHtml(r.createdAt)}</p>`,
    ...htmlTable(metrics),
    ...sweepSections(r),
    lineChart({
      id: 'equity',
      title: 'Equity (end of day)',
      series: [{ label: 'equity', points: equity }],
      xLabel,
    }),
    drawdownChart({ id: 'drawdown', title: 'Drawdown from the running peak', equity, xLabel }),
    barChart({
      id: 'daily-returns',
      title:
        returns.length > shown.length
          ? `Daily returns (last ${shown.length} of ${returns.length} days)`
          : 'Daily returns',
      bars: shown,
      value: signedPct,
    }),
    ...htmlTable(perSymbol),
    ...htmlTable(perDay),
    ...(r.paused.length
      ? [
          '<h2>Paused lanes</h2><ul class="breaks">',
          ...r.paused.map(
            (p) => `<li>${escapeHtml(`${p.venue}:${p.symbol} at tick ${p.tickSeq}: ${p.error}`)}</li>`,
          ),
          '</ul>',
        ]
      : []),
  ];
  return htmlPage({ title: `tickflow backtest ${r.id}`, body });
}
