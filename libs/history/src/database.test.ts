import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HistoryOpenError, openHistory } from './database.ts';

const dir = mkdtempSync(join(tmpdir(), 'tickflow-history-open-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('openHistory', () => {
  it('opens DuckDB with the memory limit, threads and spill directory given', async () => {
    const spill = join(dir, 'spill');
    const history = await openHistory(join(dir, 'a.duckdb'), {
      memoryLimit: '256MB',
      threads: 1,
      tempDirectory: spill,
    });
    const conn = await history.connect();
    try {
      const s = await conn.one(
        "SELECT current_setting('memory_limit') AS m, current_setting('threads') AS t, current_setting('temp_directory') AS d",
      );
      expect(s).toEqual({ m: '244.1 MiB', t: 1n, d: spill });
      expect(await conn.threads()).toBe(1);
    } finally {
      history.close();
    }
  });

  it('changes the memory limit of an open database, and refuses one that is not a positive integer', async () => {
    const history = await openHistory(join(dir, 'limit.duckdb'), { memoryLimit: '256MiB' });
    const first = await history.connect();
    const other = await history.connect();
    try {
      await first.setMemoryLimit(384);
      // The whole database's limit: another connection sees it too.
      expect(await other.one("SELECT current_setting('memory_limit') AS m")).toEqual({ m: '384.0 MiB' });
      await expect(first.setMemoryLimit(0)).rejects.toThrow(RangeError);
      await expect(first.setMemoryLimit(1.5)).rejects.toThrow(RangeError);
    } finally {
      history.close();
    }
  });

  it('refuses a memory limit DuckDB cannot read, and threads that are not a positive integer', async () => {
    await expect(openHistory(join(dir, 'b.duckdb'), { memoryLimit: 'lots' })).rejects.toThrow(
      HistoryOpenError,
    );
    await expect(openHistory(join(dir, 'c.duckdb'), { threads: 0 })).rejects.toThrow(HistoryOpenError);
  });

  it('rolls a transaction back when its work throws', async () => {
    const history = await openHistory(':memory:');
    const conn = await history.connect();
    try {
      await expect(
        conn.transaction(async () => {
          await conn.run("INSERT INTO rejects (trade_date, venue) VALUES ($date, 'x')", {
            date: '2026-03-02',
          });
          throw new Error('planted');
        }),
      ).rejects.toThrow('planted');
      expect(Number((await conn.one('SELECT count(*) AS n FROM rejects')).n)).toBe(0);
    } finally {
      history.close();
    }
  });
});
