const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class DecodeError extends Error {
  override name = 'DecodeError';
  constructor(
    readonly raw: string,
    options?: { cause?: unknown },
  ) {
    super(`not valid JSON: ${raw.length > 200 ? `${raw.slice(0, 200)}…` : raw}`, options);
  }
}

/** JSON codec for the v1 contracts. */
export function encode(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/** Decodes JSON; throws DecodeError (with the raw text) on bad input. Callers validate the shape. */
export function decode(data: Uint8Array): unknown {
  const raw = decoder.decode(data);
  try {
    return JSON.parse(raw);
  } catch (cause) {
    throw new DecodeError(raw, { cause });
  }
}

export function decodeText(data: Uint8Array): string {
  return decoder.decode(data);
}

/** A tick's fields in the order `encodeValidTick` writes them (and `decodeTick` reads them). */
export interface RawTick {
  v: number;
  venue: string;
  symbol: string;
  seq: number;
  ts: number;
  price: string;
  size: string;
  side?: string;
  recvTs: number;
}

/**
 * Fast path for a tick that `validateTick` accepted: every string field is then a plain ASCII
 * token (venue, symbol, decimal strings, side), so the JSON can be assembled without escaping and
 * encoded as latin1 (identical to UTF-8 for ASCII). Produces exactly `JSON.stringify(tick)`.
 */
export function encodeValidTick(t: RawTick): Uint8Array {
  const side = t.side === undefined ? '' : `,"side":"${t.side}"`;
  return Buffer.from(
    `{"v":${t.v},"venue":"${t.venue}","symbol":"${t.symbol}","seq":${t.seq},"ts":${t.ts},"price":"${t.price}","size":"${t.size}"${side},"recvTs":${t.recvTs}}`,
    'latin1',
  );
}
