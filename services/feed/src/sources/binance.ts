import { isValidSymbol, type Micros, normaliseSymbol, type TradeSide } from '@tickflow/core';
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

/** Our venue name for Binance spot. */
export const BINANCE_VENUE = 'binance';

/** Quote assets tried, longest first, to split a Binance symbol (BTCUSDT) into ours (BTC-USDT). */
export const BINANCE_QUOTES: readonly string[] = [
  'USDT',
  'USDC',
  'FDUSD',
  'BUSD',
  'BTC',
  'ETH',
  'BNB',
  'EUR',
  'TRY',
];

/** Options of a Binance mapper. */
export interface BinanceMapOptions {
  /** Quote assets for the suffix match; default BINANCE_QUOTES. */
  quotes?: readonly string[];
  /**
   * Symbols in our spelling (BTC-USDT) the feed subscribed to: their Binance spelling maps back to
   * them exactly, whatever the quote list says (so an unusual quote asset still splits right).
   */
  symbols?: readonly string[];
}

/** Maps one Binance frame (text) to source events, received at `recvTs`. Never throws. */
export type BinanceMapper = (text: string, recvTs: Micros) => SourceEvent[];

/** Binance's spelling of one of our symbols: BTC-USDT → BTCUSDT (stream names use the lower case). */
export function toBinanceSymbol(symbol: string): string {
  return symbol.replace('-', '').toUpperCase();
}

/**
 * Our spelling of a Binance symbol: the longest quote asset that is a proper suffix splits it
 * (BTCUSDT → BTC-USDT, ETHBTC → ETH-BTC); with no matching quote the symbol is normalised as a
 * ticker; undefined when neither gives a valid symbol.
 */
export function binanceSymbol(raw: string, quotes: readonly string[] = BINANCE_QUOTES): string | undefined {
  const upper = raw.toUpperCase();
  let best = '';
  for (const q of quotes) {
    if (q.length > best.length && upper.length > q.length && upper.endsWith(q)) best = q;
  }
  if (best) {
    const ours = `${upper.slice(0, upper.length - best.length)}-${best}`;
    if (isValidSymbol(ours)) return ours;
  }
  return normaliseSymbol(upper);
}

/**
 * Creates a Binance mapper for raw `<symbol>@trade` / `<symbol>@aggTrade` frames and their
 * combined-stream envelopes. Subscription responses and `serverShutdown` map to no event (see
 * isServerShutdown for the latter); anything else becomes an `invalid` event with the raw text.
 */
export function createBinanceMapper(opts: BinanceMapOptions = {}): BinanceMapper {
  const quotes = opts.quotes ?? BINANCE_QUOTES;
  const known = new Map<string, string>();
  for (const s of opts.symbols ?? []) known.set(toBinanceSymbol(s), s);
  // Symbols repeat on every trade: cache the split, bounded so a hostile stream can't grow it.
  const cache = new Map<string, string | undefined>();
  const toOurs = (raw: string): string | undefined => {
    const hit = known.get(raw) ?? cache.get(raw);
    if (hit !== undefined) return hit;
    const ours = binanceSymbol(raw, quotes);
    if (cache.size < 10_000) cache.set(raw, ours);
    return ours;
  };
  return (text, recvTs) => mapWith(text, recvTs, toOurs);
}

const defaultMapper = createBinanceMapper();

/** Maps one Binance frame with the default quote list. Never throws. */
export function mapBinanceMessage(text: string, recvTs: Micros): SourceEvent[] {
  return defaultMapper(text, recvTs);
}

/**
 * True for Binance's `serverShutdown` event (bare or in a combined-stream envelope): the
 * connection is about to end (Binance closes connections after 24 h), so the client should
 * open a new one now. Cheap for every other frame: only frames naming the event are parsed.
 */
export function isServerShutdown(text: string): boolean {
  if (!text.includes('serverShutdown')) return false;
  const parsed = parseJson(text);
  if (!parsed.ok || !isJsonObject(parsed.value)) return false;
  const msg = parsed.value;
  const inner = isJsonObject(msg.data) ? msg.data : msg;
  return inner.e === 'serverShutdown';
}

/** The SUBSCRIBE method message for the given streams (`btcusdt@trade`). */
export function binanceSubscribe(streams: readonly string[], id = 1): string {
  return JSON.stringify({ method: 'SUBSCRIBE', params: streams, id });
}

function mapWith(text: string, recvTs: Micros, toOurs: (raw: string) => string | undefined): SourceEvent[] {
  const parsed = parseJson(text);
  if (!parsed.ok) return [invalidEvent(BINANCE_VENUE, text, 'BAD_JSON', parsed.reason)];
  const outer = parsed.value;
  if (!isJsonObject(outer))
    return [invalidEvent(BINANCE_VENUE, text, 'UNKNOWN_MESSAGE', 'not a JSON object')];
  let msg: JsonObject = outer;
  if ('stream' in outer || 'data' in outer) {
    if (!isJsonObject(outer.data)) {
      return [
        invalidEvent(BINANCE_VENUE, text, 'MISSING_FIELD', 'combined-stream envelope without a data object'),
      ];
    }
    msg = outer.data;
  }
  // Method responses: `{"result":null,"id":1}` acknowledges a SUBSCRIBE; errors carry code + msg.
  if ('id' in msg && !('e' in msg)) {
    if ('result' in msg && !('error' in msg)) return [];
    const err = isJsonObject(msg.error) ? msg.error : msg;
    return [
      invalidEvent(
        BINANCE_VENUE,
        text,
        'VENUE_ERROR',
        `error ${quote(err.code)}: ${quote(err.msg ?? 'no message')}`,
      ),
    ];
  }
  switch (msg.e) {
    case 'trade':
    case 'aggTrade':
      return [mapTrade(msg, text, recvTs, toOurs)];
    case 'serverShutdown':
      return [];
    default:
      return [invalidEvent(BINANCE_VENUE, text, 'UNKNOWN_MESSAGE', `unknown event type ${quote(msg.e)}`)];
  }
}

function mapTrade(
  msg: JsonObject,
  text: string,
  recvTs: Micros,
  toOurs: (raw: string) => string | undefined,
): SourceEvent {
  try {
    // `t` (trade) and `a` (aggregate trade) are separate id spaces: prefix the latter so they never collide.
    const tradeId = msg.e === 'trade' ? idField(msg, 't') : `a${idField(msg, 'a')}`;
    const raw = stringField(msg, 's');
    const symbol = toOurs(raw);
    if (symbol === undefined) {
      return invalidEvent(BINANCE_VENUE, text, 'BAD_SYMBOL', `symbol ${quote(raw)} is not a valid symbol`);
    }
    const price = decimalField(msg, 'p');
    const size = decimalField(msg, 'q');
    const T = msg.T;
    if (typeof T !== 'number') throw new FieldError('MISSING_FIELD', 'field T (trade time) must be a number');
    const ts = T * 1000;
    if (!Number.isSafeInteger(ts) || ts < 0)
      throw new FieldError('BAD_FIELD', `bad trade time T: ${quote(T)}`);
    if (msg.m !== undefined && typeof msg.m !== 'boolean') {
      throw new FieldError('MISSING_FIELD', 'field m (buyer is maker) must be a boolean');
    }
    // m: true = the buyer was the resting (maker) order, so the aggressor sold.
    const side: TradeSide | undefined = msg.m === undefined ? undefined : msg.m ? 'sell' : 'buy';
    const trade = { venue: BINANCE_VENUE, symbol, ts, price, size, tradeId, recvTs };
    return { kind: 'trade', trade: side === undefined ? trade : { ...trade, side } };
  } catch (err) {
    if (err instanceof FieldError) return invalidEvent(BINANCE_VENUE, text, err.code, err.message);
    throw err;
  }
}
