import { type Micros, normaliseSymbol, type TradeSide } from '@tickflow/core';
import {
  decimalField,
  FieldError,
  idField,
  invalidEvent,
  isJsonObject,
  type JsonObject,
  parseJson,
  quote,
  stringField,
} from './mapping.ts';
import type { SourceEvent } from './types.ts';

/** Our venue name for the Coinbase Exchange feed. */
export const COINBASE_VENUE = 'coinbase';

/** The subscribe message Coinbase expects right after the socket opens. */
export interface CoinbaseSubscribe {
  type: 'subscribe';
  product_ids: string[];
  channels: string[];
}

/**
 * The subscribe message for the `matches` channel of `products` (BTC-USD: Coinbase product ids
 * are spelled like our symbols), plus `heartbeat` so a quiet product still proves the link alive.
 */
export function coinbaseSubscribe(products: readonly string[]): CoinbaseSubscribe {
  return { type: 'subscribe', product_ids: [...products], channels: ['matches', 'heartbeat'] };
}

/**
 * Maps one Coinbase Exchange websocket frame to source events, received at `recvTs`. `match` and
 * `last_match` (sent once after subscribing, usually a trade already seen: the trade-id dedup
 * drops it) become trades; `subscriptions` and `heartbeat` map to nothing; `error` becomes an
 * invalid event VENUE_ERROR; anything else an invalid event with the raw text. Never throws.
 */
export function mapCoinbaseMessage(text: string, recvTs: Micros): SourceEvent[] {
  const parsed = parseJson(text);
  if (!parsed.ok) return [invalidEvent(COINBASE_VENUE, text, 'BAD_JSON', parsed.reason)];
  const msg = parsed.value;
  if (!isJsonObject(msg)) return [invalidEvent(COINBASE_VENUE, text, 'UNKNOWN_MESSAGE', 'not a JSON object')];
  switch (msg.type) {
    case 'match':
    case 'last_match':
      return [mapMatch(msg, text, recvTs)];
    case 'subscriptions':
    case 'heartbeat':
      return [];
    case 'error': {
      const why = msg.reason === undefined ? '' : ` (${quote(msg.reason)})`;
      return [invalidEvent(COINBASE_VENUE, text, 'VENUE_ERROR', `venue error ${quote(msg.message)}${why}`)];
    }
    default:
      return [
        invalidEvent(COINBASE_VENUE, text, 'UNKNOWN_MESSAGE', `unknown message type ${quote(msg.type)}`),
      ];
  }
}

function mapMatch(msg: JsonObject, text: string, recvTs: Micros): SourceEvent {
  try {
    const tradeId = idField(msg, 'trade_id');
    const product = stringField(msg, 'product_id');
    const symbol = normaliseSymbol(product);
    if (symbol === undefined) {
      return invalidEvent(
        COINBASE_VENUE,
        text,
        'BAD_SYMBOL',
        `product_id ${quote(product)} is not a valid symbol`,
      );
    }
    const price = decimalField(msg, 'price');
    const size = decimalField(msg, 'size');
    const time = stringField(msg, 'time');
    const ts = parseIsoMicros(time);
    if (ts === undefined)
      throw new FieldError('BAD_FIELD', `field time is not an ISO-8601 UTC time: ${quote(time)}`);
    const side = aggressorSide(msg.side);
    const trade = { venue: COINBASE_VENUE, symbol, ts, price, size, tradeId, recvTs };
    return { kind: 'trade', trade: side === undefined ? trade : { ...trade, side } };
  } catch (err) {
    if (err instanceof FieldError) return invalidEvent(COINBASE_VENUE, text, err.code, err.message);
    throw err;
  }
}

/** Coinbase's `side` is the maker's side: the aggressor (taker) traded the opposite way. */
function aggressorSide(makerSide: unknown): TradeSide | undefined {
  if (makerSide === undefined) return undefined;
  if (makerSide === 'sell') return 'buy';
  if (makerSide === 'buy') return 'sell';
  throw new FieldError('BAD_FIELD', `field side is neither buy nor sell: ${quote(makerSide)}`);
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|([+-])(\d{2}):?(\d{2}))$/;

/**
 * Parses an ISO-8601 time (`2014-11-07T08:19:27.028459Z`, or with a `+hh:mm` offset) to epoch
 * microseconds exactly: Date.parse keeps only milliseconds, so the fraction is read here (digits
 * beyond the sixth are truncated). Undefined for anything else, including impossible dates.
 */
export function parseIsoMicros(text: string): Micros | undefined {
  const m = ISO.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return undefined; // 2014-02-30 would otherwise roll over into March
  }
  let ms = date.getTime() + ((hour * 60 + minute) * 60 + second) * 1000;
  if (m[8] !== undefined) {
    const offHours = Number(m[9]);
    const offMinutes = Number(m[10]);
    if (offHours > 23 || offMinutes > 59) return undefined;
    ms -= (m[8] === '-' ? -1 : 1) * (offHours * 60 + offMinutes) * 60_000;
  }
  const micros = ms * 1000 + Number((m[7] ?? '').padEnd(6, '0').slice(0, 6));
  return Number.isSafeInteger(micros) ? micros : undefined;
}
