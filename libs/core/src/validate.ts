import { isDecimalString } from './money.ts';
import { show } from './show.ts';
import { isValidSymbol, isValidVenue } from './symbols.ts';
import type { Micros } from './time.ts';
import { type Tick, WIRE_VERSION } from './types.ts';

/** Why a tick was refused. Stable strings: they are metric labels and the `code` of a rejected tick. */
export type TickErrorCode =
  | 'NOT_AN_OBJECT'
  | 'BAD_VERSION'
  | 'BAD_VENUE'
  | 'BAD_SYMBOL'
  | 'BAD_SEQ'
  | 'BAD_TIMESTAMP'
  | 'FUTURE_TIMESTAMP'
  | 'BAD_PRICE'
  | 'NON_POSITIVE_PRICE'
  | 'BAD_SIZE'
  | 'NEGATIVE_SIZE'
  | 'BAD_SIDE';

export class TickValidationError extends Error {
  override name = 'TickValidationError';
  constructor(
    readonly code: TickErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface TickValidationOptions {
  /** Current time, epoch microseconds; needed for the future-timestamp check. */
  now: Micros;
  /** How far ahead of `now` a tick's `ts` may be (clock skew tolerance). Default 5 s. */
  maxFutureMicros?: Micros;
}

export type TickValidation = { ok: true; tick: Tick } | { ok: false; error: TickValidationError };

const fail = (code: TickErrorCode, message: string) => new TickValidationError(code, message);

const isMicros = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x > 0;

/**
 * Checks an untrusted value against the v1 Tick contract. Returns the tick (re-built with only
 * contract fields) or a typed error; it never throws on bad input.
 */
export function validateTick(input: unknown, opts: TickValidationOptions): TickValidation {
  const error = tickError(input, opts);
  if (error) return { ok: false, error };
  const t = input as Tick;
  const tick: Tick = {
    v: WIRE_VERSION,
    venue: t.venue,
    symbol: t.symbol,
    seq: t.seq,
    ts: t.ts,
    price: t.price,
    size: t.size,
    recvTs: t.recvTs,
  };
  if (t.side !== undefined) tick.side = t.side;
  return { ok: true, tick };
}

/**
 * validateTick's checks alone: the error, or undefined when `input` keeps the contract. For a
 * caller that built the tick itself with only contract fields (the feed's hot path), so no copy.
 */
export function tickError(input: unknown, opts: TickValidationOptions): TickValidationError | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return fail('NOT_AN_OBJECT', 'tick must be a JSON object');
  }
  const t = input as Record<string, unknown>;
  if (t.v !== WIRE_VERSION) return fail('BAD_VERSION', `unsupported version ${show(t.v)}`);
  if (!isValidVenue(t.venue)) return fail('BAD_VENUE', `bad venue ${show(t.venue)}`);
  if (!isValidSymbol(t.symbol)) return fail('BAD_SYMBOL', `bad symbol ${show(t.symbol)}`);
  if (typeof t.seq !== 'number' || !Number.isSafeInteger(t.seq) || t.seq < 1) {
    return fail('BAD_SEQ', `seq must be a positive integer, got ${show(t.seq)}`);
  }
  if (!isMicros(t.ts)) return fail('BAD_TIMESTAMP', `ts must be epoch microseconds, got ${show(t.ts)}`);
  if (!isMicros(t.recvTs)) {
    return fail('BAD_TIMESTAMP', `recvTs must be epoch microseconds, got ${show(t.recvTs)}`);
  }
  const maxFuture = opts.maxFutureMicros ?? 5_000_000;
  if (t.ts > opts.now + maxFuture) {
    return fail('FUTURE_TIMESTAMP', `ts ${t.ts} is ${((t.ts - opts.now) / 1e6).toFixed(3)} s in the future`);
  }
  if (!isDecimalString(t.price))
    return fail('BAD_PRICE', `price must be a decimal string, got ${show(t.price)}`);
  if (!/[1-9]/.test(t.price) || t.price.startsWith('-')) {
    return fail('NON_POSITIVE_PRICE', `price must be positive, got ${t.price}`);
  }
  if (!isDecimalString(t.size)) return fail('BAD_SIZE', `size must be a decimal string, got ${show(t.size)}`);
  if (t.size.startsWith('-')) return fail('NEGATIVE_SIZE', `size must be >= 0 and unsigned, got ${t.size}`);
  if (t.side !== undefined && t.side !== 'buy' && t.side !== 'sell') {
    return fail('BAD_SIDE', `side must be "buy" or "sell", got ${show(t.side)}`);
  }
  return undefined;
}
