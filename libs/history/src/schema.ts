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

/**
 * The other tables of the file: what each load recorded, the records a stream held twice
 * (duplicates.ts), and the 1-minute bars the close derives from the ticks and archives.
 */
export const OTHER_TABLES = {
  loads: `trade_date DATE PRIMARY KEY, loaded_at TIMESTAMP, ticks BIGINT, decisions BIGINT, fills BIGINT,
    rejects BIGINT, unparseable BIGINT, ticks_last_stream_seq BIGINT, decisions_last_stream_seq BIGINT,
    fills_last_stream_seq BIGINT, rejects_last_stream_seq BIGINT`,
  duplicates: `trade_date DATE, tbl VARCHAR, id VARCHAR, venue VARCHAR, symbol VARCHAR, copies BIGINT,
    stream_seqs VARCHAR, same_content BOOLEAN`,
  /**
   * Open and close are the first and last trade of the minute by `seq`, `turnover` = Σ price × size
   * exact (DECIMAL(38,20)), `vwap` = turnover / volume rounded to the price scale.
   */
  bars_1m: `trade_date DATE, venue VARCHAR, symbol VARCHAR, minute TIMESTAMP, ticks BIGINT,
    open ${PRICE}, high ${PRICE}, low ${PRICE}, close ${PRICE},
    volume DECIMAL(38,10), turnover DECIMAL(38,20), vwap ${PRICE}`,
} as const;

/** Every table of the schema (schema-version.ts) and its columns. */
export const SCHEMA_TABLES: Readonly<Record<string, string>> = { ...TABLES, ...OTHER_TABLES };

/**
 * VARCHAR → DECIMAL(24,10) is a HUGEINT cast that DuckDB runs ~40× slower than VARCHAR →
 * DECIMAL(18,10) (≈ 0.2 M vs 8 M values/s measured here). Both round to 10 places the same way, so a
 * value that fits 18 digits takes the fast cast and is widened exactly; only a value beyond 8 integer
 * digits (try_cast gives NULL) takes the slow one. Same result, checked row by row in a test.
 */
export const fastDecimal = (column: string) =>
  `coalesce(try_cast(${column} AS DECIMAL(18,10))::${PRICE}, ${column}::${PRICE})`;

/** The staged columns of `table` in order, the decimal ones cast with `fastDecimal`. */
export function stagedSelect(table: TableName): string {
  return [...TABLES[table].matchAll(/(\w+)\s+(DECIMAL\(\d+,\d+\)|\w+)/g)]
    .map(([, name, type]) => ({ name: name as string, type }))
    .filter(({ name }) => name !== 'trade_date')
    .map(({ name, type }) => (type === PRICE ? `${fastDecimal(name)} AS ${name}` : name))
    .join(', ');
}
