import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { executionOf } from '@tickflow/bot';
import { type Tick, utcDateStartMicros, WIRE_VERSION } from '@tickflow/core';
import { archiveDate, DayLoader, openHistory } from '@tickflow/history';
import { resolveConfig } from '@tickflow/runtime';
import type { BacktestJob } from '../services/cli/src/backtest/job.ts';
import { backtestSpec } from '../services/cli/src/backtest/spec.ts';

/**
 * A small Parquet archive for the backtest's sweeps: `dates`, each with `perDay` ticks of each
 * symbol, one a second from 10:00 UTC, prices on a slow wave (a period of ~94 ticks, phase moving
 * day to day) so SMA crosses of a few ticks trade a handful of times a day. Seqs go on across days,
 * as a feed's do. Returns the archive directory.
 */
export async function writeSmallArchive(
  dates: readonly string[],
  o: { perDay: number; symbols: readonly string[]; dir?: string },
): Promise<string> {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'tickflow-sweep-'));
  const archive = join(dir, 'archive');
  const history = await openHistory(join(dir, 'source.duckdb'));
  const conn = await history.connect();
  try {
    for (const [d, date] of dates.entries()) {
      const loader = await DayLoader.open(conn, date);
      const open = utcDateStartMicros(date) + 10 * 3_600_000_000;
      let n = 0;
      for (const [k, symbol] of o.symbols.entries())
        for (let i = 0; i < o.perDay; i++) {
          const seq = d * o.perDay + i + 1;
          const price = 100 * (k + 1) + 4 * Math.sin(i / 15 + d * 1.7 + k) + (i % 7) * 0.05;
          const tick: Tick = {
            v: WIRE_VERSION,
            venue: 'synth',
            symbol,
            seq,
            ts: open + i * 1_000_000,
            price: price.toFixed(2),
            size: '1',
            recvTs: open + i * 1_000_000,
          };
          loader.tick(tick, ++n);
        }
      await loader.commit({ ticks: n, decisions: 0, fills: 0, rejects: 0 });
      await archiveDate(conn, archive, date, ['ticks']);
    }
  } finally {
    history.close();
  }
  return archive;
}

/**
 * A backtest job with the CLI's defaults (SMA cross, execution model) over a small archive and
 * no DuckDB day tables, without its key and parameters: the grid tests' and bench's base.
 */
export function defaultJobBase(archiveDir: string, dates: string[]): Omit<BacktestJob, 'key' | 'params'> {
  const c = resolveConfig(backtestSpec, {}, {});
  return {
    v: 1,
    dates,
    archiveDir,
    db: join(dirname(archiveDir), 'none.duckdb'),
    symbols: null,
    strategies: null,
    sma: { fast: c.fast, slow: c.slow, qty: c.qty },
    execution: executionOf(c),
    cash: c.cash,
  };
}
