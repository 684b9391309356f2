import type { HistoryConnection } from '@tickflow/history';

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
  /**
   * Ticks whose seq was already stored (a re-published tick stored twice): the load keeps the
   * first and lists the others in `duplicates` (libs/history duplicates.ts), counted here.
   */
  duplicates: number;
  /** Ticks whose exchange time is earlier than the previous tick's (by seq). */
  outOfOrder: number;
  /**
   * Ticks stored in TICKS after a tick of a higher seq of the same venue+symbol (a late re-send:
   * consumers reading the stream in order see them out of sequence).
   */
  storedOutOfOrder: number;
  /**
   * The largest displacement of such a tick: how many TICKS messages after the first higher-seq
   * tick of its venue+symbol it was stored (0 when none is late).
   */
  storedOutOfOrderMaxDisplacement: number;
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

/**
 * Feed quality per venue+symbol, in one DuckDB query over the date's ticks (and the `duplicates`
 * table, which `readDuplicates` makes for a file loaded before it existed).
 */
export async function tickQuality(conn: HistoryConnection, date: string): Promise<QualityRow[]> {
  const rows = await conn.rows(
    `
    WITH t AS (SELECT venue, symbol, seq, ts, stream_seq FROM ticks WHERE trade_date = $date),
    -- One sort by seq answers counts, distinct seqs, gap runs, out-of-order times and storage: in
    -- seq order a duplicate follows its twin (difference 0), a run of missing seqs is one step > 1,
    -- and a tick was stored late when a higher seq has a lower stream sequence (the smallest one
    -- after it in seq order: the same sort, ~0.05 s more at 10 M ticks).
    w AS (
      SELECT venue, symbol, seq, ts, stream_seq,
             lag(seq) OVER (PARTITION BY venue, symbol ORDER BY seq) AS prev,
             lag(ts) OVER (PARTITION BY venue, symbol ORDER BY seq) AS prev_ts,
             min(stream_seq) OVER (PARTITION BY venue, symbol ORDER BY seq
                                   ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS next_stored
      FROM t),
    -- Copies the load removed (libs/history duplicates.ts) are duplicates all the same.
    dup AS (
      SELECT venue, symbol, sum(copies - 1) AS removed FROM duplicates
      WHERE trade_date = $date AND tbl = 'ticks' GROUP BY ALL),
    base AS (
      SELECT venue, symbol, count(*) AS ticks,
             count(*) FILTER (WHERE prev IS NULL OR seq <> prev) AS distinct_seq,
             min(seq) AS first_seq, max(seq) AS last_seq,
             count(*) FILTER (WHERE seq - prev > 1) AS runs,
             count(*) FILTER (WHERE ts < prev_ts) AS out_of_order,
             count(*) FILTER (WHERE stream_seq > next_stored) AS stored_late,
             coalesce(max(stream_seq - next_stored) FILTER (WHERE stream_seq > next_stored), 0) AS stored_late_max,
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
           (last_seq - first_seq + 1) - distinct_seq AS missing,
           ticks - distinct_seq + coalesce(dup.removed, 0) AS duplicates,
           b.runs, b.out_of_order, b.stored_late, b.stored_late_max,
           coalesce(CASE WHEN b.out_of_order > 0 THEN st.stale ELSE b.stale END, 0) AS stale,
           strftime(make_timestamp(CASE WHEN b.out_of_order > 0 THEN st.stale_from ELSE b.stale_from END),
                    '%Y-%m-%dT%H:%M:%S.%fZ') AS stale_from
    FROM base b LEFT JOIN stale st USING (venue, symbol) LEFT JOIN dup USING (venue, symbol)
    ORDER BY symbol, venue`,
    { date },
  );
  return rows.map((r) => ({
    venue: String(r.venue),
    symbol: String(r.symbol),
    ticks: Number(r.ticks),
    firstSeq: Number(r.first_seq),
    lastSeq: Number(r.last_seq),
    missingSeqs: Number(r.missing),
    seqGaps: Number(r.runs),
    duplicates: Number(r.duplicates),
    outOfOrder: Number(r.out_of_order),
    storedOutOfOrder: Number(r.stored_late),
    storedOutOfOrderMaxDisplacement: Number(r.stored_late_max),
    longestStaleSeconds: Number(r.stale) / 1e6,
    longestStaleFrom: r.stale_from === null ? null : String(r.stale_from),
  }));
}

/** Rejected ticks (REJECTS) per venue and reason code. */
export async function rejectsByCode(conn: HistoryConnection, date: string): Promise<RejectRow[]> {
  const rows = await conn.rows(
    `
    SELECT venue, code, count(*) AS n, min(reason) AS example FROM rejects WHERE trade_date = $date
    GROUP BY ALL ORDER BY n DESC, venue, code`,
    { date },
  );
  return rows.map((r) => ({
    venue: String(r.venue),
    code: String(r.code),
    count: Number(r.n),
    example: String(r.example),
  }));
}
