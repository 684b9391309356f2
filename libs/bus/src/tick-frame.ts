import { TICK_JSON_BEFORE, TICK_JSON_END, type WireTick } from '@tickflow/core';

/**
 * A validated tick's whole HPUB frame written byte by byte into a chunk, with no string built on
 * the way: the same bytes as `HPUB …` around `validTickJson(t)` (a test holds the two equal), at a
 * fraction of the garbage (the feed allocated ~2.6 KB a tick, most of it the JSON's and the
 * frame's intermediate strings). Precondition as validTickJson's: every string field is ASCII.
 */
const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const HPUB = ascii('HPUB ');
/** A message's header up to its id, as FrameWriter.text writes it too. */
export const MSG_ID_HEADER_HEAD = 'NATS/1.0\r\nNats-Msg-Id: ';
const HEADER_HEAD = ascii(MSG_ID_HEADER_HEAD);
const HEADER_END = ascii('\r\n\r\n');
const B = {
  v: ascii(TICK_JSON_BEFORE.v),
  venue: ascii(TICK_JSON_BEFORE.venue),
  symbol: ascii(TICK_JSON_BEFORE.symbol),
  seq: ascii(TICK_JSON_BEFORE.seq),
  ts: ascii(TICK_JSON_BEFORE.ts),
  price: ascii(TICK_JSON_BEFORE.price),
  size: ascii(TICK_JSON_BEFORE.size),
  side: ascii(TICK_JSON_BEFORE.side),
  recvTs: ascii(TICK_JSON_BEFORE.recvTs),
  end: ascii(TICK_JSON_END),
};
/** The JSON's fixed text: every field's lead-in and the end (the side's only when it has one). */
const FIXED = B.v.length + B.venue.length + B.symbol.length + B.seq.length + B.ts.length + B.price.length;
const FIXED_REST = B.size.length + B.recvTs.length + B.end.length;
const HEADER_FIXED = HEADER_HEAD.length + HEADER_END.length;

/** 10^1 … 10^16: every safe integer is below the last. */
const POWERS = Array.from({ length: 16 }, (_, i) => 10 ** (i + 1));

/** Decimal digits of a safe non-negative integer (compared with exact powers of ten). */
function digits(n: number): number {
  let d = 1;
  while (d < 16 && n >= (POWERS[d - 1] as number)) d++;
  return d;
}

const countable = (n: number) => Number.isSafeInteger(n) && n >= 0;

/** Whether `tickFrameSize` and `writeTickFrame` take this tick (integers as the contract has them). */
export const writableTick = (t: WireTick): boolean =>
  countable(t.v) && countable(t.seq) && countable(t.ts) && countable(t.recvTs);

/** The payload's length, and the frame's (`HPUB` line, header, payload, CRLF). */
export function tickFrameSize(
  subject: string,
  msgId: string,
  t: WireTick,
): { payload: number; frame: number; hlen: number } {
  const payload =
    FIXED +
    FIXED_REST +
    digits(t.v) +
    t.venue.length +
    t.symbol.length +
    digits(t.seq) +
    digits(t.ts) +
    t.price.length +
    t.size.length +
    (t.side === undefined ? 0 : B.side.length + t.side.length) +
    digits(t.recvTs);
  const hlen = HEADER_FIXED + msgId.length;
  const line = HPUB.length + subject.length + 1 + digits(hlen) + 1 + digits(hlen + payload) + 2;
  return { payload, frame: line + hlen + payload + 2, hlen };
}

/** Writes the frame at `at`; returns where the payload starts (relative to `at`). */
export function writeTickFrame(
  buf: Uint8Array,
  at: number,
  subject: string,
  msgId: string,
  t: WireTick,
  size: { payload: number; hlen: number },
): number {
  let p = put(buf, at, HPUB);
  p = text(buf, p, subject);
  buf[p++] = 32;
  p = int(buf, p, size.hlen);
  buf[p++] = 32;
  p = int(buf, p, size.hlen + size.payload);
  buf[p++] = 13;
  buf[p++] = 10;
  p = put(buf, p, HEADER_HEAD);
  p = text(buf, p, msgId);
  p = put(buf, p, HEADER_END);
  const dataStart = p - at;
  p = int(buf, put(buf, p, B.v), t.v);
  p = text(buf, put(buf, p, B.venue), t.venue);
  p = text(buf, put(buf, p, B.symbol), t.symbol);
  p = int(buf, put(buf, p, B.seq), t.seq);
  p = int(buf, put(buf, p, B.ts), t.ts);
  p = text(buf, put(buf, p, B.price), t.price);
  p = text(buf, put(buf, p, B.size), t.size);
  if (t.side !== undefined) p = text(buf, put(buf, p, B.side), t.side);
  p = int(buf, put(buf, p, B.recvTs), t.recvTs);
  p = put(buf, p, B.end);
  buf[p++] = 13;
  buf[p] = 10;
  return dataStart;
}

function put(buf: Uint8Array, p: number, bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) buf[p + i] = bytes[i] as number;
  return p + bytes.length;
}

function text(buf: Uint8Array, p: number, s: string): number {
  for (let i = 0; i < s.length; i++) buf[p + i] = s.charCodeAt(i);
  return p + s.length;
}

function int(buf: Uint8Array, p: number, n: number): number {
  const end = p + digits(n);
  let i = end - 1;
  while (n >= 10) {
    // Exact up to 2^53: `%` of a safe integer is, and so is the division of a multiple of 10.
    const d = n % 10;
    buf[i--] = 48 + d;
    n = (n - d) / 10;
  }
  buf[i] = 48 + n;
  return end;
}
