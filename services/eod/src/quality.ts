import type { DuckDBConnection } from '@duckdb/node-api';

export interface QualityRow {
  venue: string;
  symbol: string;
  ticks: number;
  firstSeq: number;
  lastSeq: number;
  /** Sequence numbers missing between firstSeq and lastSeq. */
  missingSeqs: number;
  /** Runs of consecutive missing sequence numbers (one gap may miss many seqs). */
  seqGaps: number;
  /** Ticks whose seq was already seen (a re-published tick stored twice). */
  duplicates: number;
  /** Ticks whose exchange time is earlier than the previous tick's (by seq). */
  outOfOrder: number;
  /** The longest time without a trade between two consecutive ticks (by exchange time), seconds. */
  longestStaleSeconds: number;
  /** When that stale period started (ISO, UTC), or null with fewer than two ticks. */
  longestStaleFrom: string | null;
}

export interface RejectRow {
  venue: string;
  code: string;
  count: number;
  /** One reason text of that code, as an example for the reader. */
  example: string;
}

/** Feed quality per venue+symbol, in one DuckDB query over the date's ticks. */
export async function tickQuality(conn: DuckDBConnection, date: string): Promise<QualityRow[]> {
  const reader = await conn.runAndReadAll(`
    WITH t AS (SELECT venue, symbol, seq, ts FROM ticks WHERE trade_date = DATE '${date}'),
    -- One sort by seq answers counts, distinct seqs, gap runs and out-of-order times: in seq order
    -- a duplicate follows its twin (difference 0) and a run of missing seqs is one step > 1.
    w AS (
      SELECT venue, symbol, seq, ts,
             lag(seq) OVER (PARTITION BY venue, symbol ORDER BY seq) AS prev,
             lag(ts) OVER (PARTITION BY venue, symbol ORDER BY seq) AS prev_ts
      FROM t),
    base AS (
      SELECT venue, symbol, count(*) AS ticks,
             count(*) FILTER (WHERE prev IS NULL OR seq <> prev) AS distinct_seq,
             min(seq) AS first_seq, max(seq) AS last_seq,
             count(*) FILTER (WHERE seq - prev > 1) AS runs,
             count(*) FILTER (WHERE ts < prev_ts) AS out_of_order,
             max(ts - prev_ts) AS stale,
             arg_max(prev_ts, ts - prev_ts) FILTER (WHERE prev_ts IS NOT NULL) AS stale_from
      FROM w GROUP BY ALL),
    -- The longest stale period is the largest step between consecutive exchange times. Where no
    -- tick is out of order, seq order is ts order (ties aside, which make a step of 0 either way),
    -- so the window above already has it; only a symbol with times out of order is sorted again by
    -- ts (a second sort of the whole day cost ~2-3 s at 10 M ticks). Ticks with equal ts make a
    -- gap of 0 in any order, so ts alone is the order.
    disorderly AS (SELECT venue, symbol FROM base WHERE out_of_order > 0),
    stale AS (
      SELECT venue, symbol, max(ts - prev_ts) AS stale, arg_max(prev_ts, ts - prev_ts) AS stale_from
      FROM (SELECT *, lag(ts) OVER (PARTITION BY venue, symbol ORDER BY ts) AS prev_ts
            FROM t SEMI JOIN disorderly USING (venue, symbol))
      WHERE prev_ts IS NOT NULL GROUP BY ALL)
    SELECT b.venue, b.symbol, b.ticks, b.first_seq, b.last_seq,
           (last_seq - first_seq + 1) - distinct_seq AS missing, ticks - distinct_seq AS duplicates,
           b.runs, b.out_of_order,
           coalesce(CASE WHEN b.out_of_order > 0 THEN st.stale ELSE b.stale END, 0) AS stale,
           strftime(make_timestamp(CASE WHEN b.out_of_order > 0 THEN st.stale_from ELSE b.stale_from END),
                    '%Y-%m-%dT%H:%M:%S.%fZ') AS stale_from
    FROM base b LEFT JOIN stale st USING (venue, symbol)
    ORDER BY symbol, venue`);
  return reader.getRowObjectsJS().map((r) => ({
    venue: String(r.venue),
    symbol: String(r.symbol),
    ticks: Number(r.ticks),
    firstSeq: Number(r.first_seq),
    lastSeq: Number(r.last_seq),
    missingSeqs: Number(r.missing),
    seqGaps: Number(r.runs),
    duplicates: Number(r.duplicates),
    outOfOrder: Number(r.out_of_order),
    longestStaleSeconds: Number(r.stale) / 1e6,
    longestStaleFrom: r.stale_from === null ? null : String(r.stale_from),
  }));
}

/** Rejected ticks (REJECTS) per venue and reason code. */
export async function rejectsByCode(conn: DuckDBConnection, date: string): Promise<RejectRow[]> {
  const reader = await conn.runAndReadAll(`
    SELECT venue, code, count(*) AS n, min(reason) AS example FROM rejects WHERE trade_date = DATE '${date}'
    GROUP BY ALL ORDER BY n DESC, venue, code`);
  return reader.getRowObjectsJS().map((r) => ({
    venue: String(r.venue),
    code: String(r.code),
    count: Number(r.n),
    example: String(r.example),
  }));
}
