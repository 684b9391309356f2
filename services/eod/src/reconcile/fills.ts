import { Dec, type Decision, type Fill } from '@tickflow/core';
import type { HistoryConnection, SymbolTicks } from '@tickflow/history';
import {
  DEFAULT_EXECUTION,
  type ExecutionModel,
  type SessionSnapshot,
  simulateExecution,
  type Tape,
} from '@tickflow/paper';
import { plainDec, sameDecimal } from '../analytics/sql.ts';
import type { ReconciliationBreak } from './compare.ts';
import {
  type BatchColumn,
  type BatchRow,
  type BatchTable,
  compareInDuckDB,
  exactDecimal,
} from './compare-sql.ts';

export type FillBreak = ReconciliationBreak;

/** The bot's fills against a batch recomputation with the same paper broker and model. */
export interface FillReconciliation {
  /** Where the execution model came from: the bot's session snapshot, or the defaults. */
  model: 'snapshot' | 'default';
  execution: ExecutionModel;
  /** Fills in FILLS for the date. */
  speed: number;
  /** Fills the batch recomputation made. */
  batch: number;
  matched: number;
  missing: number;
  extra: number;
  differing: number;
  /** Decisions skipped because the bot published their rejection (ORDERS). */
  rejected: number;
  /** Orders the day's tape ended on (waiting for a next tick at the close). */
  openAtClose: number;
  breaks: FillBreak[];
  /**
   * The bot's end-of-session snapshot against the batch positions (undefined: none found). The
   * day's start is taken from the snapshot less the day's FILLS, so this checks the bot's book
   * holds what its recorded fills and the recomputed ones add up to.
   */
  snapshot?: { positionsEqual: boolean; detail: string[] };
}

const BREAKS_KEPT = 100;

/**
 * The fill reconciliation, in three steps the close runs around its symbol-by-symbol replay:
 * every fill of the date is recomputed from the recomputed decisions and the archived ticks with
 * the bot's own code (libs/paper `simulateExecution`) and its execution model, taking the
 * rejections the bot published as given (their verdict depended on the live state of every
 * symbol), then compared with FILLS by id (side, quantity, price, fee and time) in DuckDB, then the
 * bot's end-of-session snapshot must hold the positions the fills add up to.
 *
 * What the check needs before the recomputation: the bot's model and the day's start positions.
 */
export interface FillCheck {
  execution: ExecutionModel;
  start: Map<string, string>;
  /** Each symbol's position so far: the start plus the recomputed fills (for the snapshot check). */
  net: Map<string, Dec>;
  /** Orders the recomputation left expired or open, by decision id. */
  expired: Map<string, string>;
  open: Map<string, string>;
}

export async function prepareFillCheck(
  conn: HistoryConnection,
  date: string,
  snapshot: SessionSnapshot | undefined,
): Promise<FillCheck> {
  const start = await startPositions(conn, date, snapshot);
  return {
    execution: snapshot?.execution ?? DEFAULT_EXECUTION,
    start,
    net: new Map([...start].map(([symbol, qty]) => [symbol, new Dec(qty)])),
    expired: new Map(),
    open: new Map(),
  };
}

/**
 * The bot's fills for one symbol's decisions against its ticks (each venue's tape in seq order).
 * Symbols are independent in the paper broker (positions, the queue of orders), so the day can be
 * recomputed symbol by symbol without holding every tick at once; `check` keeps what the end needs
 * (positions, expired and open orders), the fills go to the caller's BatchTable.
 */
export function simulateSymbol(
  check: FillCheck,
  decisions: readonly Decision[],
  ticks: SymbolTicks,
  rejected: ReadonlySet<string>,
): Fill[] {
  const tapes = new Map<string, Tape>();
  const tapeOf = (venue: string, symbol: string): Tape | readonly [] => {
    // Only this symbol's decisions come here; any other would get an empty tape (no fills).
    if (symbol !== ticks.symbol) return [];
    const known = tapes.get(venue);
    if (known) return known;
    const tape = ticks.tape(venue);
    tapes.set(venue, tape);
    return tape;
  };
  const sim = simulateExecution(decisions, tapeOf, check.execution, rejected, check.start);
  for (const [id, q] of sim.expired) check.expired.set(id, q);
  for (const [id, q] of sim.open) check.open.set(id, q);
  for (const f of sim.fills)
    check.net.set(
      f.symbol,
      (check.net.get(f.symbol) ?? new Dec(0)).plus(f.side === 'BUY' ? f.qty : `-${f.qty}`),
    );
  return sim.fills;
}

/** A recomputed fill's columns in its BatchTable. */
export const FILL_COLUMNS: readonly BatchColumn<Fill>[] = [
  { name: 'symbol', type: 'VARCHAR', of: (f) => f.symbol },
  { name: 'side', type: 'VARCHAR', of: (f) => f.side },
  { name: 'qty', type: 'VARCHAR', of: (f) => f.qty },
  { name: 'price', type: 'VARCHAR', of: (f) => f.price },
  { name: 'fee', type: 'VARCHAR', of: (f) => f.fee },
  { name: 'ts', type: 'DOUBLE', of: (f) => f.ts },
];

/** Compares the recomputed fills (`batch`) with FILLS by id, then the snapshot's positions. */
export async function finishFillCheck(
  conn: HistoryConnection,
  date: string,
  check: FillCheck,
  batch: BatchTable<Fill>,
  snapshot: SessionSnapshot | undefined,
  rejected: ReadonlySet<string>,
  maxRows?: number,
): Promise<FillReconciliation> {
  const compared = await compareInDuckDB(conn, {
    batch,
    ...(maxRows === undefined ? {} : { maxRows }),
    speed: `SELECT id, symbol, side, qty::VARCHAR AS qty, price::VARCHAR AS price, fee::VARCHAR AS fee, ts,
              qty AS qty_d, price AS price_d, fee AS fee_d, stream_seq
            FROM fills WHERE trade_date = $date`,
    params: { date },
    equal: `s.side = b.side AND s.qty_d = ${exactDecimal('b.qty')} AND s.price_d = ${exactDecimal('b.price')}
            AND s.fee_d = ${exactDecimal('b.fee')} AND s.ts = b.ts`,
    same: sameFill,
    missing: (f) => `batch ${show(f)}; FILLS has none`,
    differing: (f, s) =>
      `batch ${show(f)}; speed ${s.side} ${plainDec(s.qty)} @ ${plainDec(s.price)} fee ${plainDec(s.fee)} ts ${s.ts}`,
    extra: (s) => `speed ${s.side} ${plainDec(s.qty)} @ ${plainDec(s.price)}; batch has none`,
    keep: BREAKS_KEPT,
  });
  const result: FillReconciliation = {
    model: snapshot ? 'snapshot' : 'default',
    execution: check.execution,
    batch: batch.count,
    rejected: rejected.size,
    openAtClose: check.open.size,
    ...compared,
  };
  if (snapshot) result.snapshot = comparePositions(snapshot, check.net);
  return result;
}

/**
 * Where the day started, per symbol (a FLAT closes what was carried in too). With the bot's
 * snapshot: its positions less the day's fills in FILLS, the bot's own record. Without: the
 * fills of the dates loaded before this one (which assumes this DuckDB file holds only this bot's
 * history).
 */
async function startPositions(
  conn: HistoryConnection,
  date: string,
  snapshot: SessionSnapshot | undefined,
): Promise<Map<string, string>> {
  const net = (where: string) =>
    conn
      .rows(
        `SELECT symbol, sum(CASE WHEN side = 'BUY' THEN qty ELSE -qty END)::VARCHAR AS qty
        FROM fills WHERE ${where} GROUP BY symbol`,
        { date },
      )
      .then((rows) => rows.map((row) => [String(row.symbol), String(row.qty)] as const));
  if (snapshot) {
    const start = new Map<string, Dec>();
    for (const p of snapshot.positions) start.set(p.symbol, new Dec(p.qty));
    for (const [symbol, qty] of await net('trade_date = $date'))
      start.set(symbol, (start.get(symbol) ?? new Dec(0)).minus(qty));
    return new Map([...start].map(([symbol, q]) => [symbol, q.toFixed()]));
  }
  return new Map((await net('trade_date < $date')).map(([symbol, qty]) => [symbol, plainDec(qty)]));
}
const show = (f: BatchRow) => `${f.side} ${f.qty} @ ${f.price} fee ${f.fee} ts ${f.ts}`;

function sameFill(s: Record<string, unknown>, f: BatchRow): boolean {
  return (
    s.side === f.side &&
    sameDecimal(s.qty, String(f.qty)) &&
    sameDecimal(s.price, String(f.price)) &&
    sameDecimal(s.fee, String(f.fee)) &&
    Number(s.ts) === Number(f.ts)
  );
}

/** The snapshot's positions against the carried positions plus the day's recomputed fills (`net`). */
function comparePositions(
  snapshot: SessionSnapshot,
  net: ReadonlyMap<string, Dec>,
): FillReconciliation['snapshot'] {
  const detail: string[] = [];
  const symbols = new Set([...net.keys(), ...snapshot.positions.map((p) => p.symbol)]);
  for (const symbol of [...symbols].sort()) {
    const held = new Dec(snapshot.positions.find((p) => p.symbol === symbol)?.qty ?? '0');
    const batchQty = net.get(symbol) ?? new Dec(0);
    if (!held.eq(batchQty)) detail.push(`${symbol}: snapshot ${held.toFixed()}, batch ${batchQty.toFixed()}`);
  }
  return { positionsEqual: detail.length === 0, detail };
}
