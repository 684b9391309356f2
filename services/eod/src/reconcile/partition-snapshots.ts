import { Dec } from '@tickflow/core';
import type { SessionSnapshot } from '@tickflow/paper';

/**
 * The bot's partitions' session snapshots of one date cannot be read as one book: their execution
 * models differ, or a symbol is held in two of them. The reconciliation needs one model and each
 * symbol in one partition; the bots ran with different settings or overlapping partitions.
 */
export class SnapshotMergeError extends Error {
  override name = 'SnapshotMergeError';
}

/** The bot's durable names: `bot`, or with n partitions `bot-p0of<n>` … (as the bot names them). */
export function partitionDurables(durable: string, partitions: number): string[] {
  if (partitions <= 1) return [durable];
  return Array.from({ length: partitions }, (_, i) => `${durable}-p${i}of${partitions}`);
}

const PNL_FIELDS = ['realized', 'unrealized', 'fees', 'net', 'cash', 'equity'] as const;

/**
 * One book from the partitions' end-of-session snapshots: positions side by side (each symbol is in
 * one partition), cash, equity and P&L summed (each instance started with its own --cash), fills
 * and rejections summed, the latest tick and snapshot time, halted when any was.
 */
export function mergeSnapshots(parts: readonly SessionSnapshot[]): SessionSnapshot {
  const [first, ...rest] = parts;
  if (!first) throw new SnapshotMergeError('no snapshot to merge');
  const model = JSON.stringify(first.execution);
  const held = new Set(first.positions.map((p) => p.symbol));
  const merged: SessionSnapshot = { ...first, pnl: { ...first.pnl }, positions: [...first.positions] };
  for (const s of rest) {
    if (JSON.stringify(s.execution) !== model)
      throw new SnapshotMergeError(
        `the bot partitions ran different execution models (${model} and ${JSON.stringify(s.execution)}): one reconciliation cannot recompute both`,
      );
    for (const p of s.positions) {
      if (held.has(p.symbol))
        throw new SnapshotMergeError(`${p.symbol} is held in two bot partitions' snapshots of ${s.date}`);
      held.add(p.symbol);
      merged.positions.push(p);
    }
    merged.takenAt = Math.max(merged.takenAt, s.takenAt);
    merged.lastTickTs = Math.max(merged.lastTickTs, s.lastTickTs);
    merged.dayOpenEquity = sum(merged.dayOpenEquity, s.dayOpenEquity);
    merged.dayPnl = sum(merged.dayPnl, s.dayPnl);
    for (const f of PNL_FIELDS) merged.pnl[f] = sum(merged.pnl[f], s.pnl[f]);
    merged.fills += s.fills;
    merged.rejected += s.rejected;
    if (s.halted) {
      merged.halted = true;
      merged.haltReason = [merged.haltReason, s.haltReason].filter(Boolean).join('; ');
    }
  }
  return merged;
}

const sum = (a: string, b: string) => new Dec(a).plus(b).toFixed();
