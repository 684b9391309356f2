import { Dec, type Decision, type Fill } from '@tickflow/core';
import { DEFAULT_EXECUTION, type ExecutionModel, PaperOrder, type TapeTick } from './order.ts';

export interface SimulatedDay {
  /** Every fill, per symbol in decision order, each order's fills in tick order. */
  fills: Fill[];
  /** Orders whose rest expired: decision id → unfilled quantity. */
  expired: Map<string, string>;
  /**
   * Orders the tape ended before they were done, and the later orders of their symbol that wait
   * behind them: decision id → unfilled quantity ('' for a FLAT that never started).
   */
  open: Map<string, string>;
}

/**
 * A venue+symbol's ticks in seq order, read on demand: the end of day keeps a ten-million-tick day
 * in typed columns and makes a TapeTick only for the ticks an order is offered, not for every one.
 * An array of TapeTicks is a tape too.
 */
export interface Tape {
  readonly length: number;
  /** The seq of tick `i` (the search for the first tick after a decision reads only this). */
  seqAt(i: number): number;
  at(i: number): TapeTick;
}

const arrayTape = (ticks: readonly TapeTick[]): Tape => ({
  length: ticks.length,
  seqAt: (i) => (ticks[i] as TapeTick).seq,
  at: (i) => ticks[i] as TapeTick,
});

/**
 * The batch form of the paper broker: the fills the live bot makes, recomputed from the decisions
 * (in stream order) and each venue+symbol's ticks (in seq order). Orders of one symbol execute one
 * after another, as in the bot, so a FLAT closes exactly what the orders before it left. Decisions
 * in `skip` (the bot's published rejections, whose risk verdict depended on the live state of every
 * symbol) are not executed.
 */
export function simulateExecution(
  decisions: readonly Decision[],
  tape: (venue: string, symbol: string) => readonly TapeTick[] | Tape,
  model: ExecutionModel = DEFAULT_EXECUTION,
  skip: ReadonlySet<string> = new Set(),
  startPositions: ReadonlyMap<string, string> = new Map(),
): SimulatedDay {
  const result: SimulatedDay = { fills: [], expired: new Map(), open: new Map() };
  const position = new Map<string, Dec>();
  for (const [symbol, qty] of startPositions) position.set(symbol, new Dec(qty));
  /** Symbols whose order the tape ended on: the bot would hold every later order of theirs. */
  const blocked = new Set<string>();
  for (const d of decisions) {
    if (skip.has(d.id)) continue;
    if (blocked.has(d.symbol)) {
      result.open.set(d.id, d.action === 'FLAT' ? '' : d.qty);
      continue;
    }
    const before = position.get(d.symbol) ?? new Dec(0);
    const order = new PaperOrder(d, before, model);
    const given = tape(d.venue, d.symbol);
    const ticks = Array.isArray(given) ? arrayTape(given) : (given as Tape);
    let net = before;
    for (let i = firstAfter(ticks, d.tickSeq); i < ticks.length && order.state === 'WORKING'; i++) {
      const fill = order.onTick(ticks.at(i));
      if (!fill) continue;
      result.fills.push(fill);
      net = fill.side === 'BUY' ? net.plus(fill.qty) : net.minus(fill.qty);
    }
    position.set(d.symbol, net);
    if (order.state === 'EXPIRED') result.expired.set(d.id, order.remainingQty);
    else if (order.state === 'WORKING') {
      result.open.set(d.id, order.remainingQty);
      blocked.add(d.symbol);
    }
  }
  return result;
}

/** Index of the first tick with seq > `seq` (binary search over a seq-ordered tape). */
function firstAfter(ticks: Tape, seq: number): number {
  let lo = 0;
  let hi = ticks.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ticks.seqAt(mid) <= seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
