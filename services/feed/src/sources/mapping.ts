import { isDecimalString } from '@tickflow/core';
import type { SourceEvent } from './types.ts';

/**
 * Codes of `invalid` events produced by the exchange mappers. They end up in REJECTS next to the raw
 * text, so they are part of what operators grep for: extend, never rename.
 * - BAD_JSON: the frame is not JSON.
 * - UNKNOWN_MESSAGE: JSON, but not a message type the mapper knows.
 * - MISSING_FIELD: a field the trade needs is absent or has the wrong JSON type.
 * - BAD_FIELD: a field has the right type but an unusable value (non-decimal price, bad time...).
 * - BAD_SYMBOL: the venue's symbol cannot be spelled as one of ours.
 * - VENUE_ERROR: the venue itself reported an error.
 * - MAPPER_ERROR: the mapper threw (a bug): the frame is quarantined instead of crashing the feed.
 */
export type SourceErrorCode =
  | 'BAD_JSON'
  | 'UNKNOWN_MESSAGE'
  | 'MISSING_FIELD'
  | 'BAD_FIELD'
  | 'BAD_SYMBOL'
  | 'VENUE_ERROR'
  | 'MAPPER_ERROR';

/** A JSON object as parsed: values still unchecked. */
export type JsonObject = Record<string, unknown>;

/** Longest raw text kept in an invalid event: a REJECTS message must stay far below NATS' 1 MB limit. */
export const MAX_RAW_CHARS = 16_384;
/** Longest venue-provided string quoted in a reason. */
const MAX_QUOTED = 80;

/** Builds an `invalid` event; the raw text is clipped so one huge frame can't become a huge reject. */
export function invalidEvent(venue: string, raw: string, code: SourceErrorCode, reason: string): SourceEvent {
  const clipped = raw.length > MAX_RAW_CHARS;
  return {
    kind: 'invalid',
    venue,
    raw: clipped ? raw.slice(0, MAX_RAW_CHARS) : raw,
    code,
    reason: clipped ? `${reason} (raw text clipped from ${raw.length} chars)` : reason,
  };
}

/** True for a JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses JSON without throwing: the parsed value, or the parser's message. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, reason: `not JSON: ${quote(err instanceof Error ? err.message : String(err))}` };
  }
}

/** Quotes a venue-provided value for a reason string, clipped so reasons stay short. */
export function quote(value: unknown): string {
  const s = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return JSON.stringify(s.length > MAX_QUOTED ? `${s.slice(0, MAX_QUOTED)}…` : s);
}

/** Thrown inside a mapper to turn a bad field into an invalid event (caught by the mapper itself). */
export class FieldError extends Error {
  override name = 'FieldError';
  constructor(
    readonly code: SourceErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A decimal string field (price, size), kept exactly as the venue spelled it. */
export function decimalField(msg: JsonObject, key: string): string {
  const v = msg[key];
  if (typeof v !== 'string') throw new FieldError('MISSING_FIELD', `field ${key} must be a decimal string`);
  if (!isDecimalString(v)) throw new FieldError('BAD_FIELD', `field ${key} is not a decimal: ${quote(v)}`);
  return v;
}

const DIGITS = /^[0-9]{1,24}$/;

/** A venue trade id: a non-negative integer, as a number or a digit string (kept as its digits). */
export function idField(msg: JsonObject, key: string): string {
  const v = msg[key];
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return String(v);
  if (typeof v === 'string' && DIGITS.test(v)) return v;
  if (v === undefined) throw new FieldError('MISSING_FIELD', `field ${key} (trade id) is missing`);
  throw new FieldError('BAD_FIELD', `field ${key} is not a non-negative integer id: ${quote(v)}`);
}

/** A string field, required. */
export function stringField(msg: JsonObject, key: string): string {
  const v = msg[key];
  if (typeof v !== 'string') throw new FieldError('MISSING_FIELD', `field ${key} must be a string`);
  return v;
}
