import { describe, expect, it } from 'vitest';
import { SessionSpecError, sessionRange } from './session-range.ts';

const us = (iso: string) => Date.parse(iso) * 1000;

describe('sessionRange', () => {
  it('is the UTC day by default', () => {
    expect(sessionRange('2026-03-02')).toEqual({
      start: us('2026-03-02T00:00:00Z'),
      end: us('2026-03-03T00:00:00Z'),
    });
  });

  it('places a New York session on the right UTC instants, before and after daylight saving starts', () => {
    const ny = { timeZone: 'America/New_York', open: '09:30', close: '16:00' };
    expect(sessionRange('2026-03-06', ny)).toEqual({
      start: us('2026-03-06T14:30:00Z'),
      end: us('2026-03-06T21:00:00Z'),
    });
    // DST began on 2026-03-08: EDT is UTC-4.
    expect(sessionRange('2026-03-09', ny)).toEqual({
      start: us('2026-03-09T13:30:00Z'),
      end: us('2026-03-09T20:00:00Z'),
    });
  });

  it('runs a session that closes at or before its open into the next day', () => {
    const fx = { timeZone: 'Europe/London', open: '22:00', close: '22:00' };
    expect(sessionRange('2026-07-01', fx)).toEqual({
      start: us('2026-07-01T21:00:00Z'),
      end: us('2026-07-02T21:00:00Z'),
    });
    expect(sessionRange('2026-07-01', { timeZone: 'Asia/Tokyo', open: '00:00', close: '24:00' })).toEqual({
      start: us('2026-06-30T15:00:00Z'),
      end: us('2026-07-01T15:00:00Z'),
    });
  });

  it('refuses an unknown zone or a bad time', () => {
    expect(() =>
      sessionRange('2026-07-01', { timeZone: 'Mars/Olympus', open: '00:00', close: '24:00' }),
    ).toThrow(SessionSpecError);
    expect(() => sessionRange('2026-07-01', { timeZone: 'UTC', open: '9:30', close: '16:00' })).toThrow(
      /HH:MM/,
    );
  });
});
