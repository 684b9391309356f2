import type { FileReport } from './run.ts';

const n = (x: number) => x.toLocaleString('en-US');

/** The one-screen summary of an import: per file what went in, what was refused and why, where it stopped. */
export function renderImportSummary(reports: readonly FileReport[]): string {
  const out: string[] = [];
  for (const r of reports) {
    const unit = r.unit
      ? `, times in ${r.unit.unit === 'ms' ? 'milliseconds' : 'microseconds'} (${r.unit.how === 'detected' ? 'detected from the values' : 'as given by --time-unit'})`
      : '';
    out.push(
      `${r.file}: ${r.kind === 'binance' ? `Binance dump${r.lane ? ` as ${r.lane}` : ''}` : 'replay file'}${unit}`,
    );
    if (r.error !== undefined) {
      out.push(`  NOT IMPORTED: ${r.error}`);
      continue;
    }
    const badTotal = Object.values(r.bad).reduce((a, b) => a + b, 0);
    const codes = Object.entries(r.bad)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([code, count]) => `${code} ${n(count)}`)
      .join(', ');
    out.push(
      `  rows ${n(r.rows)}, imported ${n(r.imported)}, bad ${n(badTotal)}${codes ? ` (${codes})` : ''}`,
    );
    for (const e of r.entries ?? [])
      out.push(
        e.corrupt !== undefined
          ? `  entry ${e.name}: CORRUPT (${e.corruptWhy}), nothing of it imported`
          : `  entry ${e.name}: rows ${n(e.rows)}, imported ${n(e.imported)}, bad ${n(e.bad)}`,
      );
    if (r.quarantine) out.push(`  bad rows in ${r.quarantine}`);
    for (const d of r.dates)
      out.push(
        `  ${d.dir}: ${n(d.imported)} ticks of ${d.lanes.join(', ')} (replacing any before), ${n(d.rows)} ticks in the partition`,
      );
    if (r.stopped !== undefined) out.push(`  STOPPED EARLY: ${r.stopped}`);
  }
  return `${out.join('\n')}\n`;
}
