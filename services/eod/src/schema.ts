/**
 * DuckDB tables of the batch layer. Prices, sizes and money are DECIMAL (exact); times are epoch
 * microseconds (BIGINT) as on the wire. Every table carries `trade_date` so a date is replaced as a
 * unit. `stage_*` tables take the appender's rows before one transaction moves them in.
 */
export const PRICE = 'DECIMAL(24,10)';

export const TABLES = {
  ticks: `trade_date DATE, venue VARCHAR, symbol VARCHAR, seq BIGINT, ts BIGINT, price ${PRICE}, size ${PRICE},
    side VARCHAR, recv_ts BIGINT, stream_seq BIGINT`,
  decisions: `trade_date DATE, id VARCHAR, strategy VARCHAR, venue VARCHAR, symbol VARCHAR, action VARCHAR,
    qty ${PRICE}, ref_price ${PRICE}, tick_seq BIGINT, tick_ts BIGINT, decided_at BIGINT, reason VARCHAR,
    indicators VARCHAR, stream_seq BIGINT`,
  fills: `trade_date DATE, id VARCHAR, decision_id VARCHAR, symbol VARCHAR, side VARCHAR, qty ${PRICE},
    price ${PRICE}, fee ${PRICE}, ts BIGINT, stream_seq BIGINT`,
  rejects: `trade_date DATE, venue VARCHAR, code VARCHAR, reason VARCHAR, raw VARCHAR, rejected_at BIGINT, stream_seq BIGINT`,
} as const;

export type TableName = keyof typeof TABLES;
export const TABLE_NAMES = Object.keys(TABLES) as TableName[];

/** Staging columns: the same names, every decimal as VARCHAR so the appender never rounds. */
export function stagingColumns(table: TableName): string {
  return TABLES[table].replaceAll(PRICE, 'VARCHAR').replace('trade_date DATE, ', '');
}

export const LOADS_TABLE = `CREATE TABLE IF NOT EXISTS loads (
  trade_date DATE PRIMARY KEY, loaded_at TIMESTAMP, ticks BIGINT, decisions BIGINT, fills BIGINT,
  rejects BIGINT, unparseable BIGINT, ticks_last_stream_seq BIGINT, decisions_last_stream_seq BIGINT,
  fills_last_stream_seq BIGINT, rejects_last_stream_seq BIGINT)`;
