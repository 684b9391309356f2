import { TICK_COLUMN_FIELDS, type Tick, tickColumnType } from '@tickflow/core';

/**
 * The day log keeps ticks — nearly all of a day's rows — as CSV, not NDJSON: DuckDB's `read_csv`
 * with fixed column types loads them ~2× faster than `read_json` (measured: 10 M ticks into the
 * ticks table in ~4–5 s against ~9 s plus a 5 s VARCHAR → DECIMAL commit from NDJSON staging).
 * A validated tick needs no quoting: venue is `[a-z0-9_]`, symbol `[A-Z0-9-]`, side buy/sell,
 * price and size plain decimal strings, the rest integers. Decimals stay text so nothing rounds.
 * The columns are `stream_seq` then the tick's fields in wire-layout order (libs/core tick-wire.ts).
 */
export const TICK_CSV_HEADER = `${['stream_seq', ...TICK_COLUMN_FIELDS.map((f) => f.column)].join(',')}\n`;

/**
 * One validated tick as a CSV line (ending in a newline); an absent side is an empty field (NULL).
 * Spelled out in the header's column order rather than looping over the layout's columns: the
 * loop measured ~20 % slower (CPU time), and the bench writes its 10 M-tick day log with this.
 * tick-wire.test.ts reads the line back by the header's columns, so the two cannot drift apart.
 */
export function tickCsvLine(streamSeq: number, t: Tick): string {
  return `${streamSeq},${t.venue},${t.symbol},${t.seq},${t.ts},${t.price},${t.size},${t.side ?? ''},${t.recvTs}\n`;
}

/** `read_csv` options for tick segments: the header above, exact types, no sniffing, no quoting. */
export const TICK_CSV_READ_OPTIONS = `header = true, delim = ',', quote = '', escape = '', auto_detect = false,
  columns = {stream_seq: 'BIGINT', ${TICK_COLUMN_FIELDS.map((f) => `${f.column}: '${tickColumnType(f)}'`).join(', ')}}`;
