import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Decision, Fill, Tick } from '@tickflow/core';
import { type CloseOptions, closeDay, type Report } from '@tickflow/eod/internal';
import { DayLoader, openHistory } from '@tickflow/history';
import { DEFAULT_EXECUTION, simulateExecution } from '@tickflow/paper';
import { replayDecisions, strategySetup } from '@tickflow/strategy';

/**
 * A small trading day whose speed-layer records are what the same strategy and paper broker make
 * of its ticks, so it reconciles: the base of the planted-break and report-page tests.
 */
export const SWING_DATE = '2026-05-04';
const T = Date.parse(`${SWING_DATE}T14:00:00Z`) * 1000;
export const { factory: swingFactory } = strategySetup(undefined, { fast: 5, slow: 20, qty: '2' });

/** Swinging prices, one a second from 14:00, so the SMA cross trades both ways many times. */
export const swing = (venue: string, symbol: string, s: number): Tick[] =>
  Array.from(
    { length: 600 },
    (_, i): Tick => ({
      v: 1,
      venue,
      symbol,
      seq: i + 1,
      ts: T + i * 1_000_000 + s,
      price: (100 + s * 10 + 5 * Math.sin(i / (12 + s))).toFixed(2),
      size: '1.5',
      side: i % 2 ? 'buy' : 'sell',
      recvTs: T + i * 1_000_000 + 500,
    }),
  );

/** The decisions and fills the speed layer records for `ticks`. */
export const speedLayer = (ticks: Tick[]) => {
  const decisions = replayDecisions(ticks, swingFactory);
  const tape = (venue: string, symbol: string) =>
    ticks.filter((t) => t.venue === venue && t.symbol === symbol).sort((a, b) => a.seq - b.seq);
  return { decisions, fills: simulateExecution(decisions, tape, DEFAULT_EXECUTION).fills };
};

export interface SwingDay {
  ticks: Tick[];
  decisions: Decision[];
  fills: Fill[];
}

/**
 * Loads `day` into a fresh DuckDB file and closes it (no Parquet archive); `inspect` sees the
 * report and its directory before the temp directory is removed.
 */
export async function closeSwingDay<R>(
  day: SwingDay,
  inspect: (report: Report, reportsDir: string) => R | Promise<R>,
  /** Close with a second connection: archive and analytics overlap the replay, as `eod run` does. */
  opts: {
    overlap?: boolean;
    maxRowsInMemory?: number;
    /** DuckDB's memory limit lent step by step, as `eod run` does for a day bigger than a group. */
    duckdbMib?: CloseOptions['duckdbMib'];
  } = {},
): Promise<R> {
  const dir = mkdtempSync(join(tmpdir(), 'tickflow-swing-'));
  const database = join(dir, 'swing.duckdb');
  const history = await openHistory(database);
  const conn = await history.connect();
  const side = opts.overlap
    ? { analytics: await history.connect(), replay: await history.connect() }
    : undefined;
  try {
    const loader = await DayLoader.open(conn, SWING_DATE);
    let seq = 0;
    for (const t of day.ticks) loader.tick(t, ++seq);
    for (const d of day.decisions) loader.decision(d, ++seq);
    for (const f of day.fills) loader.fill(f, ++seq);
    const watermarks = await loader.commit({ ticks: seq, decisions: seq, fills: seq, rejects: 0 });
    const { report } = await closeDay(conn, {
      date: SWING_DATE,
      database,
      archiveDir: undefined,
      reportsDir: join(dir, 'reports'),
      factory: swingFactory,
      load: { ...loader.counts, watermarks },
      ...(side ? { side } : {}),
      ...(opts.maxRowsInMemory
        ? { readback: { maxRowsInMemory: opts.maxRowsInMemory, spillDir: dir }, compareRows: 10 }
        : {}),
      ...(opts.duckdbMib ? { duckdbMib: opts.duckdbMib } : {}),
    });
    return await inspect(report, join(dir, 'reports', SWING_DATE));
  } finally {
    history.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
