import type { HistoryConnection } from '@tickflow/history';
import { numOrNull, plainDec } from './sql.ts';

/**
 * Annualisation: markets here trade around the clock (crypto), so a year is 365 × 24 × 60 =
 * 525,600 one-minute periods and 105,120 five-minute periods. A per-period variance is multiplied
 * by the periods per year, a volatility by its square root. docs/EOD.md has the formulas.
 */
export const MINUTES_PER_YEAR = 525_600;
export const FIVE_MINUTES_PER_YEAR = MINUTES_PER_YEAR / 5;

export interface VolatilityRow {
  venue: string;
  symbol: string;
  /** Number of 1-minute bars (minutes with at least one trade). */
  bars: number;
  returns1m: number;
  returns5m: number;
  /** Sample standard deviation of consecutive 1-minute close log returns, annualised. */
  closeToClose1m: number | null;
  closeToClose5m: number | null;
  parkinson: number | null;
  garmanKlass: number | null;
  rogersSatchell: number | null;
  /** Σ of squared 1-minute log returns over the day (a daily variance, not annualised). */
  realisedVariance: number | null;
  /** √realisedVariance: the day's realised volatility (not annualised). */
  realisedVolatility: number | null;
  /** Day's high − low (exact) and (high − low) / open. */
  range: string;
  rangePct: number | null;
  /** 1 = the most volatile symbol by closeToClose1m (ties share a rank; no estimate ranks last). */
  rank: number;
}

/**
 * Volatility per venue+symbol from the date's 1-minute bars (`bars_1m`), all in one DuckDB query.
 * Returns are taken between consecutive bars that exist (a minute without trades is skipped, not
 * filled), in DOUBLE: logarithms are not exact anyway, prices are.
 */
export async function volatility(conn: HistoryConnection, date: string): Promise<VolatilityRow[]> {
  const rows = await conn.rows(
    `
    WITH b AS (
      SELECT venue, symbol, minute, open::DOUBLE AS o, high::DOUBLE AS h, low::DOUBLE AS l, close::DOUBLE AS c
      FROM bars_1m WHERE trade_date = $date),
    r1 AS (
      SELECT venue, symbol, ln(c / lag(c) OVER (PARTITION BY venue, symbol ORDER BY minute)) AS r,
             ln(h / l) AS hl, ln(c / o) AS co, ln(h / c) * ln(h / o) + ln(l / c) * ln(l / o) AS rs
      FROM b),
    b5 AS (
      SELECT venue, symbol, time_bucket(INTERVAL 5 MINUTE, minute) AS bucket, arg_max(c, minute) AS c
      FROM b GROUP BY ALL),
    r5 AS (
      SELECT venue, symbol, ln(c / lag(c) OVER (PARTITION BY venue, symbol ORDER BY bucket)) AS r FROM b5),
    v5 AS (SELECT venue, symbol, count(r) AS n5, stddev_samp(r) AS sd5 FROM r5 GROUP BY ALL),
    v1 AS (
      SELECT venue, symbol, count(*) AS bars, count(r) AS n1, stddev_samp(r) AS sd1, sum(r * r) AS rv,
             avg(hl * hl) / (4 * ln(2)) AS park, avg(0.5 * hl * hl - (2 * ln(2) - 1) * co * co) AS gk,
             avg(rs) AS rs
      FROM r1 GROUP BY ALL),
    day AS (
      SELECT venue, symbol, max(high) - min(low) AS range,
             (max(high) - min(low))::DOUBLE / nullif(arg_min(open, minute), 0)::DOUBLE AS range_pct
      FROM bars_1m WHERE trade_date = $date GROUP BY ALL)
    SELECT v1.venue, v1.symbol, bars, n1, coalesce(n5, 0) AS n5,
           sd1 * sqrt(${MINUTES_PER_YEAR}) AS cc1, sd5 * sqrt(${FIVE_MINUTES_PER_YEAR}) AS cc5,
           sqrt(park * ${MINUTES_PER_YEAR}) AS park, sqrt(greatest(gk, 0) * ${MINUTES_PER_YEAR}) AS gk,
           sqrt(greatest(rs, 0) * ${MINUTES_PER_YEAR}) AS rs,
           CASE WHEN n1 > 0 THEN rv END AS rv, CASE WHEN n1 > 0 THEN sqrt(rv) END AS rvol,
           day.range::VARCHAR AS range, range_pct,
           rank() OVER (ORDER BY sd1 DESC NULLS LAST) AS rank
    FROM v1 JOIN day USING (venue, symbol) LEFT JOIN v5 USING (venue, symbol)
    ORDER BY rank, v1.symbol, v1.venue`,
    { date },
  );
  return rows.map((r) => ({
    venue: String(r.venue),
    symbol: String(r.symbol),
    bars: Number(r.bars),
    returns1m: Number(r.n1),
    returns5m: Number(r.n5),
    closeToClose1m: numOrNull(r.cc1),
    closeToClose5m: numOrNull(r.cc5),
    parkinson: numOrNull(r.park),
    garmanKlass: numOrNull(r.gk),
    rogersSatchell: numOrNull(r.rs),
    realisedVariance: numOrNull(r.rv),
    realisedVolatility: numOrNull(r.rvol),
    range: plainDec(r.range),
    rangePct: numOrNull(r.range_pct),
    rank: Number(r.rank),
  }));
}
