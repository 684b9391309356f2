import { clock, minuteOfDay, type PriceChart } from './chart-data.ts';
import { breakLines, duplicatesLine, fillLine, qualityLine, type Report } from './report.ts';
import { barChart, esc, lineChart } from './svg-charts.ts';
import { reportTables } from './tables.ts';

/** Inline on purpose: the file must open anywhere (mail, an archive) with no external assets. */
const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1200px;padding:0 1rem;color:#1b1f24}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.1rem;margin-top:2rem}
.meta{color:#57606a;font-size:.85rem}
.verdict{padding:.8rem 1rem;border-radius:6px;font-size:1.2rem;font-weight:600;margin:1rem 0}
.ok{background:#dafbe1;color:#116329;border:1px solid #4ac26b}.bad{background:#ffebe9;color:#82071e;border:1px solid #ff8182}
table{border-collapse:collapse;margin:.5rem 0;font-size:.85rem}
th,td{border:1px solid #d0d7de;padding:.25rem .5rem;white-space:nowrap}
th{background:#f6f8fa;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
tr:nth-child(even) td{background:#fafbfc}.scroll{overflow-x:auto}
ul.breaks li{font-family:ui-monospace,monospace;font-size:.8rem}
figure.chart{margin:1rem 0}figure.chart figcaption{font-weight:600;margin-bottom:.3rem}
svg .axis{font-size:11px;fill:#57606a}`;

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
 * The report as one self-contained HTML page: verdict first, then summary, breaks, charts (inline
 * SVG) and tables. `prices`: the price charts (chart-data.ts), none when not given.
 */
export function renderHtml(r: Report, prices: readonly PriceChart[] = []): string {
  const breaks = breakLines(r);
  const clean = r.reconciliation.clean;
  const rec = r.reconciliation.decisions;
  const t = r.profitAndLoss.total;
  const out: string[] = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>tickflow end of day ${esc(r.date)} — ${clean ? 'reconciled' : 'NOT reconciled'}</title>`,
    `<style>${STYLE}</style></head><body>`,
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
  for (const tbl of reportTables(r)) {
    if (tbl.rows.length === 0) continue;
    out.push(`<h2>${esc(tbl.title)}</h2><div class="scroll"><table><thead><tr>`);
    for (const c of tbl.columns) out.push(`<th>${esc(c.label)}</th>`);
    out.push('</tr></thead><tbody>');
    for (const row of tbl.rows) {
      out.push(
        `<tr>${row.map((v, i) => `<td${tbl.columns[i]?.numeric ? ' class="n"' : ''}>${esc(v)}</td>`).join('')}</tr>`,
      );
    }
    out.push('</tbody></table></div>');
  }
  out.push(
    '<p class="meta">Volatility estimators are annualised with 525,600 one-minute periods a year (24 × 365); formulas in docs/EOD.md. Money is exact (DECIMAL / decimal.js).</p>',
    '</body></html>',
    '',
  );
  return out.join('\n');
}
