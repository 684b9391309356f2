/**
 * The backtest grid against the same combinations one after another, in the same run: 16
 * combinations (SMA cross fast 2..5 × slow 20..50:10) over a synthetic Parquet archive, once on
 * `workers` threads and once on one thread (the serial baseline), each pool fresh and started
 * and stopped inside the timing: both modes start cold, as a fresh `tickflow backtest` does (the
 * bench's own thread would be warm from the rounds before). The grid's threads take the
 * combinations in lane groups (one pass over the ticks for 8 each), as `tickflow backtest --grid`
 * does; the serial baseline replays each combination alone. Rounds alternate the order; medians.
 * Run alone: `node --import tsx bench/backtest-grid.ts` (BENCH_GRID_TICKS, BENCH_RUNS).
 */
import { rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { combinations, parseGrid } from '../services/cli/src/backtest/grid.ts';
import type { BacktestJob, BacktestJobResult } from '../services/cli/src/backtest/job.ts';
import { openThreadPool } from '../services/cli/src/backtest/pool.ts';
import { defaultJobBase, writeSmallArchive } from '../test/backtest-archive.ts';

export interface GridBench {
  combinations: number;
  ticksPerJob: number;
  workers: number;
  gridMs: number[];
  serialMs: number[];
  /** CPU time (user + system, every thread of this process) of each run: how much of the machine it got. */
  gridCpuMs: number[];
  serialCpuMs: number[];
  /** The grid's figures equal the serial ones, combination by combination. */
  identical: boolean;
}

const DATES = ['2026-05-04', '2026-05-05', '2026-05-06', '2026-05-07'];
const SYMBOLS = ['AAA', 'BBB', 'CCC', 'DDD'];

async function timedRun(workers: number, jobs: BacktestJob[]) {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  // The grid runs its combinations in lane groups (one pass over the ticks for several); the serial
  // baseline runs each combination alone, one after another.
  const pool = openThreadPool(workers, { maxLanes: workers === 1 ? 1 : undefined });
  try {
    // The pool queues: all at once for threads; the inline pool runs them in turn anyway.
    const results = await Promise.all(jobs.map((j) => pool.run(j)));
    const cpu = process.cpuUsage(cpu0);
    return { ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, results };
  } finally {
    await pool.close();
  }
}

/** What a result says, without the replay's timing. */
const figuresOf = (rs: BacktestJobResult[]) =>
  JSON.stringify(rs.map((r) => (r.ok ? { ...r.figures, replay: null } : r)));

export async function measureGrid(o: {
  ticksPerJob: number;
  runs: number;
  workers?: number;
}): Promise<GridBench> {
  const perDay = Math.ceil(o.ticksPerJob / DATES.length / SYMBOLS.length);
  const archiveDir = await writeSmallArchive(DATES, { perDay, symbols: SYMBOLS });
  const base = defaultJobBase(archiveDir, DATES);
  const jobs: BacktestJob[] = combinations(parseGrid('fast=2..5,slow=20..50:10')).map((params, i) => ({
    ...base,
    key: `bench:${i}`,
    params,
  }));
  const workers = o.workers ?? availableParallelism();
  const out: GridBench = {
    combinations: jobs.length,
    ticksPerJob: perDay * DATES.length * SYMBOLS.length,
    workers,
    gridMs: [],
    serialMs: [],
    gridCpuMs: [],
    serialCpuMs: [],
    identical: true,
  };
  try {
    for (let r = 0; r < o.runs; r++) {
      const order = r % 2 === 0 ? [workers, 1] : [1, workers];
      const seen: string[] = [];
      for (const w of order) {
        const { ms, cpuMs, results } = await timedRun(w, jobs);
        (w === 1 ? out.serialMs : out.gridMs).push(ms);
        (w === 1 ? out.serialCpuMs : out.gridCpuMs).push(cpuMs);
        seen.push(figuresOf(results));
      }
      if (seen[0] !== seen[1]) out.identical = false;
    }
  } finally {
    rmSync(dirname(archiveDir), { recursive: true, force: true });
  }
  return out;
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

const s = (ms: number) => (ms / 1000).toFixed(2);

/**
 * The figures in words. Cores used = CPU time / wall time: with the kernel's autogroup scheduling
 * (on here) a session's threads share that session's fair part of the machine, so under load from
 * other sessions a second thread gets no more CPU and the wall ratio says more about the load than
 * about the grid; CPU grid / serial is its own overhead (thread start-up, one DuckDB each).
 */
export function describeGrid(b: GridBench): string {
  const [g, sr, gc, sc] = [median(b.gridMs), median(b.serialMs), median(b.gridCpuMs), median(b.serialCpuMs)];
  // The least wall time the grid's CPU work can take on this machine's cores: what it can reach
  // unless it does less work than the serial run (see docs/BENCHMARKS.md, grid).
  const floor = gc / Math.min(b.workers, availableParallelism());
  return `grid ${b.combinations} combinations × ${b.ticksPerJob.toLocaleString('en-US')} ticks on ${b.workers} threads ${s(g)} s, serial ${s(sr)} s: ratio ${(g / sr).toFixed(2)} (target ≤ 0.6); CPU floor ${s(floor)} s = ${(floor / sr).toFixed(2)}× serial, the grid at ${(g / floor).toFixed(2)}× its floor; cores used ${(gc / g).toFixed(2)} vs ${(sc / sr).toFixed(2)}; CPU ${s(gc)} s vs ${s(sc)} s (${(gc / sc).toFixed(2)}×); identical ${b.identical ? 'yes' : 'NO'}; runs grid ${b.gridMs.map(s).join(' ')} serial ${b.serialMs.map(s).join(' ')}`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const b = await measureGrid({
    ticksPerJob: Number(process.env.BENCH_GRID_TICKS ?? 1_000_000),
    runs: Number(process.env.BENCH_RUNS ?? 3),
  });
  console.log(describeGrid(b));
}
