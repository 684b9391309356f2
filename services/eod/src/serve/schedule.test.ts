import { createLogger } from '@tickflow/runtime';
import { describe, expect, it } from 'vitest';
import { nextRun, parseCloseTime } from './schedule.ts';
import { EodScheduler } from './scheduler.ts';

const at = (iso: string) => Date.parse(iso);

describe('nextRun', () => {
  it('closes the UTC day just ended when the close is a few minutes after midnight', () => {
    expect(nextRun(at('2026-11-24T12:00:00Z'), parseCloseTime('00:05'))).toEqual({
      at: at('2026-11-25T00:05:00Z'),
      date: '2026-11-24',
    });
    expect(nextRun(at('2026-11-25T00:04:59Z'), parseCloseTime('00:05')).date).toBe('2026-11-24');
  });

  it('closes the same day when the close is in the day, and moves on once it passed', () => {
    expect(nextRun(at('2026-11-24T20:59:00Z'), parseCloseTime('21:00'))).toEqual({
      at: at('2026-11-24T21:00:00Z'),
      date: '2026-11-24',
    });
    expect(nextRun(at('2026-11-24T21:00:00Z'), parseCloseTime('21:00')).date).toBe('2026-11-25');
  });

  it('refuses a close time that is not HH:MM', () => {
    expect(() => parseCloseTime('24:00')).toThrow(RangeError);
    expect(() => parseCloseTime('9:30')).toThrow(/HH:MM/);
  });
});

describe('EodScheduler', () => {
  it('runs the day at its close, records the run, and schedules the next day', async () => {
    let now = at('2026-11-24T23:00:00Z');
    const timers: { fn: () => void; ms: number }[] = [];
    const ran: string[] = [];
    const scheduler = new EodScheduler(parseCloseTime('00:05'), {
      now: () => now,
      log: createLogger('test', 'silent'),
      runDay: async (date) => {
        ran.push(date);
        return { clean: date !== '2026-11-25' };
      },
      setTimer: (fn, ms) => {
        timers.push({ fn, ms });
        return { clear: () => {} };
      },
    });
    scheduler.start();
    expect(timers[0]?.ms).toBe(65 * 60_000);
    now = at('2026-11-25T00:05:00Z');
    timers[0]?.fn();
    await new Promise((r) => setTimeout(r, 10));
    expect(ran).toEqual(['2026-11-24']);
    expect(scheduler.runs[0]).toMatchObject({ date: '2026-11-24', ok: true, clean: true });
    expect(scheduler.next?.date).toBe('2026-11-25');
    expect(timers[1]?.ms).toBe(86_400_000);
  });

  it('records a failed run with its error and goes on', async () => {
    const scheduler = new EodScheduler(parseCloseTime('00:05'), {
      now: () => 0,
      log: createLogger('test', 'silent'),
      runDay: async () => {
        throw new Error('DuckDB file is locked');
      },
    });
    expect(await scheduler.runNow('2026-11-24')).toMatchObject({ ok: false, error: 'DuckDB file is locked' });
  });
});
