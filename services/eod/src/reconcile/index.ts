import type { Decision, Fill } from '@tickflow/core';
import { type HistoryConnection, type ReadSymbolsOptions, readSymbols } from '@tickflow/history';
import type { SessionSnapshot } from '@tickflow/paper';
import { replayInOrder, type StrategyFactory, type StrategyFault } from '@tickflow/strategy';
import { BatchTable } from './compare-sql.ts';
import { compareDecisions, DECISION_COLUMNS } from './decisions.ts';
import { FILL_COLUMNS, finishFillCheck, prepareFillCheck, simulateSymbol } from './fills.ts';

/** What the reconciliation needs of the close's options (close.ts passes its CloseOptions). */
export interface ReconcileOptions {
  date: string;
  factory: StrategyFactory;
  /** The bot's end-of-session snapshot of the date (its execution model, its positions), if found. */
  snapshot?: SessionSnapshot | undefined;
  /** Decisions the bot rejected (ORDERS), not executed by the batch recomputation either. */
  rejectedDecisions?: ReadonlySet<string>;
  /** How many ticks' columns at most in memory, and where bigger days spill (readSymbols). */
  readback?: ReadSymbolsOptions;
  /** Rows the comparisons join at most at once (default 500,000); tests make it small. */
  compareRows?: number;
}

/**
 * The Lambda check: the day recomputed from the archived ticks with the speed layer's own strategy
 * and paper-broker code, symbol by symbol (symbols are independent in both), then compared with
 * what DECISIONS and FILLS recorded. Memory stays within `readback`'s bound whatever the day's
 * size: ticks come back a group of symbols at a time, and each symbol's recomputed decisions and
 * fills go to temp tables in DuckDB (which spills within its own limit) instead of the heap.
 * `conn` is this work's own connection (its temp tables are its own); `meanwhile` runs alongside
 * on another (the close's archive) and settles before this returns or throws.
 */
export async function reconcileDay<T>(
  conn: HistoryConnection,
  o: ReconcileOptions,
  meanwhile?: () => Promise<T>,
) {
  const { date } = o;
  const rejected = o.rejectedDecisions ?? new Set<string>();
  const background = meanwhile?.();
  background?.catch(() => undefined);
  // The recomputed decisions and fills (two million each at 50 M ticks) in a scratch database file
  // in the spill directory, which DuckDB writes out under its memory limit: as temp tables they
  // stayed in its memory and a 50 M-tick close ran out of it.
  const scratch = o.readback?.spillDir
    ? await conn.attachScratch(o.readback.spillDir, 'reconcile_scratch')
    : undefined;
  const decisions = await new BatchTable<Decision>(
    conn,
    'batch_decisions',
    DECISION_COLUMNS,
    scratch?.catalog,
  ).create();
  const fills = await new BatchTable<Fill>(conn, 'batch_fills', FILL_COLUMNS, scratch?.catalog).create();
  try {
    const check = await prepareFillCheck(conn, date, o.snapshot);
    // Lanes whose strategy failed: paused at the same tick as signals pauses them (reported).
    const paused: StrategyFault[] = [];
    await readSymbols(
      conn,
      date,
      async (ticks) => {
        const ds = replayInOrder(
          (visit) => ticks.each(visit),
          o.factory,
          (f) => paused.push(f),
        );
        await decisions.append(ds);
        await fills.append(simulateSymbol(check, ds, ticks, rejected));
        // Between symbols, the event loop: work on other connections goes on meanwhile.
        await new Promise<void>((resolve) => setImmediate(resolve));
      },
      // Each symbol's ticks are done with when its callback returns: groups may share one storage.
      { ...o.readback, transientViews: true },
    );
    const done = await background;
    return {
      decisions: { ...(await compareDecisions(conn, date, decisions, o.compareRows)), paused },
      fills: await finishFillCheck(conn, date, check, fills, o.snapshot, rejected, o.compareRows),
      meanwhile: done,
    };
  } catch (err) {
    await Promise.allSettled([background]);
    throw err;
  } finally {
    await decisions.drop();
    await fills.drop();
    await scratch?.detach();
  }
}
