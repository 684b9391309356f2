import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Tick } from '@tickflow/core';
import type { SymbolTicks } from '@tickflow/history/ticks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSmallArchive } from '../../../../test/backtest-archive.ts';
import { DaySource } from './day-source.ts';

const DATES = ['2026-05-04', '2026-05-05'];

async function ticksOf(source: DaySource, date: string): Promise<Tick[]> {
  const out: Tick[] = [];
  await source.readDay(date, (t) => out.push(...t.toArray()));
  return out;
}

describe('DaySource shared days', () => {
  let archiveDir: string;
  beforeAll(async () => {
    archiveDir = await writeSmallArchive(DATES, { perDay: 300, symbols: ['AAA', 'BBB'] });
  });
  afterAll(() => rmSync(dirname(archiveDir), { recursive: true, force: true }));

  it('hands a day read in one source, sent as a message, over from memory in another: the same ticks', async () => {
    const main = await DaySource.open({ archiveDir, sharedMemory: true });
    const direct = await DaySource.open({ archiveDir });
    // An empty archive and no database: the days come from memory or not at all.
    const empty = join(dirname(archiveDir), 'empty');
    const thread = await DaySource.open({ archiveDir: empty, db: join(empty, 'none.duckdb'), lazy: true });
    try {
      for (const date of DATES) {
        const day = await main.shareDay(date);
        expect(day?.ticks).toBe(600);
        expect(day?.symbols[0]?.columns.seq.buffer).toBeInstanceOf(SharedArrayBuffer);
        thread.preload(structuredClone(day) as NonNullable<typeof day>);
      }
      for (const date of DATES) expect(await ticksOf(thread, date)).toEqual(await ticksOf(direct, date));
      expect((await ticksOf(thread, DATES[1] as string)).length).toBe(600);
      expect(await thread.kindOf(DATES[0] as string)).toBe('none');
    } finally {
      for (const s of [main, direct, thread]) s.close();
    }
  });

  it('reads the planned days after the first on a reader thread: the same ticks as read here', async () => {
    const dates = [...DATES, '2026-05-06']; // the last one is not archived
    const ahead = await DaySource.open({ archiveDir, readAhead: true });
    const here = await DaySource.open({ archiveDir });
    try {
      ahead.plan(dates);
      for (const date of dates) expect(await ticksOf(ahead, date)).toEqual(await ticksOf(here, date));
      expect(ahead.daysReadAhead).toBe(2);
      expect(here.daysReadAhead).toBe(0);
    } finally {
      ahead.close();
      here.close();
    }
  }, 30_000);

  it('reads a day bigger than the read-ahead allows here, as before', async () => {
    const ahead = await DaySource.open({ archiveDir, readAhead: true, readAheadMaxTicks: 599 });
    const here = await DaySource.open({ archiveDir });
    try {
      ahead.plan(DATES);
      for (const date of DATES) expect(await ticksOf(ahead, date)).toEqual(await ticksOf(here, date));
      expect(ahead.daysReadAhead).toBe(0);
    } finally {
      ahead.close();
      here.close();
    }
  }, 30_000);

  it('leaves a day with more ticks than asked for unread', async () => {
    const main = await DaySource.open({ archiveDir, sharedMemory: true });
    try {
      expect(await main.shareDay(DATES[0] as string, 599)).toBeUndefined();
      expect((await main.shareDay(DATES[0] as string, 600))?.ticks).toBe(600);
    } finally {
      main.close();
    }
  });
});

describe('DaySource read-ahead over many days', () => {
  const dates = ['2026-05-04', '2026-05-05', '2026-05-06', '2026-05-07', '2026-05-08'];
  let archiveDir: string;
  beforeAll(async () => {
    archiveDir = await writeSmallArchive(dates, { perDay: 200, symbols: ['AAA', 'BBB'] });
  });
  afterAll(() => rmSync(dirname(archiveDir), { recursive: true, force: true }));

  it('keeps a day handed over intact while the thread reads the next one into its other storage', async () => {
    const ahead = await DaySource.open({ archiveDir, readAhead: true });
    const here = await DaySource.open({ archiveDir });
    try {
      ahead.plan(dates);
      for (const date of dates) {
        const views: SymbolTicks[] = [];
        await ahead.readDay(date, (t) => views.push(t));
        // Meanwhile the thread reads the next day: into the storage two days back, not this one's.
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(views.flatMap((v) => v.toArray())).toEqual(await ticksOf(here, date));
      }
      expect(ahead.daysReadAhead).toBe(dates.length - 1);
    } finally {
      ahead.close();
      here.close();
    }
  }, 30_000);
});
