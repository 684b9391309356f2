import type { Logger } from '@tickflow/runtime';

/** A stop that left something not stored or not acknowledged: the process exits non-zero. */
export class ShutdownIncompleteError extends Error {
  override name = 'ShutdownIncompleteError';
}

/** What a stop could leave behind, as the bot knows it when the stop ends or its time is up. */
export interface LeftBehind {
  /** Fill ids published and not acknowledged by FILLS. */
  fills: string[];
  /** Decisions whose rejection or expiry was published and not acknowledged by ORDERS. */
  orderEvents: string[];
  /** Decisions in hand, not acked: DECISIONS delivers them again to the next process. */
  decisions: string[];
  /** False when the session snapshot could not be stored (or its turn never came). */
  snapshotStored: boolean;
}

const SHOWN = 20;

/**
 * Runs the ordered shutdown `close` with a deadline. When the deadline passes first (NATS gone: a
 * publish retrying, a drain that cannot finish), `abort` cuts what is left (closes the connection)
 * and the stop ends anyway. Either way, what could not be stored or acknowledged is logged, and a
 * ShutdownIncompleteError thrown when a fill, an order event or the snapshot is not stored or the
 * deadline passed. Decisions merely left unacked are not an error: they come back to the next process.
 */
export async function closeWithin(
  ms: number,
  close: () => Promise<void>,
  state: { step: string; left: () => LeftBehind },
  abort: () => void,
  log: Logger,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    close().then(() => false),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), ms);
    }),
  ]);
  clearTimeout(timer);
  const left = state.left();
  const summary = {
    fillsNotStored: left.fills.length,
    orderEventsNotStored: left.orderEvents.length,
    decisionsNotAcked: left.decisions.length,
    snapshotStored: left.snapshotStored,
    ...(left.fills.length ? { fills: left.fills.slice(0, SHOWN) } : {}),
    ...(left.orderEvents.length ? { orderEvents: left.orderEvents.slice(0, SHOWN) } : {}),
    ...(left.decisions.length ? { decisions: left.decisions.slice(0, SHOWN) } : {}),
  };
  if (timedOut) {
    abort();
    log.error(
      { ...summary, timeoutMs: ms, step: state.step },
      `stop incomplete: still in step "${state.step}" after ${ms} ms; the rest is given up`,
    );
  } else if (left.fills.length || left.orderEvents.length || !left.snapshotStored)
    log.error(summary, 'stop incomplete: not everything could be stored');
  else if (left.decisions.length)
    log.info(summary, 'stopped; decisions not done are left unacked for the next process');
  if (timedOut || left.fills.length || left.orderEvents.length || !left.snapshotStored)
    throw new ShutdownIncompleteError(
      timedOut
        ? `stop incomplete after ${ms} ms (in step "${state.step}")`
        : 'stop incomplete: fills, order events or the snapshot not stored',
    );
}
