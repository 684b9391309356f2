import { tmpdir } from 'node:os';
import type { DuckDBValue, DuckDBVector } from '@duckdb/node-api';
import type { Tick } from '@tickflow/core';
import { duckdbConnection, type HistoryConnection } from './connection.ts';
import { checkDate } from './date.ts';
import { DoubleIndex } from './double-index.ts';
import {
  columnStorage,
  GroupColumns,
  groupLanes,
  type Lane,
  type LaneGroup,
  ReadbackChangedError,
} from './readback-columns.ts';
import { GroupSpill, READ_BLOCK_ROWS, ROW_VALUES } from './readback-spill.ts';
import { lookupOf, type SymbolTicks, type TickColumns, type ValueDictionary } from './symbol-ticks.ts';

export interface ReadSymbolsOptions {
  /** Number lanes by a join, as when two lanes' keys collide (tests take that path). */
  joinLanes?: boolean;
  /**
   * At most this many ticks' columns in memory at once (~41 bytes each): a bigger day is sorted
   * into groups of whole symbols on disk in one pass, then read back group by group. Default: all.
   */
  maxRowsInMemory?: number;
  /** Where the groups go on disk (default the OS temp directory); removed when done. */
  spillDir?: string;
  /**
   * The caller keeps no SymbolTicks past its `onSymbol` call (the reconciliation): a bigger day's
   * groups then share one storage, overwritten group after group, so memory holds one group.
   */
  transientViews?: boolean;
  /**
   * Columns to fill when the day is read in one go, instead of new ones: called with the day's
   * ticks, it returns columns at least that long (views of their first rows are filled). A reader
   * of day after day can then reuse a few storages instead of leaving a new one per day to the
   * collector (see the backtest's read-ahead).
   */
  storageFor?: (rows: number) => TickColumns;
  /**
   * A day of at most this many ticks read in one go is taken from a materialised result, a bigger
   * one streamed (default MATERIALIZE_ROWS; 0 always streams).
   */
  materializeRows?: number;
  /**
   * Columns on SharedArrayBuffers, so `SymbolTicks.toShared` views reach worker threads without a
   * copy (the backtest grid reads each day once for all its threads).
   */
  sharedMemory?: boolean;
}

/**
 * A DECIMAL as its plain string without trailing zeros ('100.5000000000' → '100.5'), formatted by
 * DuckDB: parsing a million prices through decimal.js in TypeScript took seconds.
 */
const plainSql = (column: string) => `coalesce(nullif(rtrim(rtrim(${column}::VARCHAR, '0'), '.'), ''), '0')`;

/** A lane's key per row, as a DOUBLE: from a projection, so rows keep their load order. */
const LANE_HASH = (alias: string) => `(hash(${alias}.symbol, ${alias}.venue) % 4503599627370496)::DOUBLE`;

/**
 * Reads the date's archived ticks from DuckDB and hands them over symbol by symbol (its venues in
 * order, each venue in seq order) as `SymbolTicks`: views over typed columns that make Tick
 * objects one at a time, with exact prices.
 *
 * DuckDB is not asked to sort the day (ORDER BY symbol, venue, seq over ten million rows was
 * ~3.5 s of the close), and JavaScript does not hold it as objects (building ten million Tick
 * objects per symbol batch, and collecting them, was ~4 s more). Each row comes in load order with
 * its lane's key, hash(symbol, venue), from a plain projection, and a counting sort places it in
 * its lane's rows of the columns (~41 bytes a tick, outside the heap). Load order is a lane's seq
 * order; a lane that is not in it (a backfill appended after the log, say) is sorted on its own.
 * Should two lanes' keys collide, the lane number comes from a join instead, and lanes are sorted.
 *
 * Values cross from DuckDB as numbers read from its vectors: the distinct prices and sizes come
 * once each as plain strings (a day has far fewer of them than ticks) keyed by their DOUBLE, and
 * seq and times are exact DOUBLEs below 2^53.
 */
export async function readSymbols(
  conn: HistoryConnection,
  date: string,
  onSymbol: (ticks: SymbolTicks) => void | Promise<void>,
  opts: ReadSymbolsOptions = {},
): Promise<number> {
  checkDate(date);
  const day = 'trade_date = $date';
  const prices = await dictionary(conn, date, 'price');
  const sizes = await dictionary(conn, date, 'size');
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE readback_lanes AS
    SELECT symbol, venue, count(*) AS n, ${LANE_HASH('ticks')} AS h,
      (row_number() OVER (ORDER BY symbol, venue) - 1)::DOUBLE AS lane
    FROM ticks WHERE ${day} GROUP BY symbol, venue`,
    { date },
  );
  try {
    const lanes = (await conn.rows(
      'SELECT symbol, venue, n, h FROM readback_lanes ORDER BY lane',
    )) as unknown as {
      symbol: string;
      venue: string;
      n: bigint;
      h: number;
    }[];
    const laneList: Lane[] = lanes.map((l) => ({ ...l, n: Number(l.n) }));
    const byHash = new Map(laneList.map((l, i) => [l.h, i]));
    const hashed = byHash.size === laneList.length && !opts.joinLanes;
    const rank = (column: string, alias: string) =>
      `(SELECT k, (row_number() OVER (ORDER BY k) - 1)::DOUBLE AS i FROM (SELECT DISTINCT ${column} AS k FROM t)) ${alias}`;
    const sql = `WITH t AS (SELECT * FROM ticks WHERE ${day})
      SELECT ${hashed ? LANE_HASH('t') : 'l.lane'}, t.seq::DOUBLE, t.ts::DOUBLE,
             ${prices.unique ? 't.price::DOUBLE' : 'p.i'}, ${sizes.unique ? 't.size::DOUBLE' : 'z.i'},
             (CASE t.side WHEN 'buy' THEN 1 WHEN 'sell' THEN 2 ELSE 0 END)::DOUBLE, t.recv_ts::DOUBLE
      FROM t ${hashed ? '' : 'JOIN readback_lanes l ON t.symbol = l.symbol AND t.venue = l.venue'}
             ${prices.unique ? '' : `JOIN ${rank('price', 'p')} ON t.price = p.k`}
             ${sizes.unique ? '' : `JOIN ${rank('size', 'z')} ON t.size = z.k`}`;
    // A lane's number by its key, per row: Map.get boxed each double (see DoubleIndex); -1 unknown.
    const byKey = new DoubleIndex(laneList.map((l) => l.h));
    const laneOf = hashed ? (h: number) => byKey.get(h) : (lane: number) => lane;
    const dict = { priceOf: prices.of, sizeOf: sizes.of, data: { prices: prices.data, sizes: sizes.data } };
    const groups = groupLanes(laneList, opts.maxRowsInMemory ?? Number.POSITIVE_INFINITY);
    let read = 0;
    if (groups.length <= 1) {
      // The whole day fits: placed straight from DuckDB's chunks.
      const rows = laneList.reduce((n, l) => n + l.n, 0);
      const group = new GroupColumns(
        laneList,
        0,
        laneList.length,
        opts.storageFor?.(rows),
        opts.sharedMemory,
      );
      const materialize = group.columns.seq.length <= (opts.materializeRows ?? MATERIALIZE_ROWS);
      await scanChunks(conn, date, sql, materialize, (values, rows) => {
        const lane = values[0] as Float64Array;
        for (let r = 0; r < rows; r++) group.place(laneOf(lane[r] as number), values, r);
        read += rows;
      });
      group.check(read);
      await group.emit(laneList, dict, onSymbol);
      return read;
    }
    // Too big for the budget: one pass sorts the rows into groups on disk, then group by group.
    const groupOfLane = new Int32Array(laneList.length);
    for (const [i, g] of groups.entries()) groupOfLane.fill(i, g.from, g.to);
    const spill = new GroupSpill(opts.spillDir ?? tmpdir(), groups.length);
    const columns = Array.from({ length: ROW_VALUES }, () => new Float64Array(READ_BLOCK_ROWS));
    // One storage for every group when the caller drops a group's views once it has them all.
    const storage = opts.transientViews
      ? columnStorage(
          Math.max(...groups.map((g) => laneList.slice(g.from, g.to).reduce((n, l) => n + l.n, 0))),
          opts.sharedMemory,
        )
      : undefined;
    try {
      await scanChunks(conn, date, sql, false, (values, rows) => {
        const lane = values[0] as Float64Array;
        for (let r = 0; r < rows; r++) {
          const l = laneOf(lane[r] as number);
          const g = groupOfLane[l];
          if (g === undefined) throw new ReadbackChangedError(l);
          spill.add(g, l, values, r);
        }
        read += rows;
      });
      spill.finish();
      for (let g = 0; g < groups.length; g++) {
        const { from, to } = groups[g] as LaneGroup;
        const group = new GroupColumns(laneList, from, to, storage, opts.sharedMemory);
        spill.read(g, (values, rows) => {
          // Row-major values → the per-column arrays `place` reads, reused block after block: new
          // ones per block were ~550 MB of ArrayBuffer garbage per 10 M-tick group, which the
          // collector let pile up (RSS spikes of +400 MB at a 50 M-tick close).
          for (let c = 0; c < ROW_VALUES; c++) {
            const column = columns[c] as Float64Array;
            for (let r = 0; r < rows; r++) column[r] = values[r * ROW_VALUES + c] as number;
          }
          for (let r = 0; r < rows; r++) group.place((columns[0] as Float64Array)[r] as number, columns, r);
        });
        group.check(spill.rows[g] as number);
        await group.emit(laneList, dict, onSymbol);
      }
    } finally {
      spill.remove();
    }
    return read;
  } finally {
    await conn.run('DROP TABLE IF EXISTS readback_lanes');
  }
}

/** `readSymbols` with each symbol's ticks as an array of Tick objects. */
export function forEachSymbol(
  conn: HistoryConnection,
  date: string,
  onSymbol: (ticks: Tick[]) => void,
): Promise<number> {
  return readSymbols(conn, date, (s) => onSymbol(s.toArray()));
}

/**
 * Each distinct value of a DECIMAL column by its DOUBLE: ticks then come as plain numbers, looked
 * up here. Two decimals that round to one double (beyond ~15 significant digits) would be
 * ambiguous: then (`unique` false) the column is read as its rank instead, through a join.
 */
async function dictionary(conn: HistoryConnection, date: string, column: 'price' | 'size') {
  const [keys = [], strings = []] = (await conn.columns(
    `SELECT k::DOUBLE AS d, ${plainSql('k')} AS s FROM (SELECT DISTINCT ${column} AS k FROM ticks WHERE trade_date = $date) ORDER BY k`,
    { date },
  )) as [number[], string[]];
  const unique = new Set(keys).size === keys.length;
  const data: ValueDictionary = { keys: unique ? keys : null, strings };
  return { unique, of: lookupOf(data), data };
}

/**
 * Days of at most this many ticks are read back from a materialised result (~56 bytes a row in
 * DuckDB while read, ~110 MiB at most): DuckDB runs the query on all its threads at once and the
 * chunks are then taken synchronously, about twice as fast as streaming them (1.5 M rows from
 * Parquet: 220-270 ms against 410-550 ms, a native round trip per 2,048-row chunk). A bigger day
 * is streamed, so a close holds a chunk or so of it in DuckDB, not all of it.
 */
const MATERIALIZE_ROWS = 2_000_000;

/**
 * Runs `sql` (lane key, seq, ts, price, size, side, recvTs: all DOUBLE) and hands each chunk's
 * columns over as Float64Arrays: from a materialised result (`materialize`), or streamed, the
 * next chunk asked for before this one is handed over (DuckDB makes it on its own thread
 * meanwhile; if `onChunk` throws, the chunk asked for ahead is still settled).
 */
async function scanChunks(
  conn: HistoryConnection,
  date: string,
  sql: string,
  materialize: boolean,
  onChunk: (values: Float64Array[], rows: number) => void,
): Promise<void> {
  if (materialize) {
    const result = await duckdbConnection(conn).run(sql, { date });
    for (let i = 0, n = result.chunkCount; i < n; i++) {
      const chunk = result.getChunk(i);
      const rows = chunk.rowCount;
      if (rows > 0)
        onChunk(
          [0, 1, 2, 3, 4, 5, 6].map((c) => doubles(chunk.getColumnVector(c))),
          rows,
        );
    }
    return;
  }
  const result = await duckdbConnection(conn).stream(sql, { date });
  let next = result.fetchChunk();
  next.catch(() => undefined);
  for (let chunk = await next; chunk && chunk.rowCount > 0; chunk = await next) {
    next = result.fetchChunk();
    next.catch(() => undefined);
    // Every column is a non-null DOUBLE: read as a Float64Array, with no per-value validity check.
    const values = [0, 1, 2, 3, 4, 5, 6].map((c) => doubles(chunk.getColumnVector(c)));
    onChunk(values, chunk.rowCount); // rowCount is a native call: once per chunk, not per row
  }
}

/**
 * A DOUBLE column of a chunk as a Float64Array, for columns with no NULL. The node API keeps one
 * per vector (a private field in 1.5, read here when present, so a 10 M-row read needs no call per
 * value); otherwise the values are copied out with `getItem`.
 */
export function doubles(vector: DuckDBVector<DuckDBValue>): Float64Array {
  const items = (vector as unknown as { items?: unknown }).items;
  if (items instanceof Float64Array && items.length === vector.itemCount) return items;
  const out = new Float64Array(vector.itemCount);
  for (let i = 0; i < out.length; i++) out[i] = Number(vector.getItem(i));
  return out;
}
