import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DOUBLE, type DuckDBAppender, DuckDBDataChunk, VARCHAR } from '@duckdb/node-api';
import type { Tick } from '@tickflow/core';
import { type ArchivedTable, writePartition } from './archive.ts';
import { duckdbConnection, type HistoryConnection } from './connection.ts';
import { checkDate } from './date.ts';
import { fastDecimal } from './schema.ts';

const STAGE = 'import_ticks';
/**
 * Staged columns: seq and times as DOUBLE (exact below 2^53, cast to BIGINT on the way out), so a
 * DataChunk of 2,048 rows is appended at a time: row-by-row appends took ~2.3 s per million ticks,
 * most of the import's time.
 */
const STAGE_TYPES = [VARCHAR, VARCHAR, VARCHAR, DOUBLE, DOUBLE, VARCHAR, VARCHAR, VARCHAR, DOUBLE];
const CHUNK = 2048;

/** What one date's partition received from an import. */
export interface ImportedDate extends ArchivedTable {
  date: string;
  /** The venue+symbols replaced (`venue:symbol`), in order. */
  lanes: string[];
  /** Rows the import added to the partition (the rest were already there, other lanes). */
  imported: number;
}

/**
 * Ticks brought in from outside (`tickflow import`) on their way to the Parquet archive: appended
 * to a staging table (decimals as text, so nothing rounds), then `writeArchive()` rewrites each
 * touched date's `ticks` partition as the rows of the lanes (venue+symbol) it did not import plus
 * the imported ones. Re-importing a date and symbol therefore replaces them, never duplicates.
 * Imported ticks have no TICKS stream sequence (`stream_seq` NULL).
 */
export class TickImport {
  private readonly dates = new Set<string>();
  private appender: DuckDBAppender | undefined;
  private staged = 0;
  /** The rows not yet appended, column by column (STAGE_TYPES' order). */
  private columns: (string | number | null)[][] = STAGE_TYPES.map(() => []);

  private constructor(private readonly conn: HistoryConnection) {}

  static async open(conn: HistoryConnection): Promise<TickImport> {
    await conn.run(
      `CREATE OR REPLACE TEMP TABLE ${STAGE} (trade_date VARCHAR, venue VARCHAR, symbol VARCHAR, seq DOUBLE,
        ts DOUBLE, price VARCHAR, size VARCHAR, side VARCHAR, recv_ts DOUBLE)`,
    );
    const stage = new TickImport(conn);
    stage.appender = await duckdbConnection(conn).createAppender(STAGE);
    return stage;
  }

  /** Ticks staged so far. */
  get count(): number {
    return this.staged;
  }

  /** Stages `tick` for the archive partition of `date` (a checked YYYY-MM-DD). */
  add(date: string, tick: Tick): void {
    if (this.appender === undefined) throw new Error('TickImport is closed');
    if (!this.dates.has(date)) this.dates.add(checkDate(date));
    const c = this.columns;
    c[0]?.push(date);
    c[1]?.push(tick.venue);
    c[2]?.push(tick.symbol);
    c[3]?.push(tick.seq);
    c[4]?.push(tick.ts);
    c[5]?.push(tick.price);
    c[6]?.push(tick.size);
    c[7]?.push(tick.side ?? null);
    c[8]?.push(tick.recvTs);
    this.staged++;
    if ((c[0]?.length ?? 0) >= CHUNK) this.flush();
  }

  private flush(): void {
    const n = this.columns[0]?.length ?? 0;
    if (n === 0 || this.appender === undefined) return;
    const chunk = DuckDBDataChunk.create(STAGE_TYPES, n);
    chunk.setColumns(this.columns);
    this.appender.appendDataChunk(chunk);
    this.columns = STAGE_TYPES.map(() => []);
  }

  /** Writes every staged date into `<archiveDir>/ticks/date=D/`, replacing the imported lanes. */
  async writeArchive(archiveDir: string): Promise<ImportedDate[]> {
    this.flush();
    this.appender?.closeSync();
    this.appender = undefined;
    const out: ImportedDate[] = [];
    for (const date of [...this.dates].sort()) {
      const lanes = (await this.conn.rows(
        `SELECT DISTINCT venue || ':' || symbol AS lane FROM ${STAGE} WHERE trade_date = $date ORDER BY lane`,
        { date },
      )) as { lane: string }[];
      const imported = `SELECT venue, symbol, seq::BIGINT AS seq, ts::BIGINT AS ts, ${fastDecimal('price')} AS price,
        ${fastDecimal('size')} AS size, side, recv_ts::BIGINT AS recv_ts, NULL::BIGINT AS stream_seq
        FROM ${STAGE} WHERE trade_date = $date`;
      const previous = join(archiveDir, 'ticks', `date=${date}`);
      const kept = existsSync(previous)
        ? `SELECT venue, symbol, seq, ts, price, size, side, recv_ts, stream_seq
           FROM read_parquet($old) p
           WHERE NOT EXISTS (SELECT 1 FROM ${STAGE} s
             WHERE s.trade_date = $date AND s.venue = p.venue AND s.symbol = p.symbol)
           UNION ALL BY NAME `
        : '';
      const params: Record<string, string> = { date };
      if (kept) params.old = join(previous, '*.parquet');
      const written = await writePartition(
        this.conn,
        archiveDir,
        'ticks',
        date,
        `${kept}${imported} ORDER BY ts, venue, symbol, seq`,
        params,
      );
      const n = await this.conn.one(`SELECT count(*)::INTEGER AS n FROM ${STAGE} WHERE trade_date = $date`, {
        date,
      });
      out.push({ ...written, date, lanes: lanes.map((l) => l.lane), imported: Number(n.n) });
    }
    await this.conn.run(`DELETE FROM ${STAGE}`);
    this.dates.clear();
    this.staged = 0;
    return out;
  }

  /** Drops what was staged and not written. */
  close(): void {
    this.columns = STAGE_TYPES.map(() => []);
    this.appender?.closeSync();
    this.appender = undefined;
  }
}
