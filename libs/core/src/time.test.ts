import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  InvalidDateError,
  ManualClock,
  MICROS_PER_DAY,
  systemClock,
  utcDateOf,
  utcDateRange,
  utcDateStartMicros,
} from './time.ts';

describe('utcDateStartMicros', () => {
  it('returns midnight UTC in epoch microseconds', () => {
    expect(utcDateStartMicros('1970-01-01')).toBe(0);
    expect(utcDateStartMicros('2026-03-15')).toBe(Date.UTC(2026, 2, 15) * 1000);
    expect(utcDateStartMicros('2024-02-29')).toBe(Date.UTC(2024, 1, 29) * 1000);
  });

  it.each([
    ['2026-02-30'],
    ['2025-02-29'],
    ['2026-13-01'],
    ['2026-00-10'],
    ['2026-1-01'],
    ['2026-01-1'],
    ['26-01-01'],
    ['2026/01/01'],
    ['2026-01-01T00:00:00Z'],
    [' 2026-01-01'],
    ['x'],
    [''],
  ])('throws InvalidDateError on %j', (date) => {
    expect(() => utcDateStartMicros(date)).toThrow(InvalidDateError);
    expect(() => utcDateRange(date)).toThrow(InvalidDateError);
  });

  it('keeps the input on the error', () => {
    expect(() => utcDateStartMicros('2026-02-30')).toThrow(
      expect.objectContaining({ name: 'InvalidDateError', input: '2026-02-30' }),
    );
  });
});

describe('utcDateOf', () => {
  it('returns the UTC date containing a timestamp', () => {
    const start = utcDateStartMicros('2026-07-04');
    expect(utcDateOf(start)).toBe('2026-07-04');
    expect(utcDateOf(start + MICROS_PER_DAY - 1)).toBe('2026-07-04');
    expect(utcDateOf(start - 1)).toBe('2026-07-03');
  });

  it('answers any sequence of timestamps as a fresh Date would (the cached day never leaks)', () => {
    const base = utcDateStartMicros('2026-07-04');
    const near = fc.integer({ min: base - 2 * MICROS_PER_DAY, max: base + 2 * MICROS_PER_DAY });
    fc.assert(
      fc.property(
        fc.array(fc.oneof(near, fc.constant(base), fc.constant(base - 1)), { maxLength: 50 }),
        (xs) => {
          for (const ts of xs)
            expect(utcDateOf(ts)).toBe(new Date(Math.floor(ts / 1000)).toISOString().slice(0, 10));
        },
      ),
    );
  });
});

describe('utcDateRange', () => {
  it('is the half-open day [start, start + 1 day)', () => {
    const { start, end } = utcDateRange('2026-12-31');
    expect(start).toBe(utcDateStartMicros('2026-12-31'));
    expect(end - start).toBe(MICROS_PER_DAY);
    expect(utcDateOf(end)).toBe('2027-01-01');
  });

  it('round-trips every date and every instant of it', () => {
    const day = fc.date({ min: new Date('1970-01-01'), max: new Date('2199-12-31'), noInvalidDate: true });
    fc.assert(
      fc.property(day, fc.integer({ min: 0, max: MICROS_PER_DAY - 1 }), (d, offset) => {
        const date = d.toISOString().slice(0, 10);
        const { start, end } = utcDateRange(date);
        expect(utcDateOf(start)).toBe(date);
        expect(utcDateOf(start + offset)).toBe(date);
        expect(utcDateOf(end)).not.toBe(date);
        expect(utcDateStartMicros(utcDateOf(start + offset))).toBe(start);
      }),
    );
  });
});

describe('ManualClock', () => {
  it('returns what it was set to and advances by the given amount', () => {
    const clock = new ManualClock(1_000);
    expect(clock.nowMicros()).toBe(1_000);
    clock.advance(250);
    expect(clock.nowMicros()).toBe(1_250);
    clock.set(42);
    expect(clock.nowMicros()).toBe(42);
  });

  it('starts at 0 by default', () => {
    expect(new ManualClock().nowMicros()).toBe(0);
  });
});

describe('systemClock', () => {
  it('returns integer epoch microseconds close to Date.now()', () => {
    const now = systemClock.nowMicros();
    expect(Number.isSafeInteger(now)).toBe(true);
    expect(Math.abs(now / 1000 - Date.now())).toBeLessThan(1_000);
  });
});

describe('utcDateStartMicros for early years', () => {
  it('does not map years 0–99 to the 1900s', () => {
    expect(utcDateOf(utcDateStartMicros('0050-01-01'))).toBe('0050-01-01');
  });
});
