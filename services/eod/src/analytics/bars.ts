import type { HistoryConnection } from '@tickflow/history';
import { plainDec } from './sql.ts';

/**
 * Replaces the date's 1-minute bars (the `bars_1m` table of libs/history's schema) from its ticks,
 * in one transaction: a derived table kept in DuckDB (and archived to Parquet) so the volatility
 * estimators, the CSV export and anyone querying the file read the same bars. Open and close are
 * the first and last trade of the minute by `seq` (the feed's order), the minute is the exchange
 * time `ts`. `turnover` = Σ price × size is exact (DECIMAL(38,20)); `vwap` = turnover / volume is
 * a ratio DuckDB divides in DOUBLE, rounded to the price scale (10 places).
 */
export async function buildBars1m(conn: HistoryConnection, date: string): Promise<number> {
  await conn.transaction(async () => {
    await conn.run('DELETE FROM bars_1m WHERE trade_date = $date', { date });
    await conn.run(
      `
      INSERT INTO bars_1m
      SELECT trade_date, venue, symbol, make_timestamp((ts // 60000000) * 60000000) AS minute, count(*),
             arg_min(price, seq), max(price), min(price), arg_max(price, seq),
             sum(size), sum(price * size), CASE WHEN sum(size) > 0 THEN (sum(price * size) / sum(size))::DECIMAL(24,10) END
      FROM ticks WHERE trade_date = $date
      GROUP BY trade_date, venue, symbol, ts // 60000000`,
      { date },
    );
  });
  const { n } = await conn.one('SELECT count(*) AS n FROM bars_1m WHERE trade_date = $date', { date });
  return Number(n ?? 0);
}

/** Daily OHLCV + VWAP per venue and symbol; prices exact decimal strings. */
export interface DailyBar {
  venue: string;
  symbol: string;
  ticks: number;
  minutes: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
  turnover: string;
  vwap: string | null;
}

export async function dailyBars(conn: HistoryConnection, date: string): Promise<DailyBar[]> {
  const rows = await conn.rows(
    `
    SELECT venue, symbol, count(*) AS ticks, count(DISTINCT ts // 60000000) AS minutes,
           arg_min(price, seq)::VARCHAR AS open, max(price)::VARCHAR AS high, min(price)::VARCHAR AS low,
           arg_max(price, seq)::VARCHAR AS close, sum(size)::VARCHAR AS volume,
           sum(price * size)::VARCHAR AS turnover,
           CASE WHEN sum(size) > 0 THEN (sum(price * size) / sum(size))::DECIMAL(24,10)::VARCHAR END AS vwap
    FROM ticks WHERE trade_date = $date
    GROUP BY venue, symbol ORDER BY symbol, venue`,
    { date },
  );
  return rows.map((r) => ({
    venue: String(r.venue),
    symbol: String(r.symbol),
    ticks: Number(r.ticks),
    minutes: Number(r.minutes),
    open: plainDec(r.open),
    high: plainDec(r.high),
    low: plainDec(r.low),
    close: plainDec(r.close),
    volume: plainDec(r.volume),
    turnover: plainDec(r.turnover),
    vwap: r.vwap === null ? null : plainDec(r.vwap),
  }));
}

export interface MinuteBar {
  venue: string;
  symbol: string;
  /** ISO time of the minute's start (UTC). */
  minute: string;
  ticks: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
  vwap: string | null;
}

/** The date's 1-minute bars as rows (for tests and small exports; the CSV is written by DuckDB). */
export async function minuteBars(conn: HistoryConnection, date: string): Promise<MinuteBar[]> {
  const rows = await conn.rows(
    `
    SELECT venue, symbol, strftime(minute, '%Y-%m-%dT%H:%M:%SZ') AS minute, ticks, open::VARCHAR AS open,
           high::VARCHAR AS high, low::VARCHAR AS low, close::VARCHAR AS close, volume::VARCHAR AS volume,
           vwap::VARCHAR AS vwap
    FROM bars_1m WHERE trade_date = $date ORDER BY symbol, venue, minute`,
    { date },
  );
  return rows.map((r) => ({
    venue: String(r.venue),
    symbol: String(r.symbol),
    minute: String(r.minute),
    ticks: Number(r.ticks),
    open: plainDec(r.open),
    high: plainDec(r.high),
    low: plainDec(r.low),
    close: plainDec(r.close),
    volume: plainDec(r.volume),
    vwap: r.vwap === null ? null : plainDec(r.vwap),
  }));
}
