import { barChart, escapeHtml as esc, htmlPage, htmlTable, lineChart } from '@tickflow/report';
import { clock, minuteOfDay, type PriceChart } from './chart-data.ts';
import { breakLines, duplicatesLine, fillLine, qualityLine, type Report } from './report.ts';
import { reportTables } from './tables.ts';

/** The charts: equity curve, volatility by symbol, and price with decisions for the busiest symbols. */
function charts(r: Report, prices: readonly PriceChart[]): string[] {
  const out = ['<h2>Charts</h2>'];
  out.push(
    lineChart({
      id: 'equity',
      title: 'Equity curve: total P&L (realised + unrealised − fees) at the end of each minute',
      series: [
        {
          label: 'equity',
          points: r.profitAndLoss.curve.map((p) => [minuteOfDay(r.date, p.minute), Number(p.equity)]),
        },
      ],
      xLabel: clock,
    }),
  );
  const ranked = r.volatility.filter((v) => v.closeToClose1m !== null);
  out.push(
    barChart({
      id: 'volatility',
      title: 'Volatility by symbol (close-to-close of 1-minute bars, annualised), ranked',
      bars: ranked.map((v) => ({ label: `${v.symbol} ${v.venue}`, value: v.closeToClose1m as number })),
      value: (v) => `${(v * 100).toFixed(2)} %`,
    }),
  );
  for (const c of prices)
    out.push(
      lineChart({
        id: `price-${c.symbol}`,
        title: `${c.symbol}: 1-minute closes with decisions (▲ buy, ▼ sell${c.drawn < c.decisions ? `; ${c.drawn} of ${c.decisions} drawn, evenly spread` : ''})`,
        series: c.series,
        markers: c.markers,
        xLabel: clock,
      }),
    );
  return out;
}

/**
 * The report as one self-contained HTML page (@tickflow/report's htmlPage): verdict first, then
 * summary, breaks, charts (inline SVG) and tables. `prices`: the price charts (chart-data.ts), none when not given.
 */
export function renderHtml(r: Report, prices: readonly PriceChart[] = []): string {
  const breaks = breakLines(r);
  const clean = r.reconciliation.clean;
  const rec = r.reconciliation.decisions;
  const t = r.profitAndLoss.total;
  const out: string[] = [
    `<h1>tickflow end-of-day report — ${esc(r.date)}</h1>`,
    `<div class="meta">Generated ${esc(r.generatedAt)} from DuckDB <code>${esc(r.database)}</code></div>`,
    clean
      ? `<div class="verdict ok">✔ Reconciled: ${rec.matched} decisions and ${r.reconciliation.fills.matched} fills match the batch recomputation; P&amp;L equal both ways.</div>`
      : `<div class="verdict bad">✘ NOT reconciled: ${breaks.length} break(s) — ${rec.missing} missing, ${rec.extra} extra, ${rec.differing} differing decisions${r.reconciliation.duplicates.breaks ? `; ${r.reconciliation.duplicates.breaks} duplicate breaks` : ''}${r.reconciliation.pnl.equal ? '' : '; P&amp;L differs'}.</div>`,
    '<h2>Summary</h2><ul>',
    `<li>Ticks ${r.load.ticks}, decisions ${r.load.decisions}, fills ${r.load.fills}, rejects ${r.load.rejects}, unparseable ${r.load.unparseable}</li>`,
    `<li>Net P&amp;L <b>${esc(r.pnl.total)}</b> (realised ${esc(t.realised)}, unrealised ${esc(t.unrealised)}, fees ${esc(t.fees)}); max drawdown ${esc(t.maxDrawdown)}; ${t.roundTrips} round trips</li>`,
    `<li>Feed quality: ${esc(qualityLine(r))}</li>`,
    `<li>Duplicates (each counted once): ${esc(duplicatesLine(r))}</li>`,
    `<li>Fills: ${esc(fillLine(r.reconciliation.fills))}</li>`,
    '</ul>',
  ];
  if (breaks.length) {
    out.push('<h2>Reconciliation breaks</h2><ul class="breaks">');
    for (const b of breaks.slice(0, 500)) out.push(`<li>${esc(b)}</li>`);
    if (breaks.length > 500) out.push(`<li>… ${breaks.length - 500} more in report.json</li>`);
    out.push('</ul>');
  }
  out.push(...charts(r, prices));
  for (const tbl of reportTables(r)) if (tbl.rows.length > 0) out.push(...htmlTable(tbl));
  out.push(
    '<p class="meta">Volatility estimators are annualised with 525,600 one-minute periods a year (24 × 365); formulas in docs/EOD.md. Money is exact (DECIMAL / decimal.js).</p>',
  );
  return htmlPage({
    title: `tickflow end of day ${r.date} — ${clean ? 'reconciled' : 'NOT reconciled'}`,
    body: out,
  });
}
