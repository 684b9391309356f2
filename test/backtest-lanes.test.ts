import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { NO_LIMITS } from '@tickflow/paper';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BacktestJob, type BacktestJobResult, JobRunner } from '../services/cli/src/backtest/job.ts';
import { openThreadPool } from '../services/cli/src/backtest/pool.ts';
import { defaultJobBase, writeSmallArchive } from './backtest-archive.ts';

/** Four days of 400 ticks of three symbols: enough crosses that every combination trades. */
const DATES = ['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05'];
/** fast=8 slow=8 is refused by SMA cross: its lane gets the error, the others still run. */
const PARAMS = [
  { fast: 2, slow: 8 },
  { fast: 3, slow: 8 },
  { fast: 8, slow: 8 },
  { fast: 2, slow: 20 },
  { fast: 4, slow: 20 },
  { fast: 5, slow: 30 },
];

/** A result without the replay's timing (a lane group's is the group's). */
const figures = (r: BacktestJobResult | undefined) => (r?.ok ? { ...r.figures, replay: null } : r);

describe('a grid in lane groups (several combinations in one pass over the ticks)', () => {
  let archiveDir: string;
  let jobs: BacktestJob[];
  /** Each job alone, in a fresh JobRunner of its own: the reference. */
  let alone: BacktestJobResult[];

  beforeAll(async () => {
    archiveDir = await writeSmallArchive(DATES, { perDay: 400, symbols: ['AAA', 'BBB', 'CCC'] });
    const base = { ...defaultJobBase(archiveDir, DATES), cash: '10000' };
    jobs = PARAMS.map((params, i) => ({ ...base, key: `lane:${i}`, params }));
    // A risk limit that refuses some orders: the gate's state is per combination too.
    jobs.push({
      ...base,
      key: 'lane:limited',
      params: { fast: 2, slow: 8 },
      limits: { ...NO_LIMITS, maxNotional: '250' },
    });
    alone = [];
    for (const job of jobs) {
      const runner = new JobRunner();
      alone.push(await runner.run(job));
      runner.close();
    }
  });
  afterAll(() => rmSync(dirname(archiveDir), { recursive: true, force: true }));

  it('gives each combination of a group exactly the figures it has run alone', async () => {
    expect(alone.filter((r) => r.ok && r.figures.trades > 0)).toHaveLength(6); // the fixture trades
    const same = jobs.filter((j) => j.limits === undefined);
    const runner = new JobRunner();
    try {
      const grouped = await runner.runGroup(same);
      expect(grouped.map((r) => r.key)).toEqual(same.map((j) => j.key));
      expect(grouped.map(figures)).toEqual(alone.slice(0, same.length).map(figures));
      expect(grouped[2]).toEqual({ v: 1, key: 'lane:2', ok: false, error: 'fast period 8 must be < slow 8' });
    } finally {
      runner.close();
    }
  });

  it('refuses to group jobs that differ in more than their key and parameters', async () => {
    const runner = new JobRunner();
    try {
      await expect(runner.runGroup([jobs[0] as BacktestJob, jobs.at(-1) as BacktestJob])).rejects.toThrow(
        /lane group/,
      );
    } finally {
      runner.close();
    }
  });

  it('runs a thread pool’s jobs in lane groups with each job’s own result', async () => {
    const pool = openThreadPool(2);
    try {
      const results = await Promise.all(jobs.map((j) => pool.run(j)));
      expect(results.map(figures)).toEqual(alone.map(figures));
      // The six alike went as two groups of three (one replay time each); the limited one alone.
      const seconds = results.slice(0, 6).flatMap((r) => (r.ok ? [r.figures.replay.seconds] : []));
      expect(new Set(seconds).size).toBe(2);
    } finally {
      await pool.close();
    }
  });

  it('runs each job alone with maxLanes 1 (the bench’s serial baseline)', async () => {
    const pool = openThreadPool(1, { maxLanes: 1 });
    try {
      const results = await Promise.all(jobs.map((j) => pool.run(j)));
      expect(results.map(figures)).toEqual(alone.map(figures));
      const seconds = results.flatMap((r) => (r.ok ? [r.figures.replay.seconds] : []));
      expect(new Set(seconds).size).toBe(seconds.length);
    } finally {
      await pool.close();
    }
  });
});
