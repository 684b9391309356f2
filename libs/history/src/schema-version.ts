import type { HistoryConnection } from './connection.ts';
import { SCHEMA_TABLES } from './schema.ts';

/**
 * The schema version this code reads and writes. A file records its version in `schema_version`;
 * one without that table was written before versions were kept (version 0).
 *
 * 1: the tables of schema.ts. A version-0 file whose tables have exactly these columns (every
 *    file tickflow wrote before, `duplicates` and `bars_1m` possibly missing) is migrated by
 *    creating what it lacks and recording version 1; any other is refused.
 */
export const SCHEMA_VERSION = 1;

export class SchemaVersionError extends Error {
  override name = 'SchemaVersionError';
  constructor(
    message: string,
    /** The file's version: 0 when it records none. */
    readonly found: number,
    readonly expected: number = SCHEMA_VERSION,
  ) {
    super(message);
  }
}

const TYPE = /(\w+)\s+(DECIMAL\(\d+,\d+\)|VARCHAR|BIGINT|INTEGER|DOUBLE|DATE|TIMESTAMP|BOOLEAN)(?![\w(])/g;

/** `name TYPE, …` of a table definition, as DuckDB lists them (duckdb_columns()). */
export function columnsOf(definition: string): string[] {
  return [...definition.matchAll(TYPE)].map(([, name, type]) => `${name} ${type}`);
}

/** The main schema's tables with their columns in order, as the file has them. */
async function fileTables(conn: HistoryConnection): Promise<Map<string, string[]>> {
  const rows = await conn.rows(`SELECT table_name, column_name, data_type FROM duckdb_columns()
    WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal
    ORDER BY table_name, column_index`);
  const tables = new Map<string, string[]>();
  for (const r of rows) {
    const name = String(r.table_name);
    const list = tables.get(name) ?? [];
    list.push(`${String(r.column_name)} ${String(r.data_type)}`);
    tables.set(name, list);
  }
  return tables;
}

/**
 * Checks the file's schema and brings it to SCHEMA_VERSION: a new file gets every table, a
 * version-0 file whose tables match is migrated, a newer file or a mismatched one is refused with
 * SchemaVersionError (never read as if it were this version). Read-only: checked, not written.
 */
export async function ensureSchema(
  conn: HistoryConnection,
  o: { readOnly: boolean; path: string },
): Promise<void> {
  const tables = await fileTables(conn);
  if (tables.has('schema_version')) {
    const { v } = await conn.one('SELECT max(version) AS v FROM schema_version');
    const found = v === null || v === undefined ? 0 : Number(v);
    if (found > SCHEMA_VERSION)
      throw new SchemaVersionError(
        `${o.path} has schema version ${found}, newer than the ${SCHEMA_VERSION} this tickflow reads: refusing to read or change it (use the newer tickflow)`,
        found,
      );
    if (found === SCHEMA_VERSION) return;
  }
  // Version 0 (or a new file): every table it has must have this version's columns exactly.
  for (const [name, definition] of Object.entries(SCHEMA_TABLES)) {
    const have = tables.get(name);
    const want = columnsOf(definition);
    if (have !== undefined && have.join(', ') !== want.join(', '))
      throw new SchemaVersionError(
        `${o.path} has no schema version and its table ${name} has columns (${have.join(', ')}), not version ${SCHEMA_VERSION}'s (${want.join(', ')}): refusing to misread it`,
        0,
      );
  }
  if (o.readOnly) return;
  await conn.transaction(async () => {
    for (const [name, definition] of Object.entries(SCHEMA_TABLES))
      await conn.run(`CREATE TABLE IF NOT EXISTS ${name} (${definition})`);
    await conn.run('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER, applied_at TIMESTAMP)');
    await conn.run('INSERT INTO schema_version VALUES ($version, now()::TIMESTAMP)', {
      version: SCHEMA_VERSION,
    });
  });
}
