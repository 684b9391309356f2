/** A session close as minutes after midnight UTC, from 'HH:MM'. */
export function parseCloseTime(text: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (!m) throw new RangeError(`close time must be HH:MM (UTC, 00:00–23:59), got ${JSON.stringify(text)}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

const DAY_MS = 86_400_000;

/**
 * The next run after `nowMs` (epoch ms) and the trading date it closes. The session of date D
 * closes at D + close time when the close is in the day (say 21:00: the US equity close), or at
 * midnight ending D + the close time when it is 00:00–03:59 (a 24-hour market's day, closed a few
 * minutes after midnight so late ticks are in): that run is for the day before.
 */
export function nextRun(nowMs: number, closeMinutes: number): { at: number; date: string } {
  const afterMidnight = closeMinutes < 4 * 60;
  const today = Math.floor(nowMs / DAY_MS) * DAY_MS;
  let at = today + closeMinutes * 60_000;
  if (at <= nowMs) at += DAY_MS;
  const sessionDay = afterMidnight ? at - DAY_MS : at;
  return { at, date: new Date(sessionDay).toISOString().slice(0, 10) };
}
