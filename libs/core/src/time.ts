/** Epoch microseconds. Every timestamp on the wire is in this unit. */
export type Micros = number;

/** Time source injected into domain code; domain code never reads the system clock itself. */
export interface Clock {
  nowMicros(): Micros;
}

/** Wall-clock time with sub-millisecond resolution (performance.timeOrigin + performance.now()). */
export const systemClock: Clock = {
  nowMicros: () => Math.round((performance.timeOrigin + performance.now()) * 1000),
};

/** A clock that returns whatever it was last set to: for tests and batch replays. */
export class ManualClock implements Clock {
  constructor(private now: Micros = 0) {}
  nowMicros(): Micros {
    return this.now;
  }
  set(now: Micros): void {
    this.now = now;
  }
  advance(by: Micros): void {
    this.now += by;
  }
}

export const MICROS_PER_SECOND = 1_000_000;
export const MICROS_PER_DAY = 86_400 * MICROS_PER_SECOND;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export class InvalidDateError extends Error {
  override name = 'InvalidDateError';
  constructor(readonly input: string) {
    super(`not a calendar date (YYYY-MM-DD): ${JSON.stringify(input)}`);
  }
}

/** Start of a UTC calendar date in epoch microseconds; throws InvalidDateError on a bad date. */
export function utcDateStartMicros(date: string): Micros {
  const m = DATE.exec(date);
  if (!m) throw new InvalidDateError(date);
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  const ms = new Date(0).setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) throw new InvalidDateError(date);
  return ms * 1000;
}

/** The UTC calendar date (YYYY-MM-DD) that contains `ts`. */
export function utcDateOf(ts: Micros): string {
  // Consecutive calls nearly always fall on the same day (a log writer dates every message): the
  // last day's range answers them without a Date and an ISO string each.
  if (ts >= lastDay.start && ts < lastDay.end) return lastDay.date;
  const date = new Date(Math.floor(ts / 1000)).toISOString().slice(0, 10);
  const start = Math.floor(ts / MICROS_PER_DAY) * MICROS_PER_DAY;
  lastDay = { date, start, end: start + MICROS_PER_DAY };
  return date;
}
let lastDay = { date: '', start: 0, end: 0 };

/** Half-open range [start, end) of a UTC date in epoch microseconds. */
export function utcDateRange(date: string): { start: Micros; end: Micros } {
  const start = utcDateStartMicros(date);
  return { start, end: start + MICROS_PER_DAY };
}

/** Whether `s` is YYYY-MM-DD naming a day that exists (`2026-02-30` does not). */
export function isCalendarDate(s: string): boolean {
  try {
    utcDateStartMicros(s);
    return true;
  } catch {
    return false;
  }
}
