import { TICK_COLUMN_FIELDS, TICK_JSON_KEYS, WIRE_VERSION } from '@tickflow/core';
import type { LineBuffer } from './line-buffer.ts';

/**
 * The archiver's fast path for ticks: a TICKS message in the feed's fixed layout (libs/core
 * tick-wire.ts: `{"v":1,"venue":"…","symbol":"…","seq":…,"ts":…,"price":"…","size":"…",
 * ["side":"…",]"recvTs":…}`) is checked and copied into its CSV line byte for byte, with no tick
 * object and no string per field or line: at 150,000+ ticks/s the garbage those made was a fifth
 * of the archiver's time. A message it accepts is one `validateTick` accepts, and the line is the
 * one `tickCsvLine` makes (a property test holds the two paths together). Anything else — another
 * field order, whitespace, escapes, a sign — is left to the general path, which decides.
 */

const QUOTE = 34;
const COMMA = 44;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const ZERO = 48;
const NINE = 57;
const DOT = 46;
const DASH = 45;
const NEWLINE = 10;
const UNDERSCORE = 95;
const LOWER_A = 97;
const LOWER_Z = 122;
const UPPER_A = 65;
const UPPER_Z = 90;
/** isDecimalString's length limit. */
const MAX_DECIMAL = 64;

/**
 * [start, end) of each CSV field's bytes in the message: the field's column index (after
 * stream_seq) in the layout, times two; the version, not a column, is read into the last pair.
 */
const spanOf = Object.fromEntries(TICK_COLUMN_FIELDS.map((f, i) => [f.name, 2 * i])) as Record<
  (typeof TICK_COLUMN_FIELDS)[number]['name'],
  number
>;
const COLUMN_SPANS = 2 * TICK_COLUMN_FIELDS.length;
const SCRATCH = COLUMN_SPANS;
const spans = new Int32Array(COLUMN_SPANS + 2);
const { venue: VENUE, symbol: SYMBOL, seq: SEQ, ts: TS, price: PRICE, size: SIZE, side: SIDE } = spanOf;
const RECV_TS = spanOf.recvTs;
/** The layout's keys (`"venue":` …) as bytes. */
const K = TICK_JSON_KEYS;
/** Where the last field read ended. */
let end = 0;

const isDigit = (c: number) => c >= ZERO && c <= NINE;
const isUpperAlnum = (c: number) => (c >= UPPER_A && c <= UPPER_Z) || isDigit(c);

/** A key's bytes at `pos`: the position after them (after the colon), or -1. */
function key(d: Uint8Array, pos: number, bytes: Uint8Array): number {
  const n = bytes.length;
  for (let i = 0; i < n; i++) if (d[pos + i] !== bytes[i]) return -1;
  return pos + n;
}

/** A positive JSON integer (no sign, no leading zero) that is a safe integer, or -1. */
function positiveInt(d: Uint8Array, pos: number, slot: number): number {
  let value = 0;
  let i = pos;
  for (; i < d.length && isDigit(d[i] as number); i++) value = value * 10 + ((d[i] as number) - ZERO);
  if (i === pos || d[pos] === ZERO || !Number.isSafeInteger(value)) return -1;
  spans[slot] = pos;
  spans[slot + 1] = i;
  end = i;
  return value;
}

/** A quoted venue, `[a-z0-9_]{1,32}`; false if not. */
function venue(d: Uint8Array, pos: number): boolean {
  if (d[pos] !== QUOTE) return false;
  let i = pos + 1;
  for (; i < d.length; i++) {
    const c = d[i] as number;
    if (!((c >= LOWER_A && c <= LOWER_Z) || isDigit(c) || c === UNDERSCORE)) break;
  }
  const n = i - pos - 1;
  if (n < 1 || n > 32 || d[i] !== QUOTE) return false;
  return quoted(pos, i, VENUE);
}

/** A quoted symbol, `[A-Z0-9]{1,20}(-[A-Z0-9]{1,20})?`; false if not. */
function symbol(d: Uint8Array, pos: number): boolean {
  if (d[pos] !== QUOTE) return false;
  let i = pos + 1;
  while (i < d.length && isUpperAlnum(d[i] as number)) i++;
  const base = i - pos - 1;
  if (base < 1 || base > 20) return false;
  if (d[i] === DASH) {
    const from = ++i;
    while (i < d.length && isUpperAlnum(d[i] as number)) i++;
    if (i === from || i - from > 20) return false;
  }
  if (d[i] !== QUOTE) return false;
  return quoted(pos, i, SYMBOL);
}

/** A quoted unsigned decimal, `\d+(\.\d+)?` of at most 64 characters; `positive`: not all zeros. */
function decimal(d: Uint8Array, pos: number, slot: number, positive: boolean): boolean {
  if (d[pos] !== QUOTE) return false;
  let i = pos + 1;
  let nonZero = false;
  for (; i < d.length && isDigit(d[i] as number); i++) if (d[i] !== ZERO) nonZero = true;
  if (i === pos + 1) return false;
  if (d[i] === DOT) {
    const from = ++i;
    for (; i < d.length && isDigit(d[i] as number); i++) if (d[i] !== ZERO) nonZero = true;
    if (i === from) return false;
  }
  if (d[i] !== QUOTE || i - pos - 1 > MAX_DECIMAL || (positive && !nonZero)) return false;
  return quoted(pos, i, slot);
}

/** Exactly `"buy"` or `"sell"`. */
function side(d: Uint8Array, pos: number): boolean {
  if (d[pos] !== QUOTE) return false;
  const buy = d[pos + 1] === 98 && d[pos + 2] === 117 && d[pos + 3] === 121 && d[pos + 4] === QUOTE;
  const sell =
    d[pos + 1] === 115 &&
    d[pos + 2] === 101 &&
    d[pos + 3] === 108 &&
    d[pos + 4] === 108 &&
    d[pos + 5] === QUOTE;
  if (!buy && !sell) return false;
  return quoted(pos, pos + (buy ? 4 : 5), SIDE);
}

/** Records a quoted value's span (without the quotes; `close` is the closing quote). */
function quoted(open: number, close: number, slot: number): true {
  spans[slot] = open + 1;
  spans[slot + 1] = close;
  end = close + 1;
  return true;
}

/**
 * Checks a message against the feed's fixed tick layout and the tick contract; returns the tick's
 * `ts` (epoch µs), or -1 when the general path must decide. `writeScannedTick` then writes the
 * line of the message scanned last. No future-timestamp check: the archiver keeps every tick the
 * feed published, as the general path does with `now` at infinity.
 */
export function scanTickLayout(d: Uint8Array): number {
  if (d[0] !== OPEN_BRACE) return -1;
  let p = key(d, 1, K.v);
  if (p < 0 || positiveInt(d, p, SCRATCH) !== WIRE_VERSION || d[end] !== COMMA) return -1;
  p = key(d, end + 1, K.venue);
  if (p < 0 || !venue(d, p) || d[end] !== COMMA) return -1;
  p = key(d, end + 1, K.symbol);
  if (p < 0 || !symbol(d, p) || d[end] !== COMMA) return -1;
  p = key(d, end + 1, K.seq);
  if (p < 0 || positiveInt(d, p, SEQ) < 0 || d[end] !== COMMA) return -1;
  p = key(d, end + 1, K.ts);
  const ts = p < 0 ? -1 : positiveInt(d, p, TS);
  if (ts < 0 || d[end] !== COMMA) return -1;
  p = key(d, end + 1, K.price);
  if (p < 0 || !decimal(d, p, PRICE, true) || d[end] !== COMMA) return -1;
  p = key(d, end + 1, K.size);
  if (p < 0 || !decimal(d, p, SIZE, false) || d[end] !== COMMA) return -1;
  spans[SIDE] = spans[SIDE + 1] = 0;
  p = key(d, end + 1, K.side);
  if (p >= 0 && (!side(d, p) || d[end] !== COMMA)) return -1;
  p = key(d, end + 1, K.recvTs);
  if (p < 0 || positiveInt(d, p, RECV_TS) < 0 || d[end] !== CLOSE_BRACE || end + 1 !== d.length) return -1;
  return ts;
}

/** Appends the CSV line of the message `scanTickLayout` accepted last (the same bytes). */
export function writeScannedTick(out: LineBuffer, streamSeq: number, d: Uint8Array): void {
  let digits = 1;
  for (let x = streamSeq; x >= 10; x = Math.floor(x / 10)) digits++;
  let length = digits + COLUMN_SPANS / 2 + 1; // a comma before each column, the newline
  for (let s = 0; s < COLUMN_SPANS; s += 2) length += (spans[s + 1] as number) - (spans[s] as number);
  const buf = out.reserve(length);
  let p = out.length + digits;
  for (let x = streamSeq, i = p - 1; i >= out.length; i--, x = Math.floor(x / 10)) buf[i] = ZERO + (x % 10);
  for (let s = 0; s < COLUMN_SPANS; s += 2) {
    buf[p++] = COMMA;
    for (let k = spans[s] as number; k < (spans[s + 1] as number); k++) buf[p++] = d[k] as number;
  }
  buf[p++] = NEWLINE;
  out.length = p;
}
