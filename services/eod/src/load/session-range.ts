/**
 * A trading date's session as an exchange-time range. By default the UTC day; with a time zone and
 * open/close times, e.g. 09:30–16:00 America/New_York, the instants those wall-clock times have
 * on that date in that zone (daylight saving included). A close at or before the open is on the
 * next day (a session that spans midnight).
 */
export interface SessionSpec {
  timeZone: string;
  /** HH:MM, local to timeZone. */
  open: string;
  /** HH:MM, local to timeZone; '24:00' is the end of the day. */
  close: string;
}

export const UTC_DAY: SessionSpec = { timeZone: 'UTC', open: '00:00', close: '24:00' };

export class SessionSpecError extends Error {
  override name = 'SessionSpecError';
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

/** Checks a session spec: a known IANA time zone and HH:MM times. */
export function checkSession(s: SessionSpec): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: s.timeZone });
  } catch (cause) {
    throw new SessionSpecError(`unknown time zone ${JSON.stringify(s.timeZone)}`, { cause });
  }
  for (const [what, t] of [
    ['open', s.open],
    ['close', s.close],
  ] as const)
    if (!HHMM.test(t)) throw new SessionSpecError(`session ${what} must be HH:MM, got ${JSON.stringify(t)}`);
}

/** The session of `date` (YYYY-MM-DD) as [start, end) in epoch microseconds. */
export function sessionRange(date: string, s: SessionSpec = UTC_DAY): { start: number; end: number } {
  checkSession(s);
  const start = zonedToUtcMs(date, s.open, s.timeZone);
  let end = zonedToUtcMs(date, s.close, s.timeZone);
  if (end <= start) end = zonedToUtcMs(nextDate(date), s.close, s.timeZone);
  return { start: start * 1000, end: end * 1000 };
}

function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** The UTC instant (ms) at which the wall clock in `timeZone` shows `date` `hhmm`. */
function zonedToUtcMs(date: string, hhmm: string, timeZone: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const wall = Date.parse(`${date}T00:00:00Z`) + (h * 60 + m) * 60_000;
  // The zone's offset at the guess, then again at the corrected instant (a DST change in between).
  let utc = wall - offsetMs(wall, timeZone);
  utc = wall - offsetMs(utc, timeZone);
  return utc;
}

/** How far the zone's wall clock is ahead of UTC at `utcMs`. */
function offsetMs(utcMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utcMs));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}
