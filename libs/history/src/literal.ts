/**
 * The two vetted ways a value is written into SQL text, for the places DuckDB cannot bind a
 * parameter (a COPY … TO path, a table function's file glob, a PRAGMA). Everywhere else a value is
 * a bound parameter. Both refuse NUL, which DuckDB's parser would end the text at.
 */

export class SqlLiteralError extends Error {
  override name = 'SqlLiteralError';
}

function refuseNul(s: string, what: string): void {
  if (s.includes('\u0000')) throw new SqlLiteralError(`a NUL character cannot be in a SQL ${what}`);
}

/**
 * A SQL string literal: `it's` → `'it''s'`. DuckDB's standard strings have one escape, the doubled
 * quote; a backslash is an ordinary character (no E'' strings are made here).
 */
export function sqlString(s: string): string {
  refuseNul(s, 'string');
  return `'${s.replaceAll("'", "''")}'`;
}

/** A quoted SQL identifier: `my "t"` → `"my ""t"""`. */
export function sqlIdentifier(name: string): string {
  refuseNul(name, 'identifier');
  if (name === '') throw new SqlLiteralError('an empty SQL identifier');
  return `"${name.replaceAll('"', '""')}"`;
}
