import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { type Micros, utcDateOf } from '@tickflow/core';
import { type RawTrade, ReplayTruncatedError, readLinesFrom, type SourceEvent } from '@tickflow/feed';
import {
  type BinanceColumns,
  type BinanceRow,
  binanceColumns,
  binanceRow,
  detectUnit,
  type ImportRowCode,
  type TimeUnit,
  UNIT_SAMPLE_ROWS,
  unitOf,
} from './binance-rows.ts';
import { ZipCorruptError, ZipReader } from './zip.ts';

/** What a Binance dump is imported as. */
export interface BinanceDump {
  file: string;
  venue: string;
  /** Our spelling, e.g. BTC-USDT. */
  symbol: string;
  /** The date in the file's name: rows of other dates are refused (OUTSIDE_DATE). */
  date?: string | undefined;
  /** The time unit, or undefined to detect it from the values. */
  unit?: TimeUnit | undefined;
}

/** The unit the times were read in, and whether it was detected or given. */
export interface UnitChoice {
  unit: TimeUnit;
  how: 'detected' | 'given';
}

const READ_CHUNK_BYTES = 256 * 1024;

/** One text of a dump: the file itself, or an entry of a zip (`entry` its name). */
interface Part {
  entry?: string;
  lines: () => AsyncGenerator<string[]>;
  /** A zip entry whose CRC-32 did not match: none of its lines are read. */
  corrupt?: ZipCorruptError;
}

/** The texts of a .csv, .csv.gz or .zip (every entry, each checked against its CRC-32 first). */
async function* parts(file: string): AsyncGenerator<Part> {
  if (/\.zip$/i.test(file)) {
    const zip = await ZipReader.open(file);
    for await (const e of zip.entries()) {
      try {
        await zip.check(e);
      } catch (err) {
        if (!(err instanceof ZipCorruptError)) throw err;
        yield { entry: e.name, lines: async function* () {}, corrupt: err };
        continue;
      }
      const { stream, fileBytes } = zip.open(e);
      yield { entry: e.name, lines: () => readLinesFrom(file, stream, fileBytes) };
    }
    return;
  }
  const raw = createReadStream(file, { highWaterMark: READ_CHUNK_BYTES });
  let stream: Readable = raw;
  if (/\.gz$/i.test(file)) {
    const gunzip = createGunzip({ chunkSize: READ_CHUNK_BYTES });
    raw.on('error', (err) => gunzip.destroy(err));
    stream = raw.pipe(gunzip);
  }
  yield { lines: () => readLinesFrom(file, stream, () => raw.bytesRead) };
}

type Parsed = { row: BinanceRow; raw: string };

/**
 * A Binance daily trades dump as batches of source events (one per data row, in file order), as
 * the feed's sources give them: `is_buyer_maker` true means the aggressor sold. The time unit is
 * decided from the first {@link UNIT_SAMPLE_ROWS} rows before any event goes out (`onUnit` is told
 * which); afterwards a time in the other unit is a bad row (TIME_UNIT_MISMATCH), as is a trade
 * outside the file's date (OUTSIDE_DATE). The trade id goes with each trade (`tradeId`).
 * A damaged file's ReplayTruncatedError comes after the rows before the damage.
 *
 * A zip's entries are read one after another, each a CSV of its own (its own header or none); the
 * unit is the file's, decided on the first entry. `onEntry` is told of each entry before its rows
 * go out, with its ZipCorruptError when its content does not match its CRC-32 (none of it goes out).
 */
export async function* binanceEvents(
  dump: BinanceDump,
  onUnit: (choice: UnitChoice) => void,
  onEntry: (entry: string, corrupt?: ZipCorruptError) => void = () => {},
): AsyncGenerator<SourceEvent[]> {
  const { file, venue, symbol, date } = dump;
  let columns: BinanceColumns | undefined;
  let unit = dump.unit;
  if (unit) onUnit({ unit, how: 'given' });
  let pending: Parsed[] = [];
  const toEvent = ({ row, raw }: Parsed, unit: TimeUnit): SourceEvent => {
    const bad = (code: ImportRowCode, reason: string): SourceEvent => ({
      kind: 'invalid',
      venue,
      raw,
      code,
      reason,
    });
    if (!row.ok) return bad(row.code, row.reason);
    const seen = unitOf(row.time);
    if (seen === undefined)
      return bad(
        'BAD_TIMESTAMP',
        `time ${row.time} is neither 13-digit milliseconds nor 16-digit microseconds`,
      );
    if (seen !== unit)
      return bad('TIME_UNIT_MISMATCH', `time ${row.time} is in ${seen}, the file in ${unit}`);
    const ts: Micros = unit === 'ms' ? row.time * 1000 : row.time;
    if (date !== undefined && utcDateOf(ts) !== date)
      return bad('OUTSIDE_DATE', `time ${row.time} is on ${utcDateOf(ts)}, not the file's ${date}`);
    // recvTs: an imported trade was never received live; its exchange time stands in (deterministic).
    const side = row.buyerMaker ? 'sell' : 'buy';
    const trade: RawTrade = {
      venue,
      symbol,
      ts,
      price: row.price,
      size: row.qty,
      side,
      tradeId: String(row.id),
      recvTs: ts,
      raw,
    };
    return { kind: 'trade', trade };
  };
  let truncated: ReplayTruncatedError | undefined;
  /** The rows of the current text still held for the unit's detection, as events. */
  const held = (): SourceEvent[] => {
    if (pending.length === 0) return [];
    const u = unit ?? decide(file, pending, onUnit);
    unit = u;
    const out = pending.map((p) => toEvent(p, u));
    pending = [];
    return out;
  };
  for await (const part of parts(file)) {
    // An entry's rows all go out before the next entry is announced.
    const before = held();
    if (before.length > 0) yield before;
    if (part.entry !== undefined) onEntry(part.entry, part.corrupt);
    if (part.corrupt) continue;
    columns = undefined;
    try {
      for await (const chunk of part.lines()) {
        const parsed: Parsed[] = [];
        for (const line of chunk) {
          if (line.trim() === '') continue;
          if (columns === undefined) {
            columns = binanceColumns(file, line);
            if (columns.header) continue;
          }
          parsed.push({ row: binanceRow(line, columns), raw: line });
        }
        if (unit === undefined) {
          pending.push(...parsed);
          if (pending.length < UNIT_SAMPLE_ROWS) continue;
          unit = decide(file, pending, onUnit);
          parsed.splice(0, parsed.length, ...pending);
          pending = [];
        }
        const u = unit;
        if (parsed.length > 0) yield parsed.map((p) => toEvent(p, u));
      }
    } catch (err) {
      // The rows before the damage still go in; the cut-off line is quarantined.
      if (!(err instanceof ReplayTruncatedError)) throw err;
      truncated = err;
      break;
    }
  }
  const rest = held();
  if (truncated && truncated.tail !== '') {
    const reason = `line ${truncated.line} (byte offset ${truncated.byteOffset}) is cut off: ${truncated.why}`;
    const code: ImportRowCode = 'FILE_TRUNCATED';
    rest.push({ kind: 'invalid', venue, raw: truncated.tail, code, reason });
  }
  if (rest.length > 0) yield rest;
  if (truncated) throw truncated;
}

/** The unit of `rows` (told to `onUnit`); with no parseable time at all, every row is bad anyway. */
function decide(file: string, rows: readonly Parsed[], onUnit: (choice: UnitChoice) => void): TimeUnit {
  const times = rows.flatMap(({ row }) => (row.ok ? [row.time] : []));
  if (times.length === 0) return 'ms';
  const unit = detectUnit(file, times);
  onUnit({ unit, how: 'detected' });
  return unit;
}
