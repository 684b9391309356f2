import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTimestamp } from './timestamps.ts';

/** 2026-11-23T14:30:00Z in epoch µs. */
const T0 = 1_795_444_200_000_000;

const micros = (value: unknown): number | undefined => {
  const r = parseTimestamp(value);
  return r.ok ? r.micros : undefined;
};

/** ISO-8601 UTC with exactly six fraction digits, from integer arithmetic only. */
const isoOf = (us: number): string =>
  `${new Date(Math.floor(us / 1000)).toISOString().slice(0, 19)}.${String(us % 1_000_000).padStart(6, '0')}Z`;

describe('parseTimestamp', () => {
  it('reads 16-digit integers as epoch microseconds', () => {
    expect(micros('1795444200123456')).toBe(T0 + 123_456);
    expect(micros(1795444200123456)).toBe(T0 + 123_456);
  });

  it('reads 13-digit integers as epoch milliseconds, with an exact fraction', () => {
    expect(micros('1795444200123')).toBe(T0 + 123_000);
    expect(micros('1795444200123.456')).toBe(T0 + 123_456);
    expect(micros('1795444200123.4')).toBe(T0 + 123_400);
  });

  it('reads 10-digit integers as epoch seconds, with an exact fraction', () => {
    expect(micros('1795444200')).toBe(T0);
    expect(micros('1795444200.5')).toBe(T0 + 500_000);
    expect(micros('1795444200.000001')).toBe(T0 + 1);
    // 0.1 + 0.2 style float error would show here: the digits are used, not a float product.
    expect(micros('1795444200.300003')).toBe(T0 + 300_003);
    expect(micros(1795444200.25)).toBe(T0 + 250_000);
  });

  it('reads ISO-8601 with 0, 3 and 6 fraction digits exactly', () => {
    expect(micros('2026-11-23T14:30:00Z')).toBe(T0);
    expect(micros('2026-11-23T14:30:00.123Z')).toBe(T0 + 123_000);
    expect(micros('2026-11-23T14:30:00.123456Z')).toBe(T0 + 123_456);
    expect(micros('2026-11-23T14:30:00.1Z')).toBe(T0 + 100_000);
  });

  it('reads ISO-8601 zone offsets, a space separator and no zone as UTC', () => {
    expect(micros('2026-11-23T09:30:00-05:00')).toBe(T0);
    expect(micros('2026-11-23T20:00:00.000001+05:30')).toBe(T0 + 1);
    expect(micros('2026-11-23T15:30:00+0100')).toBe(T0);
    expect(micros('2026-11-23 14:30:00.5')).toBe(T0 + 500_000);
    expect(micros('2026-11-24T00:30:00+10')).toBe(T0);
  });

  it('accepts digits beyond a microsecond only when they are zeros', () => {
    expect(micros('2026-11-23T14:30:00.123456000Z')).toBe(T0 + 123_456);
    expect(micros('1795444200.1234560')).toBe(T0 + 123_456);
    expect(parseTimestamp('2026-11-23T14:30:00.1234567Z')).toMatchObject({ ok: false });
    expect(parseTimestamp('1795444200123.4567')).toMatchObject({ ok: false });
    expect(parseTimestamp('1795444200123456.5')).toMatchObject({ ok: false });
  });

  it('refuses ambiguous digit counts, signs, exponents and non-dates with a reason', () => {
    for (const bad of [
      '17954442001', // 11 digits
      '179544420012345', // 15 digits
      '179544420', // 9 digits
      '-1795444200',
      '+1795444200',
      '1.7954442e9',
      '1795444200123456789', // ns: beyond the safe integer range as µs
      '2026-02-30T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-11-23T24:00:00Z',
      '2026-11-23T23:59:60Z',
      '2026-11-23T14:30:00+24:00',
      '2026-11-23',
      '1969-12-31T23:59:59Z',
      '2300-01-01T00:00:00Z',
      'yesterday',
      '',
      '   ',
    ]) {
      const r = parseTimestamp(bad);
      expect(r.ok, bad).toBe(false);
      if (!r.ok) expect(r.reason.length).toBeGreaterThan(0);
    }
    for (const bad of [null, undefined, true, {}, [], Number.NaN, 1e21, -5]) {
      expect(parseTimestamp(bad).ok, String(bad)).toBe(false);
    }
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        parseTimestamp(s);
      }),
      { numRuns: 2_000 },
    );
    fc.assert(
      fc.property(fc.anything(), (v) => {
        parseTimestamp(v);
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips every instant from 1970 to 2255 through ISO, s, ms and µs forms', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9_000_000_000_000_000 }), (us) => {
        expect(micros(isoOf(us))).toBe(us);
        expect(micros(String(us).padStart(16, '0'))).toBe(us);
        if (us >= 1e15) {
          const s = String(us);
          expect(micros(`${s.slice(0, 13)}.${s.slice(13)}`)).toBe(us);
          expect(micros(`${s.slice(0, 10)}.${s.slice(10)}`)).toBe(us);
        }
      }),
      { numRuns: 1_000 },
    );
  });
});
