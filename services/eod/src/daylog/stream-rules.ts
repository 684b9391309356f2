import { decode, decodeTick, type StreamName } from '@tickflow/bus';
import {
  type Decision,
  decisionProblem,
  type Fill,
  fillProblem,
  type RejectedTick,
  rejectProblem,
  TICK_COLUMN_FIELDS,
  TICK_FIELDS,
  type Tick,
  tickColumnType,
  validateTick,
} from '@tickflow/core';
import type { DayLoader, TableName } from '@tickflow/history';
import { TICK_CSV_HEADER, TICK_CSV_READ_OPTIONS, tickCsvLine } from './tick-csv.ts';

/**
 * Everything eod knows of a stream it keeps, in one place: the table it loads into, how a message
 * is decoded and checked, the exchange-time field that puts it in a date, and how the day log
 * writes and reads it. `eod run` (collect.ts), `eod archive` (log-archiver.ts, log-line.ts) and
 * `eod run --from-log` (log-loader.ts) all follow these, so they agree on every message.
 * Methods, not function properties: a `StreamRules<Tick>` is then a `StreamRules` too.
 */
export interface StreamRules<T = unknown> {
  readonly stream: StreamName;
  readonly table: TableName;
  /** The decoded message; throws DecodeError on bad JSON. */
  decode(data: Uint8Array): unknown;
  /** The message as its contract allows it (a tick rebuilt with its fields only), or undefined. */
  valid(value: unknown): T | undefined;
  /** The field holding the exchange time (epoch µs) that puts a message in its date. */
  readonly timeField: string;
  /** Appends a valid message to the loader's staging table. */
  load(loader: DayLoader, value: T, streamSeq: number): void;
  /** Day-log NDJSON segments (each message's JSON with `stream_seq`): read_json types, staged columns. */
  readonly ndjson: { readonly columns: string; readonly select: string };
  /** Streams the day log keeps as CSV instead (ticks: most of a day's rows). */
  readonly csv?: {
    readonly header: string;
    readonly readOptions: string;
    /** The CSV column of the exchange time. */
    readonly timeColumn: string;
    line(streamSeq: number, value: T): string;
  };
}

/** Checks at compile time that the time field is a field of the message. */
const rules = <T>(r: StreamRules<T> & { timeField: keyof T & string }): StreamRules<T> => r;

/** A valid message's exchange time, epoch µs: its `timeField`. */
export const exchangeTime = <T>(r: StreamRules<T>, value: T): number =>
  (value as Record<string, unknown>)[r.timeField] as number;

/** The contract's checks as a `valid`: the message itself, or undefined with a problem. */
const unless =
  <T>(problem: (value: Partial<T> | null) => string | undefined) =>
  (value: unknown): T | undefined =>
    problem(value as T) === undefined ? (value as T) : undefined;

export const TICKS = rules<Tick>({
  stream: 'TICKS',
  table: 'ticks',
  // Ticks are most of the day: their fixed layout is read straight from the bytes.
  decode: decodeTick,
  // No future-timestamp check: the day keeps every tick the feed published.
  valid: (value) => {
    const checked = validateTick(value, { now: Number.MAX_SAFE_INTEGER });
    return checked.ok ? checked.tick : undefined;
  },
  timeField: 'ts',
  load: (loader, tick, streamSeq) => loader.tick(tick, streamSeq),
  // As archivers before 2026-11-25 wrote them; still read.
  ndjson: {
    columns: `{stream_seq: 'BIGINT', ${TICK_COLUMN_FIELDS.map((f) => `${f.name}: '${tickColumnType(f)}'`).join(', ')}}`,
    select: `${TICK_COLUMN_FIELDS.map((f) => (f.name === f.column ? f.name : `${f.name} AS ${f.column}`)).join(', ')}, stream_seq`,
  },
  csv: {
    header: TICK_CSV_HEADER,
    readOptions: TICK_CSV_READ_OPTIONS,
    timeColumn: TICK_FIELDS.find((f) => f.name === 'ts')?.column as string,
    line: tickCsvLine,
  },
});

export const REJECTS = rules<RejectedTick>({
  stream: 'REJECTS',
  table: 'rejects',
  decode,
  valid: unless<RejectedTick>(rejectProblem),
  timeField: 'at',
  load: (loader, reject, streamSeq) => loader.reject(reject, streamSeq),
  ndjson: {
    columns: `{stream_seq: 'BIGINT', venue: 'VARCHAR', code: 'VARCHAR', reason: 'VARCHAR', raw: 'VARCHAR', "at": 'BIGINT'}`,
    select: 'venue, code, reason, raw, "at" AS rejected_at, stream_seq',
  },
});

export const DECISIONS = rules<Decision>({
  stream: 'DECISIONS',
  table: 'decisions',
  decode,
  valid: unless<Decision>(decisionProblem),
  timeField: 'tickTs',
  load: (loader, decision, streamSeq) => loader.decision(decision, streamSeq),
  ndjson: {
    columns: `{stream_seq: 'BIGINT', id: 'VARCHAR', strategy: 'VARCHAR', venue: 'VARCHAR', symbol: 'VARCHAR',
      action: 'VARCHAR', qty: 'VARCHAR', refPrice: 'VARCHAR', tickSeq: 'BIGINT', tickTs: 'BIGINT',
      decidedAt: 'BIGINT', reason: 'VARCHAR', indicators: 'JSON'}`,
    select: `id, strategy, venue, symbol, action, qty, refPrice AS ref_price, tickSeq AS tick_seq,
      tickTs AS tick_ts, decidedAt AS decided_at, reason, coalesce(indicators::VARCHAR, '{}') AS indicators, stream_seq`,
  },
});

export const FILLS = rules<Fill>({
  stream: 'FILLS',
  table: 'fills',
  decode,
  valid: unless<Fill>(fillProblem),
  timeField: 'ts',
  load: (loader, fill, streamSeq) => loader.fill(fill, streamSeq),
  ndjson: {
    columns: `{stream_seq: 'BIGINT', id: 'VARCHAR', decisionId: 'VARCHAR', symbol: 'VARCHAR', side: 'VARCHAR',
      qty: 'VARCHAR', price: 'VARCHAR', fee: 'VARCHAR', ts: 'BIGINT'}`,
    select: 'id, decisionId AS decision_id, symbol, side, qty, price, fee, ts, stream_seq',
  },
});

/** The streams eod keeps, in the order it reads them (ORDERS is not kept: nothing reports on it). */
export const KEPT_STREAMS: readonly StreamRules[] = [TICKS, REJECTS, DECISIONS, FILLS];

/** The streams `eod archive` writes to the day log. */
export const LOG_STREAMS: readonly StreamName[] = KEPT_STREAMS.map((r) => r.stream);
