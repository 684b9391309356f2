import type { Decision } from '@tickflow/core';

/** One symbol's order chain. */
export interface Lane {
  tail: Promise<void>;
  /** Orders of the symbol not yet done (the working one and those queued behind it). */
  count: number;
  /** Whether the working order has matched every tick so far and waits for the next one. */
  headWaiting: boolean;
}

/**
 * The bot's orders in decision order: each symbol's orders run one after another (the next
 * order of the symbol starts after the tail), and an order stays in progress by decision id until
 * all it caused is stored, so a redelivery of its decision joins it.
 */
export class OrderLanes {
  /** Each symbol's order chain: the next order of the symbol starts after the tail. */
  private readonly lanes = new Map<string, Lane>();
  /** Orders in progress by decision id, until all they caused is stored: a redelivery joins them. */
  private readonly inProgress = new Map<string, Promise<void>>();

  /** The order of decision `id` in progress: resolves when all it caused is stored. */
  running(id: string): Promise<void> | undefined {
    return this.inProgress.get(id);
  }

  /**
   * Joins an order to its symbol's chain at once (decision order). `execute` runs it once the
   * symbol's previous order is matched and resolves when it is matched, with the promise of all
   * it caused being stored; the returned promise is that one (the decision is acked then).
   */
  enqueue(d: Decision, execute: (lane: Lane) => Promise<{ stored: Promise<void> }>): Promise<void> {
    let lane = this.lanes.get(d.symbol);
    if (!lane) {
      lane = { tail: Promise.resolve(), count: 0, headWaiting: false };
      this.lanes.set(d.symbol, lane);
    }
    const own = lane;
    own.count++;
    // The next order of the symbol starts once this one is matched (its state applied); the decision
    // is acked once, in addition, everything it caused is stored.
    const matched = own.tail.then(() => execute(own));
    const done = matched.then((r) => r.stored);
    const tail = matched.then(
      () => {},
      () => {}, // a failed order must not stall the orders behind it
    );
    own.tail = tail;
    this.inProgress.set(d.id, done);
    const forget = () => {
      if (this.inProgress.get(d.id) === done) this.inProgress.delete(d.id);
    };
    done.then(forget, forget);
    void tail.then(() => {
      own.headWaiting = false;
      if (--own.count === 0 && this.lanes.get(d.symbol) === own) this.lanes.delete(d.symbol);
    });
    return done;
  }

  /** Orders that have seen every tick so far and still work, with the orders queued behind them. */
  get waitingForTicks(): number {
    let n = 0;
    for (const lane of this.lanes.values()) if (lane.headWaiting) n += lane.count;
    return n;
  }

  /** Decision ids of the orders in progress. */
  decisionIds(): string[] {
    return [...this.inProgress.keys()];
  }
}
