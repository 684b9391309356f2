import type { DuckDBValue, DuckDBVector } from '@duckdb/node-api';
import { Dec } from '@tickflow/core';

/** A SQL string literal ('it''s'): paths and names put into DuckDB statements. */
export const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** DECIMAL text from DuckDB ("12.3400000000") normalised to an exact plain string ("12.34"). */
export const plainDec = (x: unknown): string => new Dec(String(x)).toFixed();

/** A DOUBLE (or NULL) from DuckDB as a number or null; NaN and ±Infinity become null. */
export const numOrNull = (x: unknown): number | null => {
  if (x === null || x === undefined) return null;
  const n = Number(x);
  return Number.isFinite(n) ? n : null;
};

/**
 * A plain decimal string in one canonical form: no sign on zero, no leading zeros before the
 * point, no trailing zeros after it ('0100.2500' → '100.25', '-0.0' → '0').
 */
export function canonicalDecimal(s: string): string {
  let sign = '';
  let body = s;
  if (body.startsWith('-') || body.startsWith('+')) {
    sign = body.startsWith('-') ? '-' : '';
    body = body.slice(1);
  }
  const point = body.indexOf('.');
  let int = point < 0 ? body : body.slice(0, point);
  let frac = point < 0 ? '' : body.slice(point + 1);
  let i = 0;
  while (i < int.length - 1 && int.charCodeAt(i) === 48) i++;
  int = int.slice(i);
  let j = frac.length;
  while (j > 0 && frac.charCodeAt(j - 1) === 48) j--;
  frac = frac.slice(0, j);
  if (int === '' || int === '0') int = '0';
  if (int === '0' && frac === '') sign = '';
  return `${sign}${int}${frac ? `.${frac}` : ''}`;
}

/**
 * Exact equality of two decimals: equal canonical strings are equal numbers; anything else (an
 * exponent, a form this does not canonicalise) is decided by decimal.js. Comparing hundreds of
 * thousands of prices through decimal.js took seconds; the strings take milliseconds.
 */
export function sameDecimal(a: unknown, b: string): boolean {
  const x = String(a);
  return canonicalDecimal(x) === canonicalDecimal(b) || new Dec(x).eq(b);
}

/** A query's rows as plain objects, converted column by column (cheaper than row objects). */
export function rowsOf(reader: {
  columnNames(): string[];
  getColumnsJS(): unknown[][];
}): Record<string, unknown>[] {
  const names = reader.columnNames();
  const columns = reader.getColumnsJS();
  const n = columns[0]?.length ?? 0;
  const rows: Record<string, unknown>[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const row: Record<string, unknown> = {};
    for (let c = 0; c < names.length; c++) row[names[c] as string] = columns[c]?.[i];
    rows[i] = row;
  }
  return rows;
}

/**
 * A DOUBLE column of a chunk as a Float64Array, for columns with no NULL. The node API keeps one
 * per vector (a private field in 1.5, read here when present, so a 10 M-row read needs no call per
 * value); otherwise the values are copied out with `getItem`.
 */
export function doubles(vector: DuckDBVector<DuckDBValue>): Float64Array {
  const items = (vector as unknown as { items?: unknown }).items;
  if (items instanceof Float64Array && items.length === vector.itemCount) return items;
  const out = new Float64Array(vector.itemCount);
  for (let i = 0; i < out.length; i++) out[i] = Number(vector.getItem(i));
  return out;
}
