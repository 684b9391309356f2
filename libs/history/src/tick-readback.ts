import type { DuckDBValue, DuckDBVector } from '@duckdb/node-api';
import type { Tick } from '@tickflow/core';
import { duckdbConnection, type HistoryConnection } from './connection.ts';
import { checkDate } from './date.ts';
import { type LaneRows, SymbolTicks, type TickColumns, type TickDictionaries } from './symbol-ticks.ts';

/**
 * A DECIMAL as its plain string without trailing zeros ('100.5000000000' → '100.5'), formatted by
 * DuckDB: parsing a million prices through decimal.js in TypeScript took seconds.
 */
const plainSql = (column: string) => `coalesce(nullif(rtrim(rtrim(${column}::VARCHAR, '0'), '.'), ''), '0')`;

/** One venue + symbol of the date, numbered in (symbol, venue) order. */
interface Lane {
  symbol: string;
  venue: string;
  /** Ticks of the lane. */
  n: number;
  /** hash(symbol, venue) below 2^52, as DuckDB computes it per row. */
  h: number;
}

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
  onSymbol: (ticks: SymbolTicks) => void,
  /** `joinLanes`: number lanes by a join, as when two lanes' keys collide (tests take that path). */
  opts: { joinLanes?: boolean } = {},
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
    const columns = await readColumns(
      conn,
      date,
      laneList,
      hashed ? (h) => byHash.get(h) as number : (lane) => lane,
      `WITH t AS (SELECT * FROM ticks WHERE ${day})
      SELECT ${hashed ? LANE_HASH('t') : 'l.lane'}, t.seq::DOUBLE, t.ts::DOUBLE,
             ${prices.unique ? 't.price::DOUBLE' : 'p.i'}, ${sizes.unique ? 't.size::DOUBLE' : 'z.i'},
             (CASE t.side WHEN 'buy' THEN 1 WHEN 'sell' THEN 2 ELSE 0 END)::DOUBLE, t.recv_ts::DOUBLE
      FROM t ${hashed ? '' : 'JOIN readback_lanes l ON t.symbol = l.symbol AND t.venue = l.venue'}
             ${prices.unique ? '' : `JOIN ${rank('price', 'p')} ON t.price = p.k`}
             ${sizes.unique ? '' : `JOIN ${rank('size', 'z')} ON t.size = z.k`}`,
    );
    emitSymbols(laneList, columns, { priceOf: prices.of, sizeOf: sizes.of }, onSymbol);
    return columns.seq.length;
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
  const byDouble = new Map<number, string>();
  for (let i = 0; i < keys.length; i++) byDouble.set(keys[i] as number, strings[i] as string);
  const unique = byDouble.size === keys.length;
  const of = unique ? (x: number) => byDouble.get(x) as string : (x: number) => strings[x] as string;
  return { unique, of };
}

/**
 * Runs `sql` (lane key, seq, ts, price, size, side, recvTs: all DOUBLE) into lane-grouped columns;
 * `laneOf` turns a lane key into the lane's index.
 */
async function readColumns(
  conn: HistoryConnection,
  date: string,
  lanes: Lane[],
  laneOf: (key: number) => number,
  sql: string,
): Promise<TickColumns> {
  const total = lanes.reduce((n, l) => n + l.n, 0);
  const out: TickColumns = {
    seq: new Float64Array(total),
    ts: new Float64Array(total),
    price: new Float64Array(total),
    size: new Float64Array(total),
    side: new Uint8Array(total),
    recvTs: new Float64Array(total),
  };
  // Where each lane's next row goes: the counting sort's cursor, starting at the lane's offset.
  const cursor = new Float64Array(lanes.length);
  for (let i = 1; i < lanes.length; i++) cursor[i] = (cursor[i - 1] as number) + (lanes[i - 1] as Lane).n;
  const ends = lanes.map((l, i) => (cursor[i] as number) + l.n);
  const result = await duckdbConnection(conn).run(sql, { date });
  let read = 0;
  // The next chunk is asked for before this one is placed: DuckDB makes it on its own thread
  // meanwhile. If placing throws, the chunk asked for ahead is still settled (no unhandled rejection).
  let next = result.fetchChunk();
  next.catch(() => undefined);
  for (let chunk = await next; chunk && chunk.rowCount > 0; chunk = await next) {
    next = result.fetchChunk();
    next.catch(() => undefined);
    // Every column is a non-null DOUBLE: read as a Float64Array, with no per-value validity check.
    const [lane, seq, ts, price, size, side, recvTs] = [0, 1, 2, 3, 4, 5, 6].map((c) =>
      doubles(chunk.getColumnVector(c)),
    ) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    const rows = chunk.rowCount; // a native call: once per chunk, not per row
    for (let r = 0; r < rows; r++) {
      const l = laneOf(lane[r] as number);
      const at = cursor[l] as number;
      // An unknown lane (at undefined) or one past its count: the rows changed while being read.
      if (!(at < (ends[l] as number)))
        throw new Error(
          `a tick beyond its lane's count (lane ${l}): ticks of the date changed while read back`,
        );
      cursor[l] = at + 1;
      out.seq[at] = seq[r] as number;
      out.ts[at] = ts[r] as number;
      out.price[at] = price[r] as number;
      out.size[at] = size[r] as number;
      out.side[at] = side[r] as number;
      out.recvTs[at] = recvTs[r] as number;
    }
    read += rows;
  }
  if (read !== total) throw new Error(`read ${read} ticks of ${total} counted`);
  let from = 0;
  for (const l of lanes) {
    sortLaneBySeq(out, from, from + l.n);
    from += l.n;
  }
  return out;
}

/** Puts rows [from, to) in seq order (stable: equal seqs keep their load order) unless they are. */
function sortLaneBySeq(c: TickColumns, from: number, to: number): void {
  let sorted = true;
  for (let i = from + 1; i < to && sorted; i++) sorted = (c.seq[i - 1] as number) <= (c.seq[i] as number);
  if (sorted) return;
  const order = Array.from({ length: to - from }, (_, k) => from + k).sort(
    (a, b) => (c.seq[a] as number) - (c.seq[b] as number) || a - b,
  );
  for (const column of [c.seq, c.ts, c.price, c.size, c.recvTs, c.side]) {
    const copy = column.slice(from, to);
    for (let k = 0; k < order.length; k++) column[from + k] = copy[(order[k] as number) - from] as number;
  }
}

/** Hands each symbol's lanes over as one SymbolTicks view. */
function emitSymbols(
  lanes: Lane[],
  columns: TickColumns,
  dict: TickDictionaries,
  onSymbol: (ticks: SymbolTicks) => void,
): void {
  let rows: LaneRows[] = [];
  let from = 0;
  for (let i = 0; i < lanes.length; i++) {
    const { venue, symbol, n } = lanes[i] as Lane;
    rows.push({ venue, from, to: from + n });
    from += n;
    if (lanes[i + 1]?.symbol !== symbol) {
      onSymbol(new SymbolTicks(symbol, rows, columns, dict));
      rows = [];
    }
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
