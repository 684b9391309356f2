import type { Micros } from '@tickflow/core';

/** Outcome of {@link parseTimestamp}: exact epoch microseconds, or why the value is not a timestamp. */
export type TimestampParse = { ok: true; micros: Micros } | { ok: false; reason: string };

/** Unsigned decimal number: integer part, optional fraction. No sign, no exponent. */
const NUMERIC = /^(\d+)(?:\.(\d+))?$/;
/**
 * ISO-8601 extended date-time: `T`, `t` or a space between date and time (CSV exports often use a
 * space), optional fraction after `.` or `,`, optional zone `Z` / `±HH` / `±HH:MM` / `±HHMM`.
 */
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;
/** Anything longer is not a timestamp; the cap keeps a garbage cell from costing a regex scan. */
const MAX_CHARS = 64;

const fail = (reason: string): TimestampParse => ({ ok: false, reason });

/**
 * `digits` (a fraction's digits) as an integer count of `1 / 10^places` units, exactly: e.g.
 * `fractionUnits('25', 6)` is 250000. Digits past `places` must all be zero (an exact value with
 * trailing zeros, like a nanosecond string ending in `000`); otherwise the value has precision we
 * cannot keep, and the result is undefined rather than silently rounded.
 */
function fractionUnits(digits: string | undefined, places: number): number | undefined {
  if (!digits) return 0;
  if (digits.length > places && !/^0*$/.test(digits.slice(places))) return undefined;
  return Number(digits.slice(0, places).padEnd(places, '0'));
}

function parseNumeric(intPart: string, frac: string | undefined): TimestampParse {
  const n = intPart.length;
  // The digit count tells the unit: 10 digits is seconds (2001–2286), 13 ms, 16+ µs. Anything in
  // between is ambiguous (or a different epoch), and guessing would shift ticks by 1000×.
  const places = n >= 16 ? 0 : n === 13 ? 3 : n === 10 ? 6 : -1;
  if (places < 0) return fail(`${n}-digit number is not epoch seconds (10), ms (13) or µs (16+ digits)`);
  const sub = fractionUnits(frac, places);
  if (sub === undefined) return fail('fraction finer than a microsecond');
  // Both terms are exact integers, so the result is exact whenever it is a safe integer; a product
  // beyond 2^53 rounds to ≥ 2^53, which the check below refuses.
  const micros = Number(intPart) * 10 ** places + sub;
  return Number.isSafeInteger(micros) ? { ok: true, micros } : fail('beyond the safe integer range');
}

/** Start of the last date parsed: replay files repeat one date on every row. */
let lastDate = '';
let lastDateMs = 0;

function dayStartMs(y: number, m: number, d: number, key: string): number | undefined {
  if (key === lastDate) return lastDateMs;
  if (m < 1 || m > 12 || d < 1 || d > 31) return undefined;
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(y, m - 1, d);
  if (date.getUTCDate() !== d) return undefined; // e.g. 02-30 rolled over into March
  lastDate = key;
  lastDateMs = date.getTime();
  return lastDateMs;
}

function parseIso(m: RegExpExecArray, text: string): TimestampParse {
  const [, y, mo, d, h, mi, s, frac, , sign, oh, om] = m;
  const dayMs = dayStartMs(Number(y), Number(mo), Number(d), text.slice(0, 10));
  if (dayMs === undefined) return fail('not a calendar date');
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  // Leap seconds (:60) and 24:00 have no epoch value of their own: refuse rather than guess.
  if (hour > 23 || minute > 59 || second > 59) return fail('time of day out of range');
  let offsetMin = 0;
  if (sign) {
    const offH = Number(oh);
    const offM = Number(om ?? '0');
    if (offH > 23 || offM > 59) return fail('zone offset out of range');
    offsetMin = (sign === '-' ? -1 : 1) * (offH * 60 + offM);
  }
  const sub = fractionUnits(frac, 6);
  if (sub === undefined) return fail('fraction finer than a microsecond');
  // All integer arithmetic in ms, then µs: exact, no float fraction ever enters.
  const ms = dayMs + ((hour * 60 + minute - offsetMin) * 60 + second) * 1000;
  const micros = ms * 1000 + sub;
  if (!Number.isSafeInteger(micros) || micros < 0) return fail('outside 1970–2255');
  return { ok: true, micros };
}

/**
 * Parses one timestamp cell exactly to epoch microseconds; never throws.
 *
 * - Unsigned numbers, unit by integer digits: 16 or more → µs, 13 → ms, 10 → s. Ms and s may have
 *   a fraction (up to 3 and 6 digits; further digits only if zero); the micros come from the digits,
 *   never from float arithmetic on the fraction.
 * - ISO-8601 date-times with up to 6 fraction digits (more only if zero); no zone means UTC, so a
 *   replay never depends on the machine's time zone.
 * - JSON numbers are read through their shortest string form (`1795444200.5`); exponent forms,
 *   negatives, booleans and everything else are refused with a reason.
 */
export function parseTimestamp(value: unknown): TimestampParse {
  let text: string;
  if (typeof value === 'string') text = value.trim();
  else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
  else return fail(`not a string or number (${value === null ? 'null' : typeof value})`);
  if (text === '') return fail('empty');
  if (text.length > MAX_CHARS) return fail('too long');
  const num = NUMERIC.exec(text);
  if (num) return parseNumeric(num[1] as string, num[2]);
  const iso = ISO.exec(text);
  if (iso) return parseIso(iso, text);
  return fail('neither epoch s/ms/µs nor ISO-8601');
}
