import type { HistoryConnection } from '@tickflow/history';
import { plainDec } from '../analytics/sql.ts';

/**
 * The day's net P&L the short way, all in DuckDB DECIMAL: per symbol, the fills' cash flows less
 * fees plus the net quantity marked at the close (the symbol's last trade in stream order, or its
 * last fill when it had no trade). Path-independent, so it checks the average-cost books exactly.
 */
export async function cashFlowPnl(conn: HistoryConnection, date: string): Promise<string> {
  const rows = await conn.rows(
    `
    WITH f AS (
      SELECT symbol, sum(CASE WHEN side = 'BUY' THEN -qty * price ELSE qty * price END) AS cash,
             sum(fee) AS fees, sum(CASE WHEN side = 'BUY' THEN qty ELSE -qty END) AS net_qty,
             last(price ORDER BY ts, stream_seq) AS last_fill
      FROM fills WHERE trade_date = $date GROUP BY symbol),
    m AS (SELECT symbol, arg_max(price, stream_seq) AS close FROM ticks WHERE trade_date = $date GROUP BY symbol)
    SELECT coalesce(sum(cash - fees + net_qty * coalesce(m.close, f.last_fill)), 0)::VARCHAR AS pnl
    FROM f LEFT JOIN m USING (symbol)`,
    { date },
  );
  return plainDec(rows[0]?.pnl ?? '0');
}
