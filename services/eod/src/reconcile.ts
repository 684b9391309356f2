import type { DuckDBConnection } from '@duckdb/node-api';
import { Dec, type Decision, type Tick, WIRE_VERSION } from '@tickflow/core';
import { replayDecisions, type StrategyFactory } from '@tickflow/strategy';
import { compareById, type ReconciliationBreak } from './compare.ts';
import { plainDec } from './sql.ts';

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
 * The date's archived ticks from DuckDB, as v1 ticks with exact prices, ordered by venue, symbol,
 * seq. Converting each value through the node API's row or column objects was most of the
 * reconciliation's time (2.6 s of 3.6 s for a million ticks), so: the distinct prices and sizes
 * come once each as plain strings (a day has far fewer of them than ticks), every tick as numbers
 * read straight from DuckDB's vectors (an index into those dictionaries, seq and times as exact
 * DOUBLEs below 2^53), and venue and symbol from the per-symbol row counts, since rows come sorted.
 */
export async function archivedTicks(conn: DuckDBConnection, date: string): Promise<Tick[]> {
  const day = `trade_date = DATE '${date}'`;
  const dictionary = async (column: string) => {
    const r = await conn.runAndReadAll(`
      SELECT ${plainSql('k')} AS s FROM (SELECT DISTINCT ${column} AS k FROM ticks WHERE ${day}) ORDER BY k`);
    return (r.getColumnsJS()[0] ?? []) as string[];
  };
  const prices = await dictionary('price');
  const sizes = await dictionary('size');
  const groups = (
    await conn.runAndReadAll(
      `SELECT venue, symbol, count(*) AS n FROM ticks WHERE ${day} GROUP BY venue, symbol ORDER BY venue, symbol`,
    )
  ).getRowObjectsJS();
  // The dictionaries are sorted, so a value's index is its rank among the distinct values.
  const result = await conn.run(`
    WITH t AS (SELECT * FROM ticks WHERE ${day}),
    p AS (SELECT k, (row_number() OVER (ORDER BY k) - 1)::DOUBLE AS i FROM (SELECT DISTINCT price AS k FROM t)),
    z AS (SELECT k, (row_number() OVER (ORDER BY k) - 1)::DOUBLE AS i FROM (SELECT DISTINCT size AS k FROM t))
    SELECT t.seq::DOUBLE, t.ts::DOUBLE, p.i, z.i,
           (CASE t.side WHEN 'buy' THEN 1 WHEN 'sell' THEN 2 ELSE 0 END)::DOUBLE, t.recv_ts::DOUBLE
    FROM t JOIN p ON t.price = p.k JOIN z ON t.size = z.k
    ORDER BY t.venue, t.symbol, t.seq`);
  const total = groups.reduce((n, g) => n + Number(g.n), 0);
  const ticks: Tick[] = new Array(total);
  let group = -1;
  let groupEnd = 0;
  let venue = '';
  let symbol = '';
  let i = 0;
  for (
    let chunk = await result.fetchChunk();
    chunk && chunk.rowCount > 0;
    chunk = await result.fetchChunk()
  ) {
    const [seq, ts, price, size, side, recvTs] = [0, 1, 2, 3, 4, 5].map((c) => chunk.getColumnVector(c));
    for (let r = 0; r < chunk.rowCount; r++, i++) {
      while (i >= groupEnd) {
        const g = groups[++group];
        venue = String(g?.venue);
        symbol = String(g?.symbol);
        groupEnd += Number(g?.n);
      }
      const t: Tick = {
        v: WIRE_VERSION,
        venue,
        symbol,
        seq: seq?.getItem(r) as number,
        ts: ts?.getItem(r) as number,
        price: prices[price?.getItem(r) as number] as string,
        size: sizes[size?.getItem(r) as number] as string,
        recvTs: recvTs?.getItem(r) as number,
      };
      const sd = side?.getItem(r);
      if (sd === 1) t.side = 'buy';
      else if (sd === 2) t.side = 'sell';
      ticks[i] = t;
    }
  }
  if (i !== total) throw new Error(`read ${i} ticks of ${total} for ${date}`);
  return ticks;
}

/**
 * Recomputes the date's decisions in batch with the same strategy code the speed layer runs and
 * compares them with what DECISIONS recorded: by id, then action, quantity and reference price.
 */
export async function reconcileDecisions(
  conn: DuckDBConnection,
  date: string,
  factory: StrategyFactory,
  ticks?: readonly Tick[],
): Promise<DecisionReconciliation & { recomputed: Decision[] }> {
  const batch = replayDecisions(ticks ?? (await archivedTicks(conn, date)), factory);
  const reader = await conn.runAndReadAll(`
    SELECT id, action, qty::VARCHAR AS qty, ref_price::VARCHAR AS ref_price
    FROM decisions WHERE trade_date = DATE '${date}' ORDER BY stream_seq, id`);
  const speed = new Map(reader.getRowObjectsJS().map((r) => [String(r.id), r]));
  const compared = compareById(batch, speed, {
    same: (s, b) =>
      s.action === b.action &&
      new Dec(String(s.qty)).eq(b.qty) &&
      new Dec(String(s.ref_price)).eq(b.refPrice),
    missing: (b) => `batch ${b.action} ${b.qty} @ ${b.refPrice}; speed layer has none`,
    differing: (b, s) =>
      `batch ${b.action} ${b.qty} @ ${b.refPrice}; speed ${s.action} ${plainDec(s.qty)} @ ${plainDec(s.ref_price)}`,
    extra: (s) => `speed ${s.action} ${plainDec(s.qty)} @ ${plainDec(s.ref_price)}; batch has none`,
  });
  return { recomputed: batch, speed: speed.size, batch: batch.length, ...compared };
}
