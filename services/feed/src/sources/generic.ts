import { isDecimalString, type Micros, normaliseSymbol, type TradeSide } from '@tickflow/core';
import { parseIsoMicros } from './coinbase.ts';
import { FieldError, invalidEvent, isJsonObject, type JsonObject, parseJson, quote } from './mapping.ts';
import type { SourceEvent } from './types.ts';

/**
 * How a venue without an adapter spells a trade, for the generic `ws` source (a JSON file, see
 * docs/FEED.md). Paths are dotted (`data.0.px`); `when` / `ignore` match frames by values at paths.
 */
export interface WsMapping {
  /** Our venue name for its ticks: a lower-case identifier. */
  venue: string;
  /** WebSocket URL (a `--url` flag overrides it). */
  url?: string;
  /** JSON messages sent after each connect (subscriptions). */
  subscribe: unknown[];
  /** A frame carries trades when every path equals its value (default: every frame). */
  when: Record<string, unknown>;
  /** Frames matching one of these carry no trade (heartbeats, acks): skipped, not quarantined. */
  ignore: Record<string, unknown>[];
  /** Where the trade or array of trades is in a frame; '' for the frame itself. */
  path: string;
  fields: { symbol: string; price: string; size: string; ts: string; tradeId?: string; side?: string };
  /** Unit of the time field: an ISO-8601 string, or epoch s / ms / us / ns. */
  time: 'iso' | 's' | 'ms' | 'us' | 'ns';
  /** Venue value of the side field → the aggressor's side; a value not listed is a bad field. */
  sides: Record<string, TradeSide>;
}

export class WsMappingError extends Error {
  override name = 'WsMappingError';
}

const TIME_UNITS = ['iso', 's', 'ms', 'us', 'ns'] as const;
const KEYS = ['venue', 'url', 'subscribe', 'when', 'ignore', 'path', 'fields', 'time', 'sides'];

/** Checks a mapping file's JSON; every problem is a WsMappingError naming the key. */
export function parseWsMapping(json: unknown): WsMapping {
  if (!isJsonObject(json)) throw new WsMappingError('the mapping must be a JSON object');
  for (const k of Object.keys(json)) if (!KEYS.includes(k)) throw new WsMappingError(`${k}: unknown key`);
  const {
    venue,
    url,
    subscribe = [],
    when = {},
    ignore = [],
    path = '',
    fields,
    time = 'ms',
    sides = {},
  } = json;
  if (typeof venue !== 'string' || !/^[a-z0-9_]{1,32}$/.test(venue))
    throw new WsMappingError('venue: a lower-case identifier is required (a-z, 0-9, _)');
  if (url !== undefined && (typeof url !== 'string' || !/^wss?:\/\//.test(url)))
    throw new WsMappingError('url: must be a ws:// or wss:// URL');
  if (!Array.isArray(subscribe)) throw new WsMappingError('subscribe: must be an array of messages');
  if (!isJsonObject(when)) throw new WsMappingError('when: must be an object of path → value');
  if (!Array.isArray(ignore) || !ignore.every(isJsonObject))
    throw new WsMappingError('ignore: must be an array of objects of path → value');
  if (typeof path !== 'string') throw new WsMappingError('path: must be a dotted path string');
  if (!isJsonObject(fields))
    throw new WsMappingError('fields: must name the symbol, price, size and ts paths');
  for (const f of ['symbol', 'price', 'size', 'ts'])
    if (typeof fields[f] !== 'string') throw new WsMappingError(`fields.${f}: a path is required`);
  for (const f of ['tradeId', 'side'])
    if (fields[f] !== undefined && typeof fields[f] !== 'string')
      throw new WsMappingError(`fields.${f}: must be a path`);
  if (!TIME_UNITS.includes(time as (typeof TIME_UNITS)[number]))
    throw new WsMappingError(`time: must be one of ${TIME_UNITS.join(', ')}`);
  if (!isJsonObject(sides) || !Object.values(sides).every((s) => s === 'buy' || s === 'sell'))
    throw new WsMappingError('sides: must map venue values to "buy" or "sell" (the aggressor)');
  return {
    venue,
    ...(url !== undefined ? { url: url as string } : {}),
    subscribe,
    when,
    ignore: ignore as Record<string, unknown>[],
    path,
    fields: fields as WsMapping['fields'],
    time: time as WsMapping['time'],
    sides: sides as Record<string, TradeSide>,
  };
}

/** The value at a dotted path ('' is the value itself). */
function at(value: unknown, path: string): unknown {
  if (path === '') return value;
  let v = value;
  for (const key of path.split('.')) {
    if (Array.isArray(v)) v = v[Number(key)];
    else if (isJsonObject(v)) v = v[key];
    else return undefined;
  }
  return v;
}

const matches = (frame: unknown, m: Record<string, unknown>) =>
  Object.entries(m).every(([p, want]) => at(frame, p) === want);

/** Maps one frame (text) to source events with the mapping. Never throws. */
export function createWsMapper(m: WsMapping): (text: string, recvTs: Micros) => SourceEvent[] {
  return (text, recvTs) => {
    const parsed = parseJson(text);
    if (!parsed.ok) return [invalidEvent(m.venue, text, 'BAD_JSON', parsed.reason)];
    const frame = parsed.value;
    if (m.ignore.some((i) => matches(frame, i))) return [];
    if (!matches(frame, m.when))
      return [
        invalidEvent(m.venue, text, 'UNKNOWN_MESSAGE', 'neither a trade frame (when) nor ignored (ignore)'),
      ];
    const found = at(frame, m.path);
    const trades = Array.isArray(found) ? found : [found];
    return trades.map((t) => mapTrade(m, t, text, recvTs));
  };
}

function mapTrade(m: WsMapping, t: unknown, text: string, recvTs: Micros): SourceEvent {
  try {
    if (!isJsonObject(t)) throw new FieldError('MISSING_FIELD', `no trade object at ${quote(m.path)}`);
    const raw = at(t, m.fields.symbol);
    const symbol = typeof raw === 'string' ? normaliseSymbol(raw) : undefined;
    if (symbol === undefined)
      return invalidEvent(m.venue, text, 'BAD_SYMBOL', `symbol ${quote(raw)} is not valid`);
    const trade = {
      venue: m.venue,
      symbol,
      ts: timeOf(at(t, m.fields.ts), m.time),
      price: decimal(t, m.fields.price),
      size: decimal(t, m.fields.size),
      recvTs,
    };
    const side = m.fields.side === undefined ? undefined : sideOf(m, at(t, m.fields.side));
    const id = m.fields.tradeId === undefined ? undefined : at(t, m.fields.tradeId);
    if (m.fields.tradeId !== undefined && typeof id !== 'string' && typeof id !== 'number')
      throw new FieldError('MISSING_FIELD', `trade id ${m.fields.tradeId} is missing`);
    return {
      kind: 'trade',
      trade: { ...trade, ...(side ? { side } : {}), ...(id !== undefined ? { tradeId: String(id) } : {}) },
    };
  } catch (err) {
    if (err instanceof FieldError) return invalidEvent(m.venue, text, err.code, err.message);
    throw err;
  }
}

/** A decimal string, or a JSON number in its shortest exact spelling (the venue chose numbers). */
function decimal(t: JsonObject, path: string): string {
  const v = at(t, path);
  const s = typeof v === 'number' && Number.isFinite(v) ? String(v) : v;
  if (typeof s !== 'string') throw new FieldError('MISSING_FIELD', `field ${path} must be a decimal`);
  if (!isDecimalString(s)) throw new FieldError('BAD_FIELD', `field ${path} is not a decimal: ${quote(s)}`);
  return s;
}

const SCALE = { s: 1e6, ms: 1e3, us: 1, ns: 1e-3 } as const;

function timeOf(v: unknown, unit: WsMapping['time']): Micros {
  if (unit === 'iso') {
    const micros = typeof v === 'string' ? parseIsoMicros(v) : undefined;
    if (micros === undefined)
      throw new FieldError('BAD_FIELD', `time ${quote(v)} is not an ISO-8601 UTC time`);
    return micros;
  }
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n))
    throw new FieldError('BAD_FIELD', `time ${quote(v)} is not a number`);
  return Math.round(n * SCALE[unit]);
}

function sideOf(m: WsMapping, v: unknown): TradeSide {
  const side = typeof v === 'string' ? m.sides[v] : undefined;
  if (!side)
    throw new FieldError('BAD_FIELD', `side ${quote(v)} is not one of ${Object.keys(m.sides).join(', ')}`);
  return side;
}
