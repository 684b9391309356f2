import { rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  DOUBLE,
  type DuckDBConnection,
  DuckDBDataChunk,
  type DuckDBResultReader,
  type DuckDBType,
  type DuckDBValue,
  INTEGER,
  VARCHAR,
} from '@duckdb/node-api';
import { sqlIdentifier, sqlString } from './literal.ts';

/** A value bound to a statement's `$name` (or `?`) parameter. */
export type SqlValue = string | number | bigint | boolean | null;
export type SqlParams = Readonly<Record<string, SqlValue>> | readonly SqlValue[];

/** A column of a temp table filled from JavaScript (`fillTempTable`). */
export interface TempColumn<B> {
  name: string;
  type: 'INTEGER' | 'VARCHAR' | 'DOUBLE';
  of: (item: B, index: number) => string | number;
}

const TYPES: Record<TempColumn<unknown>['type'], DuckDBType> = { INTEGER, VARCHAR, DOUBLE };
/** `catalog.main.table`, quoted; a temp table's name alone without a catalog. */
export const qualifiedTable = (table: string, catalog?: string) =>
  catalog === undefined ? sqlIdentifier(table) : `${sqlIdentifier(catalog)}.main.${sqlIdentifier(table)}`;

/** Rows per DataChunk appended (DuckDB's vector size). */
const CHUNK = 2048;
const raw = new WeakMap<HistoryConnection, DuckDBConnection>();

/** The DuckDB connection behind `conn`: for this package's own modules and the internal entry. */
export function duckdbConnection(conn: HistoryConnection): DuckDBConnection {
  const c = raw.get(conn);
  if (c === undefined) throw new Error('not a connection made by openHistory');
  return c;
}

/**
 * One connection to the history database. Statements take their values as bound parameters
 * (`trade_date = $date` with `{ date }`); the SQL text holds only code's own constants, plus
 * what `sqlString` / `sqlIdentifier` quote where DuckDB cannot bind.
 */
export class HistoryConnection {
  private closed = false;

  constructor(
    conn: DuckDBConnection,
    /** Told once when the connection closes (History keeps count of its open connections). */
    private readonly onClose: () => void = () => {},
  ) {
    raw.set(this, conn);
  }

  private get conn(): DuckDBConnection {
    return duckdbConnection(this);
  }

  async run(sql: string, params?: SqlParams): Promise<void> {
    await this.conn.run(sql, params as DuckDBValue[] | Record<string, DuckDBValue> | undefined);
  }

  private read(sql: string, params?: SqlParams): Promise<DuckDBResultReader> {
    return this.conn.runAndReadAll(sql, params as DuckDBValue[] | Record<string, DuckDBValue> | undefined);
  }

  /** The result's rows as plain objects, converted column by column (cheaper than row objects). */
  async rows(sql: string, params?: SqlParams): Promise<Record<string, unknown>[]> {
    const reader = await this.read(sql, params);
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
   * The result's rows a chunk (2,048) at a time, streamed: DuckDB makes the next chunk only when
   * asked, so a large result is never held whole, in DuckDB or in the heap. `onRows` may be async;
   * values are DuckDB's JavaScript values (VARCHAR strings, DOUBLE numbers, BIGINT bigints).
   */
  async eachRows(
    sql: string,
    params: SqlParams | undefined,
    onRows: (rows: Record<string, unknown>[]) => void | Promise<void>,
  ): Promise<void> {
    const result = await this.conn.stream(
      sql,
      params as DuckDBValue[] | Record<string, DuckDBValue> | undefined,
    );
    const names = result.columnNames();
    for (
      let chunk = await result.fetchChunk();
      chunk && chunk.rowCount > 0;
      chunk = await result.fetchChunk()
    ) {
      const columns = chunk.getColumns();
      const n = chunk.rowCount;
      const rows: Record<string, unknown>[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const row: Record<string, unknown> = {};
        for (let c = 0; c < names.length; c++) row[names[c] as string] = columns[c]?.[i];
        rows[i] = row;
      }
      await onRows(rows);
    }
  }

  /** The first row, or an empty object when there is none. */
  async one(sql: string, params?: SqlParams): Promise<Record<string, unknown>> {
    return (await this.rows(sql, params))[0] ?? {};
  }

  /** The result as columns of JavaScript values. */
  async columns(sql: string, params?: SqlParams): Promise<unknown[][]> {
    return (await this.read(sql, params)).getColumnsJS();
  }

  /** Runs `work` in one transaction: committed if it returns, rolled back if it throws. */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.run('BEGIN TRANSACTION');
    let result: T;
    try {
      result = await work();
    } catch (err) {
      await this.run('ROLLBACK');
      throw err;
    }
    await this.run('COMMIT');
    return result;
  }

  /** DuckDB's worker threads (for the whole database, not this connection alone). */
  async threads(): Promise<number> {
    return Number((await this.one("SELECT current_setting('threads') AS t")).t);
  }

  async setThreads(n: number): Promise<void> {
    if (!Number.isSafeInteger(n) || n < 1)
      throw new RangeError(`threads must be a positive integer, got ${n}`);
    await this.run('SET threads = $n', { n });
  }

  /**
   * DuckDB's memory limit for the whole database, in MiB (its buffer pool gives back what it holds
   * beyond a lowered limit): a caller that runs its steps one after another lends each its share.
   */
  async setMemoryLimit(mib: number): Promise<void> {
    if (!Number.isSafeInteger(mib) || mib < 1)
      throw new RangeError(`memory limit must be a positive number of MiB, got ${mib}`);
    await this.run('SET memory_limit = $limit', { limit: `${mib}MiB` });
  }

  /**
   * Makes (or replaces) temp table `table` with `columns` and appends one row per item, a DataChunk
   * of 2,048 at a time: far faster than inserting rows, for hundreds of thousands of items.
   * `table` and the column names are quoted (sqlIdentifier): query them by the same names.
   */
  async fillTempTable<B>(
    table: string,
    columns: readonly TempColumn<B>[],
    items: readonly B[],
  ): Promise<void> {
    await this.createTempTable(table, columns);
    await this.appendTempRows(table, columns, items);
  }

  /**
   * Makes (or replaces) an empty temp table `table` with `columns`, for `appendTempRows`; with
   * `catalog` (a scratch database from `attachScratch`), a table of that database instead, which
   * DuckDB can write out to its file under memory pressure.
   */
  async createTempTable<B>(
    table: string,
    columns: readonly TempColumn<B>[],
    catalog?: string,
  ): Promise<void> {
    const list = columns.map((c) => `${sqlIdentifier(c.name)} ${c.type}`).join(', ');
    await this.run(
      catalog === undefined
        ? `CREATE OR REPLACE TEMP TABLE ${sqlIdentifier(table)} (${list})`
        : `CREATE OR REPLACE TABLE ${qualifiedTable(table, catalog)} (${list})`,
    );
  }

  /**
   * Attaches a new, empty scratch database file in `dir` for work tables too big to keep in memory
   * (see `createTempTable`); `detach` detaches it and removes its files.
   */
  async attachScratch(dir: string, name: string): Promise<{ catalog: string; detach(): Promise<void> }> {
    const file = join(dir, `${name}-${process.pid}.duckdb`);
    const remove = () => {
      for (const f of [file, `${file}.wal`]) rmSync(f, { force: true });
    };
    remove();
    await this.run(`ATTACH ${sqlString(file)} AS ${sqlIdentifier(name)}`);
    return {
      catalog: name,
      detach: async () => {
        await this.run(`DETACH DATABASE IF EXISTS ${sqlIdentifier(name)}`);
        remove();
      },
    };
  }

  /**
   * Appends one row per item to temp table `table` (made by `createTempTable` with the same
   * columns), a DataChunk at a time; `of` gets each item's index plus `firstIndex`, so batches
   * appended one after another can number their rows on.
   */
  async appendTempRows<B>(
    table: string,
    columns: readonly TempColumn<B>[],
    items: readonly B[],
    firstIndex = 0,
    catalog?: string,
  ): Promise<void> {
    if (items.length === 0) return;
    const appender =
      catalog === undefined
        ? await this.conn.createAppender(table)
        : await this.conn.createAppender(table, 'main', catalog);
    try {
      for (let start = 0; start < items.length; start += CHUNK) {
        const n = Math.min(CHUNK, items.length - start);
        const chunk = DuckDBDataChunk.create(
          columns.map((c) => TYPES[c.type]),
          n,
        );
        chunk.setColumns(
          columns.map((c) => {
            const values = new Array<string | number>(n);
            for (let i = 0; i < n; i++) values[i] = c.of(items[start + i] as B, firstIndex + start + i);
            return values;
          }),
        );
        appender.appendDataChunk(chunk);
      }
    } finally {
      appender.closeSync();
    }
  }

  /** Closes the connection; a second call does nothing. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.conn.closeSync();
    this.onClose();
  }
}
