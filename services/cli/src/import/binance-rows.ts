import { isDecimalString } from '@tickflow/core';
import { splitCsvLine } from '@tickflow/feed';

/** A Binance dump whose header lacks a column we need, or whose first row has an unknown shape. */
export class BinanceFormatError extends Error {
  override name = 'BinanceFormatError';
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
  }
}

/** Where each field is in a row, and how many cells a row has. */
export interface BinanceColumns {
  id: number;
  price: number;
  qty: number;
  time: number;
  buyerMaker: number;
  width: number;
  /** Whether the file had a header line (futures dumps do, spot dumps do not). */
  header: boolean;
}

/**
 * Why the import refuses a row of a Binance dump, beside the codes it shares with the feed (the
 * replay reader's, `validateTick`'s): stable strings, the keys of the summary's counts.
 */
export type ImportRowCode =
  | 'BAD_CSV'
  | 'BAD_TRADE_ID'
  | 'BAD_PRICE'
  | 'BAD_SIZE'
  | 'BAD_TIMESTAMP'
  | 'BAD_SIDE'
  | 'TIME_UNIT_MISMATCH'
  | 'OUTSIDE_DATE'
  | 'REPEATED_TRADE_ID'
  | 'FILE_TRUNCATED';

/** One parsed row: the time as written (its unit not yet known), or why the row is bad. */
export type BinanceRow =
  | { ok: true; id: number; price: string; qty: string; time: number; buyerMaker: boolean }
  | { ok: false; code: ImportRowCode; reason: string };

/**
 * Without a header, Binance's trade dumps are id, price, qty, quote qty, time, is-buyer-maker and
 * (spot) is-best-match: 7 cells, or 6 without the last.
 */
const POSITIONAL = { id: 0, price: 1, qty: 2, time: 4, buyerMaker: 5 };
const NAMES: Readonly<Record<string, keyof typeof POSITIONAL>> = {
  id: 'id',
  trade_id: 'id',
  price: 'price',
  qty: 'qty',
  quantity: 'qty',
  time: 'time',
  timestamp: 'time',
  transact_time: 'time',
  is_buyer_maker: 'buyerMaker',
  isbuyermaker: 'buyerMaker',
};

/**
 * The columns from the file's first non-blank line: a header when its first cell is not a number
 * (names matched case-insensitively, other columns such as quote_qty ignored), else a spot file's
 * data row (6 or 7 cells by position).
 */
export function binanceColumns(file: string, first: string): BinanceColumns {
  const cells = splitCsvLine(first);
  if (!cells)
    throw new BinanceFormatError(file, `malformed first line ${JSON.stringify(first.slice(0, 80))}`);
  if (/^\s*\d+\s*$/.test(cells[0] ?? '')) {
    if (cells.length !== 6 && cells.length !== 7)
      throw new BinanceFormatError(
        file,
        `first row has ${cells.length} cells; a Binance trades dump has 6 or 7 (id, price, qty, quote qty, time, is-buyer-maker[, is-best-match])`,
      );
    return { ...POSITIONAL, width: cells.length, header: false };
  }
  const found: Partial<Record<keyof typeof POSITIONAL, number>> = {};
  cells.forEach((name, i) => {
    const field = NAMES[name.trim().toLowerCase()];
    if (field !== undefined && found[field] === undefined) found[field] = i;
  });
  const missing = (Object.keys(POSITIONAL) as (keyof typeof POSITIONAL)[]).filter(
    (f) => found[f] === undefined,
  );
  if (missing.length > 0)
    throw new BinanceFormatError(
      file,
      `header ${JSON.stringify(first.slice(0, 120))} lacks ${missing.join(', ')}`,
    );
  return { ...(found as typeof POSITIONAL), width: cells.length, header: true };
}

const INTEGER = /^\d+$/;

/** One data line as a row, or its bad-row code: BAD_CSV, BAD_TRADE_ID, BAD_PRICE, BAD_SIZE, BAD_TIMESTAMP, BAD_SIDE. */
export function binanceRow(line: string, c: BinanceColumns): BinanceRow {
  const cells = splitCsvLine(line);
  if (!cells) return { ok: false, code: 'BAD_CSV', reason: 'malformed CSV quoting' };
  if (cells.length !== c.width)
    return { ok: false, code: 'BAD_CSV', reason: `row has ${cells.length} cells, expected ${c.width}` };
  const id = (cells[c.id] ?? '').trim();
  const price = (cells[c.price] ?? '').trim();
  const qty = (cells[c.qty] ?? '').trim();
  const time = (cells[c.time] ?? '').trim();
  const maker = (cells[c.buyerMaker] ?? '').trim().toLowerCase();
  if (!INTEGER.test(id) || !Number.isSafeInteger(Number(id)))
    return { ok: false, code: 'BAD_TRADE_ID', reason: `trade id ${JSON.stringify(id)} is not an integer` };
  if (!isDecimalString(price))
    return { ok: false, code: 'BAD_PRICE', reason: `price ${JSON.stringify(price)} is not a decimal` };
  if (!isDecimalString(qty))
    return { ok: false, code: 'BAD_SIZE', reason: `qty ${JSON.stringify(qty)} is not a decimal` };
  if (!INTEGER.test(time) || !Number.isSafeInteger(Number(time)))
    return { ok: false, code: 'BAD_TIMESTAMP', reason: `time ${JSON.stringify(time)} is not an integer` };
  if (maker !== 'true' && maker !== 'false')
    return {
      ok: false,
      code: 'BAD_SIDE',
      reason: `is_buyer_maker ${JSON.stringify(maker)} is not true/false`,
    };
  return { ok: true, id: Number(id), price, qty, time: Number(time), buyerMaker: maker === 'true' };
}

export type TimeUnit = 'ms' | 'us';

/**
 * The unit a Binance time is written in, from its size: 13 digits are epoch milliseconds (years
 * 2001–2286), 16 digits epoch microseconds (same years); anything else is neither.
 */
export function unitOf(time: number): TimeUnit | undefined {
  if (time >= 1e12 && time < 1e13) return 'ms';
  if (time >= 1e15 && time < 1e16) return 'us';
  return undefined;
}

/** The time unit of a file could not be told from its values (or was mixed): usage error. */
export class TimeUnitError extends Error {
  override name = 'TimeUnitError';
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}; pass --time-unit ms or --time-unit us if you know it`);
  }
}

/** How many rows the unit is decided from (all that are in the file, if fewer). */
export const UNIT_SAMPLE_ROWS = 1000;

/**
 * The unit of a file's first rows' times: every time that looks like milliseconds or microseconds
 * must agree, and at least one must look like either. Never a guess: mixed or unrecognisable times
 * are a {@link TimeUnitError}.
 */
export function detectUnit(file: string, times: readonly number[]): TimeUnit {
  let ms = 0;
  let us = 0;
  for (const t of times) {
    const u = unitOf(t);
    if (u === 'ms') ms++;
    else if (u === 'us') us++;
  }
  if (ms > 0 && us > 0)
    throw new TimeUnitError(
      file,
      `its first ${times.length} rows mix 13-digit (millisecond, ${ms} rows) and 16-digit (microsecond, ${us} rows) times`,
    );
  if (ms === 0 && us === 0)
    throw new TimeUnitError(
      file,
      `none of its first ${times.length} rows has a 13-digit (millisecond) or 16-digit (microsecond) epoch time`,
    );
  return ms > 0 ? 'ms' : 'us';
}
