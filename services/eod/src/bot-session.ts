import { type Bus, decode, readStream } from '@tickflow/bus';
import type { OrderEvent } from '@tickflow/core';
import { BOT_BUCKET, type SessionSnapshot, sessionSnapshotName } from '@tickflow/paper';

/**
 * What the bot recorded about a trading date besides its fills: its end-of-session snapshot (the
 * execution model it ran, its positions and P&L) from the `tickflow_bot` object store, and the
 * decisions it rejected (ORDERS `orders.rejected.*`, by the exchange time of their decision, within
 * the session). The snapshot is the bot's for the UTC date (the bot's days are UTC days).
 */
export async function botSession(
  bus: Bus,
  durable: string,
  date: string,
  range: { start: number; end: number },
): Promise<{ snapshot: SessionSnapshot | undefined; rejectedDecisions: Set<string> }> {
  const snapshot = await bus
    .objectGet<SessionSnapshot>(BOT_BUCKET, sessionSnapshotName(durable, date))
    .catch(() => undefined);
  const rejectedDecisions = new Set<string>();
  await readStream(bus.js, bus.jsm, 'ORDERS', (m) => {
    try {
      const e = decode(m.data) as Partial<OrderEvent>;
      if (
        e.status === 'REJECTED' &&
        typeof e.decisionId === 'string' &&
        typeof e.ts === 'number' &&
        e.ts >= range.start &&
        e.ts < range.end
      )
        rejectedDecisions.add(e.decisionId);
    } catch {
      // not an order event
    }
  });
  return { snapshot, rejectedDecisions };
}
