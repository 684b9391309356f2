import type { Decision } from '@tickflow/core';
import { type HistoryConnection, readSymbols, type SymbolTicks } from '@tickflow/history';
import type { SessionSnapshot, SimulatedDay } from '@tickflow/paper';
import { replayInOrder, type StrategyFactory, type StrategyFault } from '@tickflow/strategy';
import { compareDecisions } from './decisions.ts';
import { finishFillCheck, prepareFillCheck, simulateSymbol } from './fills.ts';

/** What the reconciliation needs of the close's options (close.ts passes its CloseOptions). */
export interface ReconcileOptions {
  date: string;
  factory: StrategyFactory;
  /** The bot's end-of-session snapshot of the date (its execution model, its positions), if found. */
  snapshot?: SessionSnapshot | undefined;
  /** Decisions the bot rejected (ORDERS), not executed by the batch recomputation either. */
  rejectedDecisions?: ReadonlySet<string>;
}

/**
 * The Lambda check: the day recomputed from the archived ticks with the speed layer's own strategy
 * and paper-broker code, symbol by symbol (symbols are independent in both, so a ten-million-tick
 * day is never all in the heap as objects), then compared with what DECISIONS and FILLS recorded.
 * Between symbols it yields to the event loop, so work on another connection goes on meanwhile.
 */
export async function reconcileDay<T>(
  conn: HistoryConnection,
  o: ReconcileOptions,
  meanwhile?: () => Promise<T>,
) {
  const { date } = o;
  const rejected = o.rejectedDecisions ?? new Set<string>();
  const check = await prepareFillCheck(conn, date, o.snapshot);
  const recomputed: Decision[] = [];
  // Lanes whose strategy failed: paused at the same tick as signals pauses them (reported).
  const paused: StrategyFault[] = [];
  const simulated: SimulatedDay = { fills: [], expired: new Map(), open: new Map() };
  const symbols: SymbolTicks[] = [];
  await readSymbols(conn, date, (ticks) => symbols.push(ticks));
  // `conn` is idle while the replay runs: `meanwhile` may use it (the archive does). If the replay
  // throws, the background work still settles before the error leaves (its connection may close).
  const background = meanwhile?.();
  background?.catch(() => undefined);
  try {
    for (const ticks of symbols) {
      const ds = replayInOrder(
        (visit) => ticks.each(visit),
        o.factory,
        (f) => paused.push(f),
      );
      for (const d of ds) recomputed.push(d);
      simulateSymbol(check, simulated, ds, ticks, rejected);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } catch (err) {
    await Promise.allSettled([background]);
    throw err;
  }
  const done = await background;
  return {
    decisions: { ...(await compareDecisions(conn, date, recomputed)), paused },
    fills: await finishFillCheck(conn, date, check, simulated, o.snapshot, rejected),
    meanwhile: done,
  };
}
