import type { DuckDBConnection } from '@duckdb/node-api';
import { type Decision, type Tick, WIRE_VERSION } from '@tickflow/core';
import type { ReconciliationBreak } from './compare.ts';
import { compareInDuckDB, exactDecimal } from './compare-sql.ts';
import { doubles, plainDec, sameDecimal } from './sql.ts';

export type DecisionBreak = ReconciliationBreak;

export interface DecisionReconciliation {
  /** Decisions the speed layer recorded (DECISIONS) for the date. */
  speed: number;
  /** Decisions the batch recomputation produced from the archived ticks. */
  batch: number;
  matched: number;
  /** In batch, not in speed. */
  missing: number;
  /** In speed, not in batch. */
  extra: number;
  differing: number;
  breaks: DecisionBreak[];
}

/**
 * A DECIMAL as its plain string without trailing zeros ('100.5000000000' → '100.5'), formatted by
 * DuckDB: parsing a million prices through decimal.js in TypeScript took seconds.
 */
const plainSql = (column: string) => `coalesce(nullif(rtrim(rtrim(${column}::VARCHAR, '0'), '.'), ''), '0')`;

/**
 * Streams the date's archived ticks from DuckDB symbol by symbol: `onSymbol` gets every tick of one
 * symbol (its venues in order, each venue in seq order) as v1 ticks with exact prices, then the
 * next symbol's. One symbol's ticks are held at a time, not the day's.
 *
 * Converting each value through the node API's row or column objects was most of the
 * reconciliation's time, so: the distinct prices and sizes come once each as plain strings (a day
 * has far fewer of them than ticks) keyed by their DOUBLE, every tick as numbers read from DuckDB's
 * vectors (its price and size as DOUBLEs to look up; seq and times as exact DOUBLEs below 2^53),
 * and venue and symbol from the per-group row counts, since rows come sorted.
 */
export async function forEachSymbol(
  conn: DuckDBConnection,
  date: string,
  onSymbol: (ticks: Tick[]) => void,
): Promise<number> {
  const day = `trade_date = DATE '${date}'`;
  // Each distinct price (size) by its DOUBLE: ticks then come as plain numbers, looked up here.
  // Two decimals that round to one double (beyond ~15 significant digits) would be ambiguous:
  // then that column is read through a rank join instead.
  const dictionary = async (column: string) => {
    const r = await conn.runAndReadAll(`
      SELECT k::DOUBLE AS d, ${plainSql('k')} AS s FROM (SELECT DISTINCT ${column} AS k FROM ticks WHERE ${day}) ORDER BY k`);
    const [doubles = [], strings = []] = r.getColumnsJS() as [number[], string[]];
    const byDouble = new Map<number, string>();
    for (let i = 0; i < doubles.length; i++) byDouble.set(doubles[i] as number, strings[i] as string);
    return { byDouble, byRank: strings, unique: byDouble.size === doubles.length };
  };
  const prices = await dictionary('price');
  const sizes = await dictionary('size');
  const groups = (
    await conn.runAndReadAll(
      `SELECT symbol, venue, count(*) AS n FROM ticks WHERE ${day} GROUP BY symbol, venue ORDER BY symbol, venue`,
    )
  ).getRowObjectsJS();
  const rank = (column: string, alias: string) =>
    `(SELECT k, (row_number() OVER (ORDER BY k) - 1)::DOUBLE AS i FROM (SELECT DISTINCT ${column} AS k FROM t)) ${alias}`;
  const result = await conn.run(`
    WITH t AS (SELECT * FROM ticks WHERE ${day})
    SELECT t.seq::DOUBLE, t.ts::DOUBLE, ${prices.unique ? 't.price::DOUBLE' : 'p.i'}, ${sizes.unique ? 't.size::DOUBLE' : 'z.i'},
           (CASE t.side WHEN 'buy' THEN 1 WHEN 'sell' THEN 2 ELSE 0 END)::DOUBLE, t.recv_ts::DOUBLE
    FROM t ${prices.unique ? '' : `JOIN ${rank('price', 'p')} ON t.price = p.k`}
           ${sizes.unique ? '' : `JOIN ${rank('size', 'z')} ON t.size = z.k`}
    ORDER BY t.symbol, t.venue, t.seq`);
  const priceOf = (x: number) => (prices.unique ? prices.byDouble.get(x) : prices.byRank[x]) as string;
  const sizeOf = (x: number) => (sizes.unique ? sizes.byDouble.get(x) : sizes.byRank[x]) as string;
  const total = groups.reduce((n, g) => n + Number(g.n), 0);
  let group = -1;
  let groupEnd = 0;
  let venue = '';
  let symbol = '';
  let batch: Tick[] = [];
  let i = 0;
  // The next chunk is asked for before this one is turned into ticks: DuckDB makes it on its own
  // thread meanwhile, instead of waiting for JavaScript and JavaScript for it.
  let next = result.fetchChunk();
  // If onSymbol throws, the chunk asked for ahead is still settled (no unhandled rejection).
  next.catch(() => undefined);
  for (let chunk = await next; chunk && chunk.rowCount > 0; chunk = await next) {
    next = result.fetchChunk();
    next.catch(() => undefined);
    // Every column is a non-null DOUBLE: read as a Float64Array, with no per-value validity check
    // (getItem's), which was over a second of a 10 M-tick day.
    const column = (c: number) => doubles(chunk.getColumnVector(c));
    const [seq, ts, price, size, side, recvTs] = [
      column(0),
      column(1),
      column(2),
      column(3),
      column(4),
      column(5),
    ];
    const rows = chunk.rowCount; // a native call: once per chunk, not per row
    for (let r = 0; r < rows; r++, i++) {
      while (i >= groupEnd) {
        const g = groups[++group];
        const nextSymbol = String(g?.symbol);
        if (nextSymbol !== symbol && batch.length > 0) {
          onSymbol(batch);
          batch = [];
        }
        venue = String(g?.venue);
        symbol = nextSymbol;
        groupEnd += Number(g?.n);
      }
      const t: Tick = {
        v: WIRE_VERSION,
        venue,
        symbol,
        seq: seq[r] as number,
        ts: ts[r] as number,
        price: priceOf(price[r] as number),
        size: sizeOf(size[r] as number),
        recvTs: recvTs[r] as number,
      };
      const sd = side[r];
      if (sd === 1) t.side = 'buy';
      else if (sd === 2) t.side = 'sell';
      batch.push(t);
    }
  }
  if (batch.length > 0) onSymbol(batch);
  if (i !== total) throw new Error(`read ${i} ticks of ${total} for ${date}`);
  return total;
}

/**
 * The batch recomputation's decisions (the same strategy code replayed over the archived ticks)
 * against what DECISIONS recorded: by id, then action, quantity and reference price.
 */
export async function compareDecisions(
  conn: DuckDBConnection,
  date: string,
  batch: readonly Decision[],
): Promise<DecisionReconciliation> {
  const compared = await compareInDuckDB(conn, {
    batch,
    columns: [
      { name: 'action', type: 'VARCHAR', of: (b) => b.action },
      { name: 'qty', type: 'VARCHAR', of: (b) => b.qty },
      { name: 'ref_price', type: 'VARCHAR', of: (b) => b.refPrice },
    ],
    speed: `SELECT id, action, qty::VARCHAR AS qty, ref_price::VARCHAR AS ref_price, qty AS qty_d,
              ref_price AS ref_price_d, stream_seq
            FROM decisions WHERE trade_date = DATE '${date}'`,
    equal: `s.action = b.action AND s.qty_d = ${exactDecimal('b.qty')} AND s.ref_price_d = ${exactDecimal('b.ref_price')}`,
    same: (s, b) =>
      s.action === b.action && sameDecimal(s.qty, b.qty) && sameDecimal(s.ref_price, b.refPrice),
    missing: (b) => `batch ${b.action} ${b.qty} @ ${b.refPrice}; speed layer has none`,
    differing: (b, s) =>
      `batch ${b.action} ${b.qty} @ ${b.refPrice}; speed ${s.action} ${plainDec(s.qty)} @ ${plainDec(s.ref_price)}`,
    extra: (s) => `speed ${s.action} ${plainDec(s.qty)} @ ${plainDec(s.ref_price)}; batch has none`,
  });
  return { batch: batch.length, ...compared };
}
