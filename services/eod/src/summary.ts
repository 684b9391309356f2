import { breakLines, duplicatesLine, fillLine, pausedLines, qualityLine } from './report/report.ts';
import type { EodResult } from './run.ts';

/** `eod run` exit code when the reconciliation has breaks (the report is still written). */
export const EXIT_BREAKS = 3;

const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);

/** What `eod run` prints at the end: one screen, the verdict first, then where the files are. */
export function renderSummary({ report: r, paths, timings }: EodResult, maxBreaks = 10): string {
  const t = r.profitAndLoss.total;
  const rec = r.reconciliation.decisions;
  const breaks = breakLines(r);
  const vol = new Map(r.volatility.map((v) => [`${v.venue}:${v.symbol}`, v]));
  const pnl = new Map(r.profitAndLoss.symbols.map((p) => [p.symbol, p]));
  const lines = [
    `tickflow eod ${r.date}: ${r.reconciliation.clean ? 'RECONCILED' : `NOT RECONCILED (${breaks.length} breaks)`}`,
    `  ticks ${r.load.ticks}, decisions ${r.load.decisions}, fills ${r.load.fills}, rejects ${r.load.rejects}, unparseable ${r.load.unparseable}`,
    `  P&L net ${r.pnl.total} (realised ${t.realised}, unrealised ${t.unrealised}, fees ${t.fees}), max drawdown ${t.maxDrawdown}, round trips ${t.roundTrips}, win rate ${pct(t.winRate)}`,
    `  quality: ${qualityLine(r)}`,
    `  duplicates: ${duplicatesLine(r)}`,
    `  decisions: matched ${rec.matched}, missing ${rec.missing}, extra ${rec.extra}, differing ${rec.differing}`,
    `  fills: ${fillLine(r.reconciliation.fills)}`,
    ...pausedLines(rec.paused).map((l) => `  ${l}`),
    '',
    `  ${'symbol'.padEnd(12)} ${'ticks'.padStart(8)} ${'close'.padStart(12)} ${'vwap'.padStart(12)} ${'vol 1m'.padStart(8)} ${'rank'.padStart(4)} ${'net P&L'.padStart(14)}`,
  ];
  const shown = r.bars.slice(0, 12);
  for (const b of shown) {
    const v = vol.get(`${b.venue}:${b.symbol}`);
    lines.push(
      `  ${b.symbol.padEnd(12)} ${String(b.ticks).padStart(8)} ${b.close.padStart(12)} ${(b.vwap ?? 'n/a').slice(0, 12).padStart(12)} ${pct(v?.closeToClose1m ?? null).padStart(8)} ${String(v?.rank ?? '').padStart(4)} ${(pnl.get(b.symbol)?.net ?? '0').padStart(14)}`,
    );
  }
  if (r.bars.length > shown.length)
    lines.push(`  … ${r.bars.length - shown.length} more symbols in the report`);
  if (breaks.length) {
    lines.push('', '  breaks:');
    for (const b of breaks.slice(0, maxBreaks)) lines.push(`    ${b}`);
    if (breaks.length > maxBreaks) lines.push(`    … ${breaks.length - maxBreaks} more in report.html`);
  }
  lines.push(
    '',
    `  took ${(timings.totalMs / 1000).toFixed(2)} s: ${Object.entries(timings.steps)
      .map(([k, ms]) => `${k} ${(ms / 1000).toFixed(2)}`)
      .join(', ')}`,
    // `eod run` overlaps these (docs/EOD.md), so the steps add up to more than the total.
    ...(Object.values(timings.steps).reduce((a, b) => a + b, 0) > timings.totalMs * 1.05
      ? ['           (archive and analytics ran beside the reconciliation: the steps overlap)']
      : []),
    `  report   ${paths.html}`,
    `           ${paths.json}  ${paths.markdown}`,
    `  csv      ${paths.csv.length} files in ${paths.csv[0] ? paths.csv[0].replace(/[^/]*$/, '') : ''}`,
  );
  if (r.archive.length) lines.push(`  parquet  ${r.archive.map((a) => `${a.table} ${a.rows}`).join(', ')}`);
  lines.push(`  duckdb   ${paths.database}`);
  return `${lines.join('\n')}\n`;
}
