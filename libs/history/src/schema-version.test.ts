import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { openHistory } from './database.ts';
import { SCHEMA_TABLES, TABLES } from './schema.ts';
import { SCHEMA_VERSION, SchemaVersionError } from './schema-version.ts';

const dir = mkdtempSync(join(tmpdir(), 'tickflow-schema-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

/** A DuckDB file written by hand (as older or newer tickflows did): `sql` run on it, then closed. */
async function plant(...sql: string[]): Promise<string> {
  const path = join(dir, `f${++files}.duckdb`);
  const instance = await DuckDBInstance.create(path);
  const conn = await instance.connect();
  for (const s of sql) await conn.run(s);
  conn.closeSync();
  instance.closeSync();
  return path;
}

/** The file's tables and its recorded versions, read without the adapter. */
async function inspect(path: string) {
  const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  const conn = await instance.connect();
  try {
    const tables = (
      await conn.runAndReadAll("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY 1")
    ).getColumnsJS()[0] as string[];
    const versions = tables.includes('schema_version')
      ? ((await conn.runAndReadAll('SELECT version FROM schema_version')).getColumnsJS()[0] as number[])
      : [];
    return { tables, versions };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

const everyTable = [...Object.keys(SCHEMA_TABLES), 'schema_version'].sort();

describe('the schema version of a history file', () => {
  it('gives a new file every table and records the version once, however often it is opened', async () => {
    const path = join(dir, 'new.duckdb');
    for (let i = 0; i < 2; i++) (await openHistory(path)).close();
    expect(await inspect(path)).toEqual({ tables: everyTable, versions: [SCHEMA_VERSION] });
  });

  it('migrates a file written before versions were kept, keeping its rows', async () => {
    // What tickflow wrote before `duplicates` existed: the day tables and `loads`, no version.
    const path = await plant(
      ...Object.entries(TABLES).map(([t, columns]) => `CREATE TABLE ${t} (${columns})`),
      `CREATE TABLE loads (${SCHEMA_TABLES.loads})`,
      `INSERT INTO rejects VALUES (DATE '2026-03-02', 'synth', 'BAD_PRICE', 'r', '{}', 1, 7)`,
    );
    const history = await openHistory(path);
    const conn = await history.connect();
    expect(Number((await conn.one('SELECT count(*) AS n FROM rejects')).n)).toBe(1);
    expect(Number((await conn.one('SELECT count(*) AS n FROM duplicates')).n)).toBe(0);
    history.close();
    expect(await inspect(path)).toEqual({ tables: everyTable, versions: [SCHEMA_VERSION] });
  });

  it('refuses, and leaves as it is, an unversioned file whose tables have other columns', async () => {
    const path = await plant('CREATE TABLE ticks (trade_date DATE, symbol VARCHAR, price DOUBLE)');
    const refused = await openHistory(path).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SchemaVersionError);
    expect(refused).toMatchObject({ name: 'SchemaVersionError', found: 0, expected: SCHEMA_VERSION });
    expect((refused as Error).message).toMatch(
      /table ticks has columns \(trade_date DATE, symbol VARCHAR, price DOUBLE\)/,
    );
    expect(await inspect(path)).toEqual({ tables: ['ticks'], versions: [] });
  });

  it('refuses a file of a newer version, read-only or not', async () => {
    const path = await plant(
      'CREATE TABLE schema_version (version INTEGER, applied_at TIMESTAMP)',
      `INSERT INTO schema_version VALUES (${SCHEMA_VERSION}, now()::TIMESTAMP), (${SCHEMA_VERSION + 1}, now()::TIMESTAMP)`,
    );
    for (const readOnly of [false, true]) {
      const refused = await openHistory(path, { readOnly }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(SchemaVersionError);
      expect(refused).toMatchObject({ found: SCHEMA_VERSION + 1 });
      expect((refused as Error).message).toMatch(/newer than the 1 this tickflow reads/);
    }
  });

  it('checks an old file opened read-only without writing to it', async () => {
    const path = await plant(`CREATE TABLE loads (${SCHEMA_TABLES.loads})`);
    const history = await openHistory(path, { readOnly: true });
    history.close();
    expect(await inspect(path)).toEqual({ tables: ['loads'], versions: [] });
  });
});
