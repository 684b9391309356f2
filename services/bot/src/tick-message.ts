import { decodeTick } from '@tickflow/bus';
import { isDecimalString, isValidSymbol } from '@tickflow/core';

/** The fields of a TICKS message the bot uses. */
export interface TickFields {
  venue: string;
  symbol: string;
  price: string;
  size: string;
  seq: number;
  ts: number;
}

/** Decodes one TICKS message for the bot; undefined for an unusable one (not JSON, or a bad field). */
export function tickFieldsOf(data: Uint8Array): TickFields | undefined {
  let t: {
    venue?: unknown;
    symbol?: unknown;
    price?: unknown;
    size?: unknown;
    seq?: unknown;
    ts?: unknown;
  };
  try {
    t = decodeTick(data) as typeof t;
  } catch {
    return undefined;
  }
  const { venue, symbol, price, size, seq, ts } = t;
  if (
    !isValidSymbol(symbol) ||
    !isDecimalString(price) ||
    !isDecimalString(size) ||
    typeof venue !== 'string' ||
    !Number.isSafeInteger(seq) ||
    !Number.isSafeInteger(ts)
  )
    return undefined;
  return t as TickFields; // checked field by field above; no copy on the tick path
}
