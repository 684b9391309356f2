export type { ColumnIndex, ReplayColumns, ReplayField } from './replay-columns.ts';

import { isDecimalString, normaliseSymbol, type TradeSide } from '@tickflow/core';
import {
  type ColumnIndex,
  ReplayColumnError,
  type ReplayColumns,
  resolveColumns,
  resolveCsvHeader,
  unknownNameProblem,
} from './replay-columns.ts';
import { parseTimestamp } from './timestamps.ts';
import type { RawTrade, SourceEvent } from './types.ts';

/**
 * `raw` is clipped here: it travels to the REJECTS stream, and a garbage line can be a megabyte.
 * Same limit as the exchange sources' invalid events, so rejects look alike whatever their source.
 */
export const MAX_RAW_CHARS = 16_384;

/**
 * Splits one CSV line into cells (RFC 4180 quoting: `"a,b"`, `""` for a quote). Returns undefined
 * for malformed quoting, so one bad line costs one invalid event instead of derailing the rest of
 * the file. A quoted cell can't span lines: tick files have no multi-line cells.
 */
export function splitCsvLine(line: string): string[] | undefined {
  if (!line.includes('"')) return line.split(',');
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let cell = '';
      for (i++; ; ) {
        const q = line.indexOf('"', i);
        if (q < 0) return undefined; // unterminated quote
        cell += line.slice(i, q);
        i = q + 1;
        if (line[i] !== '"') break;
        cell += '"';
        i++;
      }
      cells.push(cell);
      if (i === line.length) return cells;
      if (line[i] !== ',') return undefined; // text after a closing quote
      i++;
    } else {
      const comma = line.indexOf(',', i);
      const cell = line.slice(i, comma < 0 ? line.length : comma);
      if (cell.includes('"')) return undefined; // stray quote inside an unquoted cell
      cells.push(cell);
      if (comma < 0) return cells;
      i = comma + 1;
    }
  }
}

function cellAt(cells: readonly unknown[], i: number | undefined): unknown {
  return i === undefined ? undefined : cells[i];
}

const isBlank = (v: unknown): boolean =>
  v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

/** A cell as text: strings trimmed, JSON numbers in their shortest form; other types undefined. */
const asText = (v: unknown): string | undefined =>
  typeof v === 'string' ? v.trim() : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;

/** The cell's decimal string as written (numbers via their shortest form; exponents refused). */
const asDecimal = (v: unknown): string | undefined => {
  const s = asText(v);
  return s !== undefined && isDecimalString(s) ? s : undefined;
};

const SIDES: Readonly<Record<string, TradeSide>> = { buy: 'buy', b: 'buy', sell: 'sell', s: 'sell' };

/** An `invalid` event; `raw` clipped to {@link MAX_RAW_CHARS}, and the reason says so. */
export function invalidEvent(venue: string, raw: string, code: string, reason: string): SourceEvent {
  if (raw.length <= MAX_RAW_CHARS) return { kind: 'invalid', venue, raw, code, reason };
  const clipped = `${reason} (raw text clipped from ${raw.length} chars)`;
  return { kind: 'invalid', venue, raw: raw.slice(0, MAX_RAW_CHARS), code, reason: clipped };
}

const show = (v: unknown): string => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
};

/**
 * Maps one row's cells to a trade, or to an `invalid` event naming the first problem found: missing
 * fields first, then bad values in the order ts, symbol, price, size, side. `recvTs` is left 0 (the
 * source stamps it when it emits the batch). `raw` is the row's original text.
 */
export function mapRow(
  cells: readonly unknown[],
  index: ColumnIndex,
  raw: string,
  venue: string,
): SourceEvent {
  // Plain locals, no per-row closures: this runs millions of times per file.
  const rowVenue = asText(cellAt(cells, index.venue));
  const v = rowVenue ? rowVenue.toLowerCase() : venue;
  const tsCell = cellAt(cells, index.ts);
  const symbolCell = cellAt(cells, index.symbol);
  const priceCell = cellAt(cells, index.price);
  const sizeCell = cellAt(cells, index.size);
  if (isBlank(tsCell)) return invalidEvent(v, raw, 'MISSING_FIELD', 'no ts');
  if (isBlank(symbolCell)) return invalidEvent(v, raw, 'MISSING_FIELD', 'no symbol');
  if (isBlank(priceCell)) return invalidEvent(v, raw, 'MISSING_FIELD', 'no price');
  if (isBlank(sizeCell)) return invalidEvent(v, raw, 'MISSING_FIELD', 'no size');

  const ts = parseTimestamp(tsCell);
  if (!ts.ok) return invalidEvent(v, raw, 'BAD_TIMESTAMP', `ts ${show(tsCell)}: ${ts.reason}`);
  const symbolText = asText(symbolCell);
  const symbol = symbolText === undefined ? undefined : normaliseSymbol(symbolText);
  if (symbol === undefined)
    return invalidEvent(v, raw, 'BAD_SYMBOL', `symbol ${show(symbolCell)} is not valid`);
  const price = asDecimal(priceCell);
  if (price === undefined)
    return invalidEvent(v, raw, 'BAD_PRICE', `price ${show(priceCell)} is not a decimal`);
  const size = asDecimal(sizeCell);
  if (size === undefined) return invalidEvent(v, raw, 'BAD_SIZE', `size ${show(sizeCell)} is not a decimal`);
  const sideCell = cellAt(cells, index.side);
  let side: TradeSide | undefined;
  if (!isBlank(sideCell)) {
    side = SIDES[asText(sideCell)?.toLowerCase() ?? ''];
    if (side === undefined)
      return invalidEvent(v, raw, 'BAD_SIDE', `side ${show(sideCell)} is not buy/sell/b/s`);
  }

  const trade: RawTrade = { venue: v, symbol, ts: ts.micros, price, size, recvTs: 0 };
  if (side) trade.side = side;
  // A trade id of another JSON type (object, boolean) is dropped: the id is optional, the trade is fine.
  const tradeIdCell = cellAt(cells, index.trade_id);
  const tradeId = isBlank(tradeIdCell) ? undefined : asText(tradeIdCell);
  if (tradeId) trade.tradeId = tradeId;
  return { kind: 'trade', trade };
}

/** Turns a file's lines into events; undefined for lines that are not rows (header, blank). */
export interface RowReader {
  read(line: string): SourceEvent | undefined;
}

/**
 * Rows of a CSV file. The first non-blank line is the header, checked by {@link resolveCsvHeader}
 * (a missing required field or an unknown column throws {@link ReplayColumnError}). A row whose
 * cell count differs from the header's is invalid (`BAD_CSV`): a stray comma shifts every cell after
 * it. `raw` of an invalid row is the original line verbatim (not the cells re-joined), so quoting
 * and spacing survive for the reject log.
 */
export function csvRows(
  file: string,
  venue: string,
  columns?: ReplayColumns,
  ignore?: readonly string[],
): RowReader {
  let index: ColumnIndex | undefined;
  let width = 0;
  return {
    read(line) {
      if (line.trim() === '') return undefined;
      if (index === undefined) {
        index = csvHeader(file, line, columns, ignore);
        width = splitCsvLine(line)?.length ?? 0;
        return undefined;
      }
      const cells = splitCsvLine(line);
      if (!cells) return invalidEvent(venue, line, 'BAD_CSV', 'malformed CSV quoting');
      if (cells.length !== width) {
        const reason = `row has ${cells.length} cells, the header ${width}`;
        return invalidEvent(venue, line, 'BAD_CSV', reason);
      }
      return mapRow(cells, index, line, venue);
    },
  };
}

/** Checks a CSV header line (see {@link resolveCsvHeader}); throws for a malformed or unfit one. */
export function csvHeader(
  file: string,
  line: string,
  columns?: ReplayColumns,
  ignore?: readonly string[],
): ColumnIndex {
  const names = splitCsvLine(line);
  if (!names) throw new ReplayColumnError(file, `malformed CSV header: ${show(line)}`);
  return resolveCsvHeader(file, names, columns, ignore);
}

/**
 * Rows of an NDJSON file: one JSON object per line, keys resolved like CSV headers. A line with a
 * key we don't know (not a field's name or alias, not mapped, not in `ignore`) is invalid
 * (`UNKNOWN_FIELD`): reading it would drop that value without a word. Key sets are resolved once and
 * cached, since files repeat one shape (or a few) on every line.
 */
export function ndjsonRows(venue: string, columns?: ReplayColumns, ignore?: readonly string[]): RowReader {
  const shapes = new Map<string, Shape>();
  // The last line's keys and their shape: most files have one shape, so most lines match it.
  let lastKeys: string[] = [];
  let last: Shape = { index: {}, problem: undefined };
  return {
    read(line) {
      if (line.trim() === '') return undefined;
      const value = parseObject(line);
      if (typeof value === 'string') return invalidEvent(venue, line, 'BAD_JSON', value);
      const keys = Object.keys(value);
      if (!sameKeys(keys, lastKeys)) {
        const key = keys.join('\n');
        let shape = shapes.get(key);
        if (shape === undefined) {
          if (shapes.size >= 256) shapes.clear(); // a file with ever-new key sets: bound the cache
          const index = resolveColumns(keys, columns);
          shape = { index, problem: unknownNameProblem(keys, index, columns, ignore) };
          shapes.set(key, shape);
        }
        lastKeys = keys;
        last = shape;
      }
      if (last.problem) return invalidEvent(venue, line, 'UNKNOWN_FIELD', last.problem);
      return mapRow(Object.values(value), last.index, line, venue);
    },
  };
}

interface Shape {
  index: ColumnIndex;
  /** Why lines of this shape are refused (an unknown key), if they are. */
  problem: string | undefined;
}

/** A line's JSON object, or why it is not one. */
function parseObject(line: string): Record<string, unknown> | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  return value as Record<string, unknown>;
}

/** Checks a file's first non-blank line: a CSV header, or an NDJSON file's first object. */
export function checkFirstLine(
  file: string,
  format: 'csv' | 'ndjson',
  line: string,
  columns?: ReplayColumns,
  ignore?: readonly string[],
): void {
  if (format === 'csv') csvHeader(file, line, columns, ignore);
  else ndjsonFirstLine(file, line, columns, ignore);
}

/**
 * Checks an NDJSON file's first object like a CSV header (see {@link ndjsonRows}): a key we don't
 * know throws {@link ReplayColumnError}, so a typo stops the feed at start. A line that is not an
 * object is left to the replay (one invalid row).
 */
export function ndjsonFirstLine(
  file: string,
  line: string,
  columns?: ReplayColumns,
  ignore?: readonly string[],
): void {
  const value = parseObject(line);
  if (typeof value === 'string') return;
  const keys = Object.keys(value);
  const problem = unknownNameProblem(keys, resolveColumns(keys, columns), columns, ignore);
  if (problem) throw new ReplayColumnError(file, `first line: ${problem}`);
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
