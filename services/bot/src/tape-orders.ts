import type { Decision, Fill } from '@tickflow/core';
import type { PaperOrder } from '@tickflow/paper';
import type { Logger } from '@tickflow/runtime';
import { type BackfillFrom, Tape, type TapeBackfill } from './tape.ts';

/** An order given up because the bot stops: its decision is left unacked for the next process. */
export class OrderAbandonedError extends Error {
  override name = 'OrderAbandonedError';
}

/**
 * The bot's tape, and its orders run against it tick by tick until each is done; when the bot
 * stops, every order still waiting for ticks fails with OrderAbandonedError, and none starts any more.
 */
export class TapeOrders {
  readonly tape: Tape;
  private stopping = false;
  private readonly abandons = new Set<() => void>();

  constructor(
    opts: {
      /** Ticks kept (shared by all venue+symbols) for orders whose ticks passed before their decision. */
      tapeCapacity: number;
      /** Reads a lane of TICKS back from the stream (see Tape). */
      backfill: TapeBackfill;
      /** How long an order waits at a tick missing from TICKS before passing over it (0: for ever). */
      lostTickMs?: number;
    },
    log: Logger,
    /** Counts a tick given up as lost. */
    countLost: () => void,
  ) {
    const lostAfterMs = opts.lostTickMs ?? 0;
    this.tape = new Tape(
      opts.tapeCapacity,
      opts.backfill,
      (venue, symbol, seq) =>
        log.warn({ venue, symbol, seq }, 'an order waits for a tick missing from TICKS below newer ones'),
      lostAfterMs > 0
        ? {
            afterMs: lostAfterMs,
            onLost: (venue, symbol, seq) => {
              countLost();
              log.error(
                { venue, symbol, seq, waitedMs: lostAfterMs },
                'a tick missing from TICKS never came: the order passes over it, as the end of day does (--lost-tick-ms)',
              );
            },
          }
        : undefined,
    );
  }

  /** Throws OrderAbandonedError once the bot stops: an order not started yet must not start. */
  checkStart(d: Decision): void {
    if (this.stopping) throw new OrderAbandonedError(`order for ${d.id} not started: the bot is stopping`);
  }

  /**
   * Feeds `order` the ticks of its venue+symbol after its decision (those already passed read
   * back from TICKS) until it is no longer working, handing each fill to `onFill`;
   * `onCaughtUp` is called when it has seen the whole tape and waits for the next tick.
   */
  async follow(
    d: Decision,
    order: PaperOrder,
    onFill: (fill: Fill) => void,
    onCaughtUp: () => void,
  ): Promise<void> {
    let abandon = () => {};
    try {
      await new Promise<void>((resolve, reject) => {
        const from: BackfillFrom =
          d.tickStreamSeq !== undefined
            ? { streamSeq: d.tickStreamSeq + 1 }
            : { since: new Date(Math.floor(d.decidedAt / 1000) - 60_000) };
        let stop: (() => void) | undefined;
        let finished = false;
        const onTick = (tick: Parameters<PaperOrder['onTick']>[0]): boolean => {
          if (finished) return true;
          const fill = order.onTick(tick);
          if (fill) onFill(fill);
          if (order.state !== 'WORKING') {
            finished = true;
            stop?.();
            resolve();
          }
          return finished;
        };
        abandon = () => {
          if (finished) return;
          finished = true;
          stop?.();
          reject(new OrderAbandonedError(`order for ${d.id} abandoned: the bot is stopping`));
        };
        this.abandons.add(abandon);
        if (this.stopping) abandon();
        this.tape.follow(d.venue, d.symbol, d.tickSeq, from, onTick, reject).then((s) => {
          stop = s;
          if (finished) s();
          else onCaughtUp(); // it has seen the whole tape: it waits for the next tick
        }, reject);
      });
    } finally {
      this.abandons.delete(abandon);
    }
  }

  /**
   * Stops working: every order still waiting for ticks fails with OrderAbandonedError, so its
   * decision is not acked and comes back to the next process.
   */
  abandonAll(): void {
    this.stopping = true;
    for (const abandon of this.abandons) abandon();
    this.abandons.clear();
  }
}
