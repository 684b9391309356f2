import { Dec, type Decision, dec, type Fill } from '@tickflow/core';
import { type ExecutionModel, PaperOrder, type Tape } from '@tickflow/paper';
import type { Rejection, RiskGate } from './risk-gate.ts';

/**
 * One symbol's paper broker across days: libs/paper's `PaperOrder` (the bot's own matching), with
 * orders executed one after another per symbol as the bot and `simulateExecution` (the end of
 * day's recomputation) execute them. Unlike `simulateExecution`, which sees one day's tape, it keeps
 * the order still working when a day's tape ends (and the decisions queued behind it), and the
 * position, to go on with the next day's tape, as the live bot would across midnight. With a
 * RiskGate (the bot's risk limits), each order is checked as it starts, as the bot checks it, and
 * a refused one is skipped (listed in `rejections`); every fill goes to the gate as it happens.
 */
export class SymbolBroker {
  private position = new Dec(0);
  private working: PaperOrder | undefined;
  /** Decisions waiting behind the working order. */
  private waiting: Decision[] = [];
  /** Orders whose rest expired, with the unfilled quantity. */
  expired = 0;

  /** The orders the gate refused since the last `runDay` began. */
  rejections: Rejection[] = [];

  constructor(
    readonly symbol: string,
    private readonly model: ExecutionModel,
    private readonly gate?: RiskGate,
  ) {}

  get qty(): Dec {
    return this.position;
  }

  /** Orders not done when the last tape ended: the working one and those behind it. */
  get open(): number {
    return (this.working ? 1 : 0) + this.waiting.length;
  }

  /**
   * Executes the day's decisions of this symbol (in the order the replay made them) against its
   * venues' tapes; returns the fills in the order made.
   */
  runDay(decisions: readonly Decision[], tapeOf: (venue: string) => Tape): Fill[] {
    const fills: Fill[] = [];
    this.rejections = [];
    const queue = this.waiting.concat(decisions);
    this.waiting = [];
    if (this.working && !this.work(this.working, tapeOf(this.working.decision.venue), fills)) {
      this.waiting = queue;
      return fills;
    }
    this.working = undefined;
    for (let k = 0; k < queue.length; k++) {
      const d = queue[k] as Decision;
      const order = new PaperOrder(d, this.position, this.model);
      if (this.gate && order.state === 'WORKING' && order.side) {
        const verdict = this.gate.check(d, order, this.position, tapeOf(d.venue));
        if (verdict) {
          this.rejections.push({ decision: d, side: order.side, qty: order.qty.toFixed(), verdict });
          continue;
        }
      }
      if (!this.work(order, tapeOf(d.venue), fills)) {
        this.working = order;
        this.waiting = queue.slice(k + 1);
        break;
      }
    }
    return fills;
  }

  /** Offers `order` the tape's ticks after its deciding tick; false while it is still working. */
  private work(order: PaperOrder, tape: Tape, fills: Fill[]): boolean {
    for (
      let i = firstAfter(tape, order.decision.tickSeq);
      i < tape.length && order.state === 'WORKING';
      i++
    ) {
      const tick = tape.at(i);
      const fill = order.onTick(tick);
      if (!fill) continue;
      fills.push(fill);
      this.gate?.filled(fill, tick);
      const qty = dec(fill.qty); // parsed once per distinct string
      this.position = fill.side === 'BUY' ? this.position.plus(qty) : this.position.minus(qty);
    }
    if (order.state === 'EXPIRED') this.expired++;
    return order.state !== 'WORKING';
  }
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
