import { type Bus, type ConfirmingPublisher, encode, subjects } from '@tickflow/bus';
import type { Decision } from '@tickflow/core';
import type { Logger } from '@tickflow/runtime';

/**
 * The signals service's way to DECISIONS. Decisions go out at once as core publishes with their
 * id as Nats-Msg-Id; `commit()` waits until DECISIONS confirmed them, and only then are the ticks
 * that caused them acked.
 */
export class DecisionPublisher {
  private readonly publisher: ConfirmingPublisher;
  /** Publishes that had to wait for outbox room; the next commit waits for them. */
  private waiting: Promise<void>[] = [];

  constructor(bus: Bus, log: Logger) {
    this.publisher = bus.confirmingPublisher({
      confirmEvery: 500,
      confirmIntervalMs: 10,
      // Re-sends reach live subscribers again: say so, as the feed does.
      onEvent: (e) => {
        if (e.type === 'dropped')
          log.error({ dropped: e.count }, 'outbox full: unconfirmed decisions dropped');
        else
          log.warn(
            { count: e.count, err: e.error },
            e.type === 'resent' ? 'decisions re-sent' : 'decision confirmation failed',
          );
      },
    });
  }

  /** Sends a decision for the bot partitions given (`decisions.<symbol>.p<k>of<n>`; 1: plain). */
  publish(d: Decision, decisionPartitions: number): void {
    const wait = this.publisher.publish(
      subjects.decision(d.symbol, d.venue, decisionPartitions),
      encode(d),
      d.id,
    );
    if (wait) this.waiting.push(wait);
  }

  /** Decisions sent but not yet confirmed by DECISIONS. */
  get unconfirmed(): number {
    return this.publisher.stats.outboxMessages;
  }

  /** Resolves when every decision sent so far is stored in DECISIONS. */
  async commit(): Promise<void> {
    const waiting = this.waiting;
    this.waiting = [];
    await Promise.all(waiting);
    await this.publisher.confirmed();
  }

  async close(): Promise<void> {
    await this.commit();
    await this.publisher.close();
  }
}
