import { isCalendarDate } from '@tickflow/core';
import type { Field } from './config.ts';

/** A value a field's parse refuses; resolveConfig lists its message with where the value came from. */
class ValueError extends Error {}

type Common<T> = { flag: string; env?: string; description: string; default: T };

export function int(o: Common<number> & { min?: number; max?: number }): Field<number> {
  return {
    ...o,
    valueName: '<n>',
    parse(raw) {
      if (!/^-?\d+$/.test(raw.trim()))
        throw new ValueError(`expected an integer, got ${JSON.stringify(raw)}`);
      const n = Number(raw);
      if (!Number.isSafeInteger(n)) throw new ValueError(`integer out of range, got ${raw}`);
      return inRange(n, o.min, o.max);
    },
  };
}

export function num(o: Common<number> & { min?: number; max?: number }): Field<number> {
  return {
    ...o,
    valueName: '<x>',
    parse(raw) {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n))
        throw new ValueError(`expected a number, got ${JSON.stringify(raw)}`);
      return inRange(n, o.min, o.max);
    },
  };
}

export function str(o: Common<string> & { pattern?: RegExp; hint?: string }): Field<string> {
  return {
    ...o,
    valueName: '<value>',
    parse(raw) {
      if (o.pattern && !o.pattern.test(raw))
        throw new ValueError(`expected ${o.hint ?? o.pattern}, got ${JSON.stringify(raw)}`);
      return raw;
    },
  };
}

/** A string setting with no default (undefined until given). */
export function optionalStr(
  o: Omit<Common<undefined>, 'default'> & { pattern?: RegExp; hint?: string },
): Field<string | undefined> {
  return { ...str({ ...o, default: '' }), default: undefined };
}

/**
 * A UTC calendar date, YYYY-MM-DD, with no default: `2026-02-30` or `2026-13-45` is refused here,
 * before a command opens anything with it.
 */
export function optionalDate(o: Omit<Common<undefined>, 'default'>): Field<string | undefined> {
  return {
    ...o,
    default: undefined,
    valueName: '<YYYY-MM-DD>',
    parse(raw) {
      if (!isCalendarDate(raw))
        throw new ValueError(`expected a calendar date YYYY-MM-DD, got ${JSON.stringify(raw)}`);
      return raw;
    },
  };
}

export function choice<const C extends readonly string[]>(
  o: Common<C[number]> & { choices: C },
): Field<C[number]> {
  return {
    ...o,
    valueName: `<${o.choices.join('|')}>`,
    parse(raw) {
      if (!o.choices.includes(raw))
        throw new ValueError(`expected one of ${o.choices.join(', ')}, got ${JSON.stringify(raw)}`);
      return raw;
    },
  };
}

export function url(o: Common<string> & { protocols: readonly string[] }): Field<string> {
  return {
    ...o,
    valueName: '<url>',
    parse(raw) {
      checkUrl(raw, o.protocols);
      return raw;
    },
  };
}

/**
 * One URL or several, comma-separated (the seed servers of a NATS cluster), each checked as `url`
 * does. The value stays the comma-separated text, blanks around the commas removed.
 */
export function urlList(o: Common<string> & { protocols: readonly string[] }): Field<string> {
  return {
    ...o,
    valueName: '<url[,url...]>',
    parse(raw) {
      const list = raw.split(',').map((s) => s.trim());
      if (list.some((s) => s === ''))
        throw new ValueError(`expected comma-separated URLs, got ${shownUrl(raw)}`);
      for (const one of list) checkUrl(one, o.protocols);
      return list.join(',');
    },
  };
}

// A URL may carry a password or token (nats://user:pass@host): never repeat it.
function shownUrl(raw: string): string {
  return JSON.stringify(
    raw.replace(/\/\/([^:@/,]*):[^@/,]*@/g, '//$1:***@').replace(/\/\/[^:@/,]+@/g, '//***@'),
  );
}

function checkUrl(raw: string, protocols: readonly string[]): void {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ValueError(`expected a URL, got ${shownUrl(raw)}`);
  }
  if (!protocols.includes(u.protocol.replace(/:$/, '')))
    throw new ValueError(`expected a ${protocols.join('/')} URL, got ${shownUrl(raw)}`);
}

export function bool(o: Common<boolean>): Field<boolean> {
  return {
    ...o,
    parse(raw) {
      const v = raw.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(v)) return true;
      if (['0', 'false', 'no', 'off'].includes(v)) return false;
      throw new ValueError(`expected true or false, got ${JSON.stringify(raw)}`);
    },
  };
}

function inRange(n: number, min?: number, max?: number): number {
  if (min !== undefined && n < min) throw new ValueError(`must be >= ${min}, got ${n}`);
  if (max !== undefined && n > max) throw new ValueError(`must be <= ${max}, got ${n}`);
  return n;
}
