import { isValidSymbol } from '@tickflow/core';
import { type Static, Type } from 'typebox';
import { Compile } from 'typebox/compile';

const Symbols = Type.Union([Type.Literal('*'), Type.Array(Type.String({ maxLength: 41 }))]);

/** What a /v1/stream client may send: subscribe and/or unsubscribe, `"*"` or a list of symbols. */
export const ClientMessage = Type.Object(
  { subscribe: Type.Optional(Symbols), unsubscribe: Type.Optional(Symbols) },
  { additionalProperties: false, minProperties: 1 },
);
export type ClientMessage = Static<typeof ClientMessage>;

const validator = Compile(ClientMessage);

export const USAGE = 'send {"subscribe":["BTC-USD"]} or {"subscribe":"*"} (or the same with "unsubscribe")';

/** Why a client's frame was refused: the `reason` label of tickflow_signals_ws_rejected_total. */
export type RejectReason =
  | 'binary'
  | 'not_json'
  | 'bad_shape'
  | 'bad_symbol'
  | 'too_many_subscriptions'
  | 'too_large'
  | 'bad_frame'
  | 'internal';

export interface Rejection {
  reason: RejectReason;
  /** The `code` of the error frame the client gets. */
  code: 'BAD_MESSAGE' | 'TOO_MANY_SUBSCRIPTIONS' | 'INTERNAL';
  message: string;
}

export const reject = (reason: RejectReason, message: string): Rejection => ({
  reason,
  code:
    reason === 'too_many_subscriptions'
      ? 'TOO_MANY_SUBSCRIPTIONS'
      : reason === 'internal'
        ? 'INTERNAL'
        : 'BAD_MESSAGE',
  message,
});

/** A frame as `ws` hands it over (Buffer, ArrayBuffer or fragments), or text (tests). */
export type Frame = string | Buffer | ArrayBuffer | Buffer[];

const text = (data: Frame): string =>
  typeof data === 'string'
    ? data
    : Array.isArray(data)
      ? Buffer.concat(data).toString('utf8')
      : Buffer.from(data as ArrayBuffer).toString('utf8');

/**
 * Parses and validates one client frame against ClientMessage. Never throws: anything that is not
 * a valid message (binary, not JSON, `null`, `42`, `[]`, unknown keys, malformed symbols) comes
 * back as a Rejection the hub answers with an error frame.
 */
export function parseClientMessage(data: Frame, isBinary: boolean): ClientMessage | Rejection {
  if (isBinary) return reject('binary', `binary frames are not accepted: ${USAGE}`);
  let value: unknown;
  try {
    value = JSON.parse(text(data));
  } catch {
    return reject('not_json', `not JSON: ${USAGE}`);
  }
  if (!validator.Check(value)) {
    const first = validator.Errors(value)[0];
    const where = first?.instancePath ? ` at ${first.instancePath}` : '';
    return reject('bad_shape', `not a stream message${where}: ${USAGE}`);
  }
  const bad = [value.subscribe, value.unsubscribe]
    .flatMap((list) => (Array.isArray(list) ? list : []))
    .filter((s) => !isValidSymbol(s));
  if (bad.length) {
    const named = bad.slice(0, 3).map((s) => JSON.stringify(s));
    const more = bad.length > 3 ? ` and ${bad.length - 3} more` : '';
    return reject('bad_symbol', `not a symbol: ${named.join(', ')}${more} (e.g. BTC-USD or AAPL)`);
  }
  return value;
}

export const isRejection = (x: ClientMessage | Rejection): x is Rejection => 'reason' in x && 'code' in x;
