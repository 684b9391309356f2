import { join } from 'node:path';
import { type ArchiveTable, archivedDates } from './archive.ts';
import type { HistoryConnection } from './connection.ts';
import { checkDate } from './date.ts';

/** A date range of the archive (both ends included) and, optionally, only some symbols. */
export interface ArchiveRange {
  from: string;
  to: string;
  symbols?: readonly string[] | undefined;
}

/** A row of a multi-day answer: decimals as exact strings, counts as numbers, null where undefined. */
export type HistoryRow = Record<string, string | number | null>;

/**
 * `table`'s archived rows in the range as a subquery `t` (with `date` a DATE), and its bound
 * parameters; undefined when the archive holds no partition of `table` at all.
 */
function source(archiveDir: string, table: ArchiveTable, range: ArchiveRange) {
  const from = checkDate(range.from);
  const to = checkDate(range.to);
  if (archivedDates(archiveDir, table).length === 0) return undefined;
  const sql = `(SELECT * FROM read_parquet($${table}_glob, hive_partitioning = true, hive_types = {'date': DATE})
    WHERE date BETWEEN $from::DATE AND $to::DATE
      AND ($symbols = '' OR list_contains(string_split($symbols, ','), symbol)))`;
  const params = {
    [`${table}_glob`]: join(archiveDir, table, 'date=*', '*.parquet'),
    from,
    to,
    symbols: (range.symbols ?? []).join(','),
  };
  return { sql, params };
}

async function query(conn: HistoryConnection, sql: string, params: Record<string, string>) {
  const rows = await conn.rows(sql, params);
  return rows.map((r) => {
    const out: HistoryRow = {};
    for (const [k, v] of Object.entries(r)) out[k] = typeof v === 'bigint' ? Number(v) : (v as string | null);
    return out;
  });
}

/** `x` (a DECIMAL) as text without trailing zeros: `101.5000000000` → `101.5`. */
const text = (x: string) =>
  `CASE WHEN contains(${x}::VARCHAR, '.') THEN rtrim(rtrim(${x}::VARCHAR, '0'), '.') ELSE ${x}::VARCHAR END`;

/**
 * Daily bars per date, venue and symbol from the archived ticks: open and close are the first and
 * last trade by `seq`, volume Σ size, vwap Σ price × size / Σ size (to 10 places), as the end of
 * day's bars.
 */
export async function dailyBars(
  conn: HistoryConnection,
  archiveDir: string,
  range: ArchiveRange,
): Promise<HistoryRow[]> {
  const ticks = source(archiveDir, 'ticks', range);
  if (!ticks) return [];
  return query(
    conn,
    `SELECT date::VARCHAR AS date, venue, symbol, count(*)::INTEGER AS ticks,
       ${text('arg_min(price, seq)')} AS open, ${text('max(price)')} AS high, ${text('min(price)')} AS low,
       ${text('arg_max(price, seq)')} AS close, ${text('sum(size)')} AS volume,
       CASE WHEN sum(size) > 0 THEN ${text('(sum(price * size) / sum(size))::DECIMAL(24,10)')} END AS vwap
     FROM ${ticks.sql} t GROUP BY date, venue, symbol ORDER BY date, venue, symbol`,
    ticks.params,
  );
}

/**
 * Volatility per date, venue and symbol: `log_return` ln(close / the previous archived date's
 * close in the range, null on its first date), `realised_vol` √Σ r² over the day's 1-minute
 * close-to-close log returns (a minute's close is its last trade by `seq`; minutes without trades
 * are skipped), `range` ln(high / low). Natural logs, not annualised; rounded to 10 places.
 */
export async function dailyVolatility(
  conn: HistoryConnection,
  archiveDir: string,
  range: ArchiveRange,
): Promise<HistoryRow[]> {
  const ticks = source(archiveDir, 'ticks', range);
  if (!ticks) return [];
  return query(
    conn,
    `WITH m AS (
       SELECT date, venue, symbol, ts // 60000000 AS minute, arg_max(price, seq)::DOUBLE AS close
       FROM ${ticks.sql} t GROUP BY ALL),
     r AS (
       SELECT date, venue, symbol,
         ln(close / lag(close) OVER (PARTITION BY date, venue, symbol ORDER BY minute)) AS r
       FROM m),
     rv AS (SELECT date, venue, symbol, sqrt(sum(r * r)) AS realised_vol, count(r)::INTEGER AS returns
       FROM r GROUP BY ALL),
     d AS (
       SELECT date, venue, symbol, arg_max(price, seq)::DOUBLE AS close,
         ln(max(price)::DOUBLE / min(price)::DOUBLE) AS range
       FROM ${ticks.sql} t GROUP BY ALL)
     SELECT d.date::VARCHAR AS date, d.venue, d.symbol, rv.returns AS minute_returns,
       round(ln(d.close / lag(d.close) OVER (PARTITION BY d.venue, d.symbol ORDER BY d.date)), 10) AS log_return,
       round(coalesce(rv.realised_vol, 0), 10) AS realised_vol, round(d.range, 10) AS range
     FROM d JOIN rv USING (date, venue, symbol) ORDER BY date, venue, symbol`,
    ticks.params,
  );
}

/**
 * P&L per date and symbol from the archived fills, cash-flow style from the start of the range
 * (flat then): `cash` Σ sells − Σ buys − fees so far, `position` Σ bought − Σ sold so far, `mark` the
 * date's last archived trade of the symbol (by time, any venue; else the last known mark, else the
 * date's last fill price), `equity` cash + position × mark (the P&L since the range began) and `pnl`
 * that date's change of equity. Rows from the symbol's first fill in the range, one per archived date.
 */
export async function dailyPnl(
  conn: HistoryConnection,
  archiveDir: string,
  range: ArchiveRange,
): Promise<HistoryRow[]> {
  const fills = source(archiveDir, 'fills', range);
  if (!fills) return [];
  const ticks = source(archiveDir, 'ticks', range);
  const closes = ticks
    ? `SELECT date, symbol, arg_max(price, (ts, seq)) AS close FROM ${ticks.sql} t GROUP BY ALL`
    : 'SELECT NULL::DATE AS date, NULL::VARCHAR AS symbol, NULL::DECIMAL(24,10) AS close WHERE false';
  const P = 'DECIMAL(38,10)';
  return query(
    conn,
    // closes as a CTE of its own: inside a join, hive_types' DATE would bind as a column name.
    `WITH f AS (SELECT * FROM ${fills.sql} t),
     closes AS (${closes}),
     days AS (SELECT DISTINCT date FROM f UNION SELECT DISTINCT date FROM closes),
     syms AS (SELECT symbol, min(date) AS first FROM f GROUP BY symbol),
     daily AS (
       SELECT date, symbol, count(*)::INTEGER AS fills,
         sum(CASE WHEN side = 'buy' THEN qty ELSE 0 END)::${P} AS bought,
         sum(CASE WHEN side = 'sell' THEN qty ELSE 0 END)::${P} AS sold,
         sum(fee)::${P} AS fees,
         sum(CASE WHEN side = 'sell' THEN price * qty ELSE -(price * qty) END)::${P} - sum(fee)::${P} AS flow,
         arg_max(price, (ts, stream_seq)) AS last_fill
       FROM f GROUP BY ALL),
     grid AS (
       SELECT days.date, syms.symbol, coalesce(daily.fills, 0) AS fills,
         coalesce(daily.bought, 0) AS bought, coalesce(daily.sold, 0) AS sold,
         coalesce(daily.fees, 0) AS fees, coalesce(daily.flow, 0) AS flow,
         coalesce(c.close, daily.last_fill) AS day_mark
       FROM days JOIN syms ON days.date >= syms.first
       LEFT JOIN daily ON daily.date = days.date AND daily.symbol = syms.symbol
       LEFT JOIN closes c ON c.date = days.date AND c.symbol = syms.symbol),
     run AS (
       SELECT *, sum(flow) OVER w AS cash, sum(bought - sold) OVER w AS position,
         last_value(day_mark IGNORE NULLS) OVER w AS mark
       FROM grid WINDOW w AS (PARTITION BY symbol ORDER BY date ROWS UNBOUNDED PRECEDING)),
     eq AS (SELECT *, (cash + position * mark)::${P} AS equity FROM run)
     SELECT date::VARCHAR AS date, symbol, fills, ${text('bought')} AS bought, ${text('sold')} AS sold,
       ${text('fees')} AS fees, ${text('position')} AS position, ${text('mark')} AS mark,
       ${text('cash')} AS cash, ${text('equity')} AS equity,
       ${text(`(equity - coalesce(lag(equity) OVER (PARTITION BY symbol ORDER BY date), 0))::${P}`)} AS pnl
     FROM eq ORDER BY date, symbol`,
    { ...fills.params, ...(ticks?.params ?? {}) },
  );
}
