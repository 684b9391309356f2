import { Dec } from '@tickflow/core';

/** DECIMAL text from DuckDB ("12.3400000000") normalised to an exact plain string ("12.34"). */
export const plainDec = (x: unknown): string => new Dec(String(x)).toFixed();

/** A DOUBLE (or NULL) from DuckDB as a number or null; NaN and ±Infinity become null. */
export const numOrNull = (x: unknown): number | null => {
  if (x === null || x === undefined) return null;
  const n = Number(x);
  return Number.isFinite(n) ? n : null;
};
