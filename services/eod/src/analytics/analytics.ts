import { Dec, money } from '@tickflow/core';
import type { HistoryConnection } from '@tickflow/history';
import type { QualityRow } from './quality.ts';
import { plainDec } from './sql.ts';
import { MINUTES_PER_YEAR } from './volatility.ts';

export interface SymbolRow {
  venue: string;
  symbol: string;
  ticks: number;
  firstSeq: number;
  lastSeq: number;
  seqGaps: number;
  duplicates: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
  returns1m: number;
  volatility1mAnnualised: number | null;
  decisions: number;
  fills: number;
  netQty: string;
  fees: string;
  /** Cash flows of the day's fills, less fees, plus the net position marked at the close. */
  pnl: string;
  /** The same, unrounded: totals add these and round once, as the bot does. */
  pnlExact: string;
}

/**
 * Runs the day's analytics in DuckDB; money stays DECIMAL until it is formatted here. Needs the
 * date's `bars_1m` (closeDay builds them first) and its feed quality (`tickQuality`), whose window
 * already counted each symbol's distinct seqs: a second `count(DISTINCT seq)` here was ~2.9 s of a
 * 10 M-tick day.
 */
export async function symbolAnalytics(
  conn: HistoryConnection,
  date: string,
  quality: readonly QualityRow[],
): Promise<SymbolRow[]> {
  const rows = await conn.rows(
    `
    WITH t AS (SELECT * FROM ticks WHERE trade_date = $date),
    summary AS (
      SELECT venue, symbol, count(*) AS ticks, min(seq) AS first_seq, max(seq) AS last_seq,
             arg_min(price, seq) AS open, max(price) AS high, min(price) AS low,
             arg_max(price, seq) AS close, sum(size) AS volume
      FROM t GROUP BY venue, symbol),
    -- The 1-minute closes (last trade by seq in each minute) are bars_1m's, built just before.
    bars AS (
      SELECT venue, symbol, minute, close::DOUBLE AS close FROM bars_1m WHERE trade_date = $date),
    rets AS (
      SELECT venue, symbol, ln(close / lag(close) OVER (PARTITION BY venue, symbol ORDER BY minute)) AS r
      FROM bars),
    vol AS (
      SELECT venue, symbol, count(r) AS n, stddev_samp(r) * sqrt(${MINUTES_PER_YEAR}) AS vol
      FROM rets GROUP BY venue, symbol),
    dec AS (
      SELECT venue, symbol, count(*) AS decisions FROM decisions WHERE trade_date = $date GROUP BY venue, symbol),
    -- A fill belongs to the venue its decision came from (<strategy>:<venue>:<symbol>:<seq>), so a
    -- symbol traded on two venues is not counted twice; an id of another shape goes to the
    -- symbol's first venue.
    fv AS (
      SELECT fl.*, coalesce(
               (SELECT s.venue FROM summary s WHERE s.symbol = fl.symbol AND s.venue = split_part(fl.decision_id, ':', 2)),
               (SELECT min(s.venue) FROM summary s WHERE s.symbol = fl.symbol)) AS venue
      FROM fills fl WHERE fl.trade_date = $date),
    f AS (
      SELECT venue, symbol, count(*) AS fills,
             sum(CASE WHEN side = 'BUY' THEN qty ELSE -qty END) AS net_qty,
             sum(CASE WHEN side = 'BUY' THEN -qty * price ELSE qty * price END) AS cash_flow,
             sum(fee) AS fees
      FROM fv GROUP BY venue, symbol)
    SELECT s.venue, s.symbol, s.ticks, s.first_seq, s.last_seq,
           s.open::VARCHAR AS open, s.high::VARCHAR AS high, s.low::VARCHAR AS low, s.close::VARCHAR AS close,
           s.volume::VARCHAR AS volume, coalesce(v.n, 0) AS returns_1m, v.vol AS vol_1m,
           coalesce(dec.decisions, 0) AS decisions, coalesce(f.fills, 0) AS fills,
           coalesce(f.net_qty, 0)::VARCHAR AS net_qty, coalesce(f.fees, 0)::VARCHAR AS fees,
           (coalesce(f.cash_flow, 0) - coalesce(f.fees, 0) + coalesce(f.net_qty, 0) * s.close)::VARCHAR AS pnl
    FROM summary s
    LEFT JOIN vol v USING (venue, symbol)
    LEFT JOIN dec USING (venue, symbol)
    LEFT JOIN f USING (venue, symbol)
    ORDER BY s.symbol, s.venue`,
    { date },
  );
  const qualityOf = new Map(quality.map((q) => [`${q.venue}\u0000${q.symbol}`, q]));
  return rows.map((r) => {
    const q = qualityOf.get(`${String(r.venue)}\u0000${String(r.symbol)}`);
    if (q === undefined) throw new Error(`no feed quality row for ${String(r.venue)} ${String(r.symbol)}`);
    return {
      venue: String(r.venue),
      symbol: String(r.symbol),
      ticks: Number(r.ticks),
      firstSeq: Number(r.first_seq),
      lastSeq: Number(r.last_seq),
      seqGaps: q.missingSeqs,
      duplicates: q.duplicates,
      open: plainDec(r.open),
      high: plainDec(r.high),
      low: plainDec(r.low),
      close: plainDec(r.close),
      volume: plainDec(r.volume),
      returns1m: Number(r.returns_1m),
      volatility1mAnnualised: r.vol_1m === null || r.vol_1m === undefined ? null : Number(r.vol_1m),
      decisions: Number(r.decisions),
      fills: Number(r.fills),
      netQty: plainDec(r.net_qty),
      fees: money(new Dec(String(r.fees))),
      pnl: money(new Dec(String(r.pnl))),
      pnlExact: plainDec(r.pnl),
    };
  });
}

export async function rejectCounts(
  conn: HistoryConnection,
  date: string,
): Promise<{ code: string; count: number }[]> {
  const rows = await conn.rows(
    `SELECT code, count(*) AS n FROM rejects WHERE trade_date = $date GROUP BY code ORDER BY n DESC, code`,
    { date },
  );
  return rows.map((r) => ({ code: String(r.code), count: Number(r.n) }));
}

/** Fills that have no tick of their symbol that day cannot be marked: they are listed, not hidden. */
export async function unmarkedFills(conn: HistoryConnection, date: string): Promise<number> {
  const rows = await conn.rows(
    `
    SELECT count(*) AS n FROM fills f WHERE trade_date = $date
      AND NOT EXISTS (SELECT 1 FROM ticks t WHERE t.trade_date = f.trade_date AND t.symbol = f.symbol)`,
    { date },
  );
  return Number(rows[0]?.n ?? 0);
}
