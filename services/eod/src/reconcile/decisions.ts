import type { Decision } from '@tickflow/core';
import type { HistoryConnection } from '@tickflow/history';
import type { StrategyFault } from '@tickflow/strategy';
import { plainDec, sameDecimal } from '../analytics/sql.ts';
import type { ReconciliationBreak } from './compare.ts';
import { type BatchColumn, type BatchTable, compareInDuckDB, exactDecimal } from './compare-sql.ts';

export type DecisionBreak = ReconciliationBreak;

export interface DecisionReconciliation {
  /** Decisions the speed layer recorded (DECISIONS) for the date. */
  speed: number;
  /** Decisions the batch recomputation produced from the archived ticks. */
  batch: number;
  matched: number;
  /** In batch, not in speed. */
  missing: number;
  /** In speed, not in batch. */
  extra: number;
  differing: number;
  breaks: DecisionBreak[];
  /**
   * Venue+symbols whose strategy threw or returned something invalid in the recomputation, paused
   * from that tick on as the speed layer pauses them (so the two agree): not breaks, but said.
   */
  paused?: StrategyFault[];
}

/** A recomputed decision's columns in its BatchTable. */
export const DECISION_COLUMNS: readonly BatchColumn<Decision>[] = [
  { name: 'symbol', type: 'VARCHAR', of: (b) => b.symbol },
  { name: 'action', type: 'VARCHAR', of: (b) => b.action },
  { name: 'qty', type: 'VARCHAR', of: (b) => b.qty },
  { name: 'ref_price', type: 'VARCHAR', of: (b) => b.refPrice },
];

/**
 * The batch recomputation's decisions (the same strategy code replayed over the archived ticks, in
 * `batch`) against what DECISIONS recorded: by id, then action, quantity and reference price.
 */
export async function compareDecisions(
  conn: HistoryConnection,
  date: string,
  batch: BatchTable<Decision>,
  maxRows?: number,
): Promise<DecisionReconciliation> {
  const compared = await compareInDuckDB(conn, {
    batch,
    ...(maxRows === undefined ? {} : { maxRows }),
    speed: `SELECT id, symbol, action, qty::VARCHAR AS qty, ref_price::VARCHAR AS ref_price, qty AS qty_d,
              ref_price AS ref_price_d, stream_seq
            FROM decisions WHERE trade_date = $date`,
    params: { date },
    equal: `s.action = b.action AND s.qty_d = ${exactDecimal('b.qty')} AND s.ref_price_d = ${exactDecimal('b.ref_price')}`,
    same: (s, b) =>
      s.action === b.action &&
      sameDecimal(s.qty, String(b.qty)) &&
      sameDecimal(s.ref_price, String(b.ref_price)),
    missing: (b) => `batch ${b.action} ${b.qty} @ ${b.ref_price}; speed layer has none`,
    differing: (b, s) =>
      `batch ${b.action} ${b.qty} @ ${b.ref_price}; speed ${s.action} ${plainDec(s.qty)} @ ${plainDec(s.ref_price)}`,
    extra: (s) => `speed ${s.action} ${plainDec(s.qty)} @ ${plainDec(s.ref_price)}; batch has none`,
  });
  return { batch: batch.count, ...compared };
}
