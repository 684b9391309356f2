/**
 * One worker's replay against its raw baseline, in the same run: `BENCH_REPLAY_TICKS` ticks
 * archived as Parquet (2 days × 8 symbols, the sweeps' synthetic wave), then alternately
 * (i) DuckDB's `read_parquet` of those rows into JavaScript columns (libs/history's
 * `readParquetColumns`: the least a replay must do) and (ii) `replayRange` of the same rows from
 * the archive through the strategy engine (SMA cross 10/30) and the paper broker (the bot's
 * default execution model), as `tickflow backtest` runs them: a fresh archive reader each round,
 * no day cache, the second day read on a thread of its own while the first is replayed (ReadAhead;
 * BENCH_NO_READ_AHEAD=1 reads both in the replay's thread). Medians; peak RSS sampled every 20 ms.
 * Run alone: `node --import tsx bench/backtest-replay.ts` (BENCH_REPLAY_TICKS, BENCH_RUNS).
 */
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { executionOf } from '@tickflow/bot';
import { openHistory, readParquetColumns } from '@tickflow/history';
import { resolveConfig } from '@tickflow/runtime';
import { strategySetup } from '@tickflow/strategy';
import { DaySource } from '../services/cli/src/backtest/day-source.ts';
import { replayRange } from '../services/cli/src/backtest/replay.ts';
import { backtestSpec } from '../services/cli/src/backtest/spec.ts';
import { writeSmallArchive } from '../test/backtest-archive.ts';

export interface ReplayBench {
  ticks: number;
  rawMs: number[];
  replayMs: number[];
  /** CPU time (user + system, every thread: DuckDB's too) of each run: what the machine's load does not change. */
  rawCpuMs: number[];
  replayCpuMs: number[];
  /** What each replay gave (decisions, fills, P&L): the same every round, or the bench says so. */
  results: string[];
  peakRssMib: number;
}

const DATES = ['2026-05-04', '2026-05-05'];
const SYMBOLS = ['AAA', 'BBB', 'CCC', 'DDD', 'EEE', 'FFF', 'GGG', 'HHH'];

export async function measureReplay(o: { ticks: number; runs: number }): Promise<ReplayBench> {
  const perDay = Math.ceil(o.ticks / DATES.length / SYMBOLS.length);
  const archiveDir = await writeSmallArchive(DATES, { perDay, symbols: SYMBOLS });
  const c = resolveConfig(backtestSpec, {}, {});
  const { factory } = strategySetup(undefined, { fast: c.fast, slow: c.slow, qty: c.qty });
  const out: ReplayBench = {
    ticks: 0,
    rawMs: [],
    replayMs: [],
    rawCpuMs: [],
    replayCpuMs: [],
    results: [],
    peakRssMib: 0,
  };
  const cpuSince = (c0: NodeJS.CpuUsage) => {
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000;
  };
  const sample = () => {
    out.peakRssMib = Math.max(out.peakRssMib, Math.round(process.memoryUsage().rss / 2 ** 20));
  };
  const sampler = setInterval(sample, 20);
  const history = await openHistory(':memory:');
  const conn = await history.connect();
  try {
    for (let r = 0; r < o.runs; r++) {
      for (const mode of r % 2 === 0 ? ['raw', 'replay'] : ['replay', 'raw']) {
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        if (mode === 'raw') {
          const { rows } = await readParquetColumns(conn, join(archiveDir, 'ticks', 'date=*', '*.parquet'));
          out.rawMs.push(performance.now() - t0);
          out.rawCpuMs.push(cpuSince(c0));
          out.ticks = rows;
        } else {
          const source = await DaySource.open({
            archiveDir,
            readAhead: process.env.BENCH_NO_READ_AHEAD !== '1',
          });
          try {
            const f = await replayRange({
              source,
              dates: DATES,
              factory,
              execution: executionOf(c),
              cash: c.cash,
            });
            out.replayMs.push(performance.now() - t0);
            out.replayCpuMs.push(cpuSince(c0));
            out.results.push(
              `${f.ticks} ticks, ${f.decisions} decisions, ${f.fills} fills, P&L ${f.pnl.total}`,
            );
          } finally {
            source.close();
          }
        }
        sample();
      }
    }
  } finally {
    clearInterval(sampler);
    history.close();
    rmSync(dirname(archiveDir), { recursive: true, force: true });
  }
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const mps = (n: number, ms: number) => `${(n / ms / 1000).toFixed(2)} M/s`;

export const replayRate = (b: ReplayBench) => b.ticks / (median(b.replayMs) / 1000);

export function describeReplay(b: ReplayBench): string {
  const [raw, rep] = [median(b.rawMs), median(b.replayMs)];
  const [rawCpu, repCpu] = [median(b.rawCpuMs), median(b.replayCpuMs)];
  const same = new Set(b.results).size === 1;
  return `replay ${mps(b.ticks, rep)} (${(rep / 1000).toFixed(2)} s; target ≥ 1.5 M/s); raw read_parquet → JS columns ${mps(b.ticks, raw)} (${(raw / 1000).toFixed(2)} s); replay / raw time ${(rep / raw).toFixed(1)}×; CPU replay ${(repCpu / 1000).toFixed(2)} s (${mps(b.ticks, repCpu)} of CPU) vs raw ${(rawCpu / 1000).toFixed(2)} s; peak RSS ${b.peakRssMib} MiB; ${same ? b.results[0] : `results DIFFER: ${b.results.join(' | ')}`}; runs replay ${b.replayMs.map((m) => (m / 1000).toFixed(2)).join(' ')} raw ${b.rawMs.map((m) => (m / 1000).toFixed(2)).join(' ')}`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const b = await measureReplay({
    ticks: Number(process.env.BENCH_REPLAY_TICKS ?? 3_000_000),
    runs: Number(process.env.BENCH_RUNS ?? 3),
  });
  console.log(describeReplay(b));
}
