import { describe, expect, it } from 'vitest';
import { checkDate, InvalidDateError } from './date.ts';

describe('checkDate', () => {
  it('gives back a real calendar date', () => {
    expect(checkDate('2026-12-07')).toBe('2026-12-07');
    expect(checkDate('2024-02-29')).toBe('2024-02-29');
  });

  it.each([
    '2026-02-30',
    '2025-02-29',
    '2026-13-01',
    '2026-1-01',
    "2026-01-01' OR '1'='1",
    '2026-01-01T00:00:00Z',
    '',
  ])('throws InvalidDateError on %j', (date) => {
    expect(() => checkDate(date)).toThrow(InvalidDateError);
  });
});
