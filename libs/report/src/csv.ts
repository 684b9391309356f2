import type { Cell, ReportTable } from './table.ts';

/** RFC 4180 field: quoted when it holds a comma, quote, CR or LF; quotes doubled. */
export function csvField(v: Cell): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** A table as CSV (CRLF lines): a header of column keys, raw values (exact decimal strings, plain numbers). */
export function toCsv(t: ReportTable): string {
  const lines = [t.columns.map((c) => csvField(c.key)).join(',')];
  for (const r of t.records) lines.push(t.columns.map((c) => csvField(r[c.key] ?? null)).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
