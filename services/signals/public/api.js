import { authHeaders, tokenRefused } from './auth.js';

export class HttpError extends Error {
  constructor(path, status) {
    super(`${path}: HTTP ${status}`);
    this.status = status;
  }
}

/** GETs a JSON body from the signals service (same origin); throws HttpError on a non-2xx status. */
export async function getJson(path) {
  const res = await fetch(path, { headers: { accept: 'application/json', ...authHeaders() } });
  if (res.status === 401 || res.status === 403) tokenRefused(res.status);
  if (!res.ok) throw new HttpError(path, res.status);
  return res.json();
}

/** Like getJson, but `fallback` for a 404 (a symbol the service has no bars of yet). */
export async function getJsonOr(path, fallback) {
  try {
    return await getJson(path);
  } catch (err) {
    if (err instanceof HttpError && err.status === 404) return fallback;
    throw err;
  }
}

/** Bar intervals the service keeps (/v1/bars), in exchange-time microseconds. */
export const INTERVAL_MICROS = { '1s': 1_000_000, '1m': 60_000_000, '5m': 300_000_000 };

/** The chart time (UTC seconds) of the bar of `interval` that holds exchange time `tsMicros`. */
export function barTime(tsMicros, interval) {
  const step = INTERVAL_MICROS[interval];
  return (Math.floor(tsMicros / step) * step) / 1_000_000;
}
