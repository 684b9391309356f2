import type { Position, WIRE_VERSION } from '@tickflow/core';
import type { ExecutionModel } from './order.ts';
import type { PnlSummary } from './portfolio.ts';

/** Object store bucket of the bot's day-open equities and end-of-session snapshots. */
export const BOT_BUCKET = 'tickflow_bot';

/** Object name of the bot's snapshot of a trading date (`<durable>.session.<date>`). */
export const sessionSnapshotName = (durable: string, date: string) => `${durable}.session.${date}`;

/**
 * Positions and P&L at the end of a trading day, as the bot stores them in NATS, with the execution
 * model it ran: the eod reconciliation recomputes the fills with that model and compares.
 */
export interface SessionSnapshot {
  v: typeof WIRE_VERSION;
  date: string;
  /** Wall-clock time the snapshot was taken, epoch microseconds. */
  takenAt: number;
  /** Exchange time of the last tick the bot had seen, epoch microseconds. */
  lastTickTs: number;
  execution: ExecutionModel;
  dayOpenEquity: string;
  dayPnl: string;
  pnl: PnlSummary;
  positions: Position[];
  fills: number;
  rejected: number;
  halted: boolean;
  haltReason: string;
}
