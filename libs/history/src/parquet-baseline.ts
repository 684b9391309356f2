import { duckdbConnection, type HistoryConnection } from './connection.ts';
import { doubles } from './tick-readback.ts';

/** The tick columns a replay needs, as DuckDB's DOUBLEs (the read-back's own casts). */
const COLUMNS = ['seq', 'ts', 'price', 'size', 'recv_ts'] as const;

/**
 * The raw baseline of the backtest's replay (`npm run bench`): DuckDB's `read_parquet` of the
 * files that `glob` matches, chunk by chunk into one Float64Array per column (seq, ts, price,
 * size, recv_ts), as little as JavaScript can do to hold the same rows. No sort, no strings, no
 * engine. Returns the rows read and the columns.
 */
export async function readParquetColumns(
  conn: HistoryConnection,
  glob: string,
): Promise<{ rows: number; columns: Float64Array[] }> {
  const { n } = (await conn.one('SELECT count(*)::DOUBLE AS n FROM read_parquet($glob)', { glob })) as {
    n: number;
  };
  const columns = COLUMNS.map(() => new Float64Array(n));
  const select = COLUMNS.map((c) => `${c}::DOUBLE`).join(', ');
  // Materialised and taken synchronously, as the read-back takes a day of ≤ 2 M ticks: the
  // fastest way DuckDB's node API hands rows over (streaming costs a native round trip per chunk).
  const result = await duckdbConnection(conn).run(`SELECT ${select} FROM read_parquet($glob)`, { glob });
  let at = 0;
  for (let i = 0, chunks = result.chunkCount; i < chunks; i++) {
    const chunk = result.getChunk(i);
    const rows = chunk.rowCount;
    if (at + rows > n) throw new Error(`read_parquet gave more than its ${n} rows`);
    for (let c = 0; c < COLUMNS.length; c++)
      (columns[c] as Float64Array).set(doubles(chunk.getColumnVector(c)).subarray(0, rows), at);
    at += rows;
  }
  return { rows: at, columns };
}
