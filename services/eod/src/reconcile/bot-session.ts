import { type Bus, decode, readStream } from '@tickflow/bus';
import type { OrderEvent } from '@tickflow/core';
import type { DuplicateRecord } from '@tickflow/history';
import { BOT_BUCKET, type SessionSnapshot, sessionSnapshotName } from '@tickflow/paper';
import { mergeSnapshots, partitionDurables } from './partition-snapshots.ts';

/**
 * What the bot recorded about a trading date besides its fills: its end-of-session snapshot (the
 * execution model it ran, its positions and P&L) from the `tickflow_bot` object store, and the
 * decisions it rejected (ORDERS `orders.rejected.*`, by the exchange time of their decision, within
 * the session), and the order events ORDERS holds twice (the bot published one again; the set of
 * rejected decisions counts it once, but it is reported). The snapshot is the bot's for the UTC
 * date (the bot's days are UTC days); a bot run as n partitions left one per partition
 * (`<durable>-p<i>of<n>`), merged into one book (mergeSnapshots).
 */
export async function botSession(
  bus: Bus,
  durable: string,
  date: string,
  range: { start: number; end: number },
  /** The bot ran as this many partitions (`--partition i/n`): their snapshots are merged. */
  partitions = 1,
): Promise<{
  snapshot: SessionSnapshot | undefined;
  /** Snapshot names not found (with partitions: then no snapshot is used, the default model is). */
  missingSnapshots: string[];
  rejectedDecisions: Set<string>;
  /** Order events of the session ORDERS holds more than once (by event id). */
  orderDuplicates: DuplicateRecord[];
}> {
  const names = partitionDurables(durable, partitions).map((d) => sessionSnapshotName(d, date));
  const found = await Promise.all(
    names.map((name) => bus.objectGet<SessionSnapshot>(BOT_BUCKET, name).catch(() => undefined)),
  );
  const missingSnapshots = names.filter((_, i) => found[i] === undefined);
  // All or none: a partition's book missing would show its symbols as differences, not as missing.
  const snapshot = missingSnapshots.length
    ? undefined
    : found.length === 1
      ? found[0]
      : mergeSnapshots(found as SessionSnapshot[]);
  const rejectedDecisions = new Set<string>();
  // Per event id: its stream seqs and content without the wall-clock `at`, to find repeats.
  const events = new Map<string, { seqs: number[]; content: string; same: boolean }>();
  await readStream(bus.js, bus.jsm, 'ORDERS', (m) => {
    try {
      const e = decode(m.data) as Partial<OrderEvent>;
      if (typeof e.id === 'string' && typeof e.ts === 'number' && e.ts >= range.start && e.ts < range.end) {
        const { at: _at, ...rest } = e;
        const content = JSON.stringify(rest);
        const seen = events.get(e.id);
        if (seen) {
          seen.seqs.push(m.streamSeq);
          if (seen.content !== content) seen.same = false;
        } else events.set(e.id, { seqs: [m.streamSeq], content, same: true });
      }
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
  const orderDuplicates = [...events]
    .filter(([, e]) => e.seqs.length > 1)
    .map(
      ([id, e]): DuplicateRecord => ({
        table: 'orders',
        id,
        copies: e.seqs.length,
        streamSeqs: e.seqs,
        sameContent: e.same,
      }),
    );
  return { snapshot, missingSnapshots, rejectedDecisions, orderDuplicates };
}
