import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openHistory, SCHEMA_VERSION } from '@tickflow/history';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TICKFLOW_BIN } from './tickflow-process.ts';

describe('tickflow eod run on a DuckDB file of another schema version', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tickflow-eod-schema-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a file of a newer schema version with exit 2, naming --db, and leaves its version as it was', async () => {
    const db = join(dir, 'newer.duckdb');
    const history = await openHistory(db);
    const conn = await history.connect();
    // What a later tickflow would have recorded.
    await conn.run('INSERT INTO schema_version VALUES ($v, now()::TIMESTAMP)', { v: SCHEMA_VERSION + 1 });
    await conn.run('CREATE TABLE from_the_future (x INTEGER)');
    history.close();
    mkdirSync(join(dir, 'log'));
    // From an empty day log with --skip-backfill: no NATS needed, only the file is in question.
    const r = spawnSync(
      process.execPath,
      [
        TICKFLOW_BIN,
        'eod',
        'run',
        '--date',
        '2026-03-02',
        '--db',
        db,
        '--from-log',
        '--skip-backfill',
        '--log-dir',
        join(dir, 'log'),
      ],
      {
        cwd: dir,
        env: { PATH: process.env.PATH ?? '' },
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(r.stderr).toContain(
      `--db: ${db} has schema version ${SCHEMA_VERSION + 1}, newer than the ${SCHEMA_VERSION}`,
    );
    expect(r.status).toBe(2);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // Not migrated down or stamped with this version: still refused as the newer file it is.
    const after = await openHistory(db, { readOnly: true }).catch((e: unknown) => e);
    expect(after).toMatchObject({ name: 'SchemaVersionError', found: SCHEMA_VERSION + 1 });
  });
});
