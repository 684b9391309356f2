import { Dec } from '@tickflow/core';

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
