import { describe, expect, it } from 'vitest';
import { MIDNIGHT_MARGIN_S, waitForOneDate } from './chaos/one-day.ts';

const at = (iso: string) => Date.parse(iso);

describe('waitForOneDate', () => {
  it('does not wait when the run and its margin end before midnight', () => {
    expect(waitForOneDate(at('2026-12-07T12:00:00Z'), 60)).toBe(0);
  });

  it('waits until just past midnight when the run would reach it', () => {
    const now = at('2026-12-07T23:59:20Z');
    expect(waitForOneDate(now, 32)).toBe(41_000);
  });

  it('counts the margin: a run ending inside it waits', () => {
    const now = at('2026-12-07T23:58:00Z');
    expect(waitForOneDate(now, 120 - MIDNIGHT_MARGIN_S)).toBe(0);
    expect(waitForOneDate(now, 121 - MIDNIGHT_MARGIN_S)).toBe(121_000);
  });
});
