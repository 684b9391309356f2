import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Tick, WIRE_VERSION } from '@tickflow/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveDate, archivedDates, readArchive } from './archive.ts';
import type { HistoryConnection } from './connection.ts';
import { type History, openHistory } from './database.ts';
import { InvalidDateError } from './date.ts';
import { DayLoader } from './day-loader.ts';

const DATES = ['2026-03-02', '2026-03-03', '2026-03-05'];
const tick = (date: string, seq: number): Tick => ({
  v: WIRE_VERSION,
  venue: 'synth',
  symbol: 'AAA',
  seq,
  ts: Date.parse(`${date}T10:00:00Z`) * 1000 + seq,
  price: `${100 + seq}.5`,
  size: '1',
  recvTs: 0,
});

describe('the Parquet archive', () => {
  let dir: string;
  let archive: string;
  let history: History;
  let conn: HistoryConnection;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tickflow-history-archive-'));
    archive = join(dir, 'archive');
    history = await openHistory(join(dir, 'h.duckdb'));
    conn = await history.connect();
    for (const [d, date] of DATES.entries()) {
      const loader = await DayLoader.open(conn, date);
      for (let seq = 1; seq <= d + 1; seq++) loader.tick(tick(date, seq), seq);
      await loader.commit({ ticks: d + 1, decisions: 0, fills: 0, rejects: 0 });
      await archiveDate(conn, archive, date, ['ticks']);
    }
  });

  afterAll(() => {
    history?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the dates written, not leftovers or other names', () => {
    mkdirSync(join(archive, 'ticks', '.tmp-date=2026-03-04-1'));
    mkdirSync(join(archive, 'ticks', 'date=2026-02-30'));
    mkdirSync(join(archive, 'ticks', 'notes'));
    expect(archivedDates(archive, 'ticks')).toEqual(DATES);
    expect(archivedDates(archive, 'fills')).toEqual([]);
  });

  it('reads a range of dates, both ends included, each row with its date', async () => {
    const rows = await readArchive(conn, archive, 'ticks', { from: '2026-03-03', to: '2026-03-05' });
    // Ordered by date; within a date the test sorts by seq (the contract says no more).
    const read = rows.map((r) => [String(r.date), Number(r.seq), String(r.price)] as const);
    read.sort((a, b) => a[0].localeCompare(b[0]) || a[1] - b[1]);
    expect(read).toEqual([
      ['2026-03-03', 1, '101.5'],
      ['2026-03-03', 2, '102.5'],
      ['2026-03-05', 1, '101.5'],
      ['2026-03-05', 2, '102.5'],
      ['2026-03-05', 3, '103.5'],
    ]);
    expect(await readArchive(conn, archive, 'ticks', { from: '2026-03-04', to: '2026-03-04' })).toEqual([]);
    expect(await readArchive(conn, archive, 'fills', { from: '2026-03-02', to: '2026-03-05' })).toEqual([]);
  });

  it('refuses a date that is not a calendar date before touching a file', async () => {
    const bad = "2026-03-02' OR '1'='1";
    await expect(archiveDate(conn, archive, bad, ['ticks'])).rejects.toThrow(InvalidDateError);
    await expect(archiveDate(conn, archive, '2026-02-30', ['ticks'])).rejects.toThrow(InvalidDateError);
    await expect(readArchive(conn, archive, 'ticks', { from: '2026-03-02', to: bad })).rejects.toThrow(
      InvalidDateError,
    );
    await expect(DayLoader.open(conn, '2026-13-01')).rejects.toThrow(InvalidDateError);
    expect(existsSync(join(archive, 'ticks', 'date=2026-02-30', 'data.parquet'))).toBe(false);
  });
});
