import { type Bus, DurablePublisher, subjects } from '@tickflow/bus';
import type { Decision, Fill, OrderEvent } from '@tickflow/core';
import type { PaperOrder } from '@tickflow/paper';
import { orderEvent } from './order-event.ts';

/**
 * What the bot's orders cause, published: fills to FILLS, rejections and expiries to ORDERS. Each
 * publish of this process is kept until acknowledged (fills by fill id, order events by decision
 * id): what a recomputation finds already applied is either here (wait for it) or already stored.
 */
export class OrderPublications {
  private readonly publisher: DurablePublisher;
  private readonly unstoredFills = new Map<string, Promise<void>>();
  private readonly unstoredEvents = new Map<string, Promise<void>>();

  constructor(bus: Bus) {
    this.publisher = new DurablePublisher(bus.js, { maxInFlight: 1000, readBack: bus.jsm });
  }

  /** Stores a fill in FILLS; resolves when acknowledged. */
  fill(fill: Fill): Promise<void> {
    return this.track(
      this.unstoredFills,
      fill.id,
      this.publisher.publishAcked(subjects.fill(fill.symbol), fill, fill.id),
    );
  }

  /** The publish of fill `id` by this process, until acknowledged. */
  unstoredFill(id: string): Promise<void> | undefined {
    return this.unstoredFills.get(id);
  }

  /** Stores the rejection or expiry of the order of `d` in ORDERS; resolves when acknowledged. */
  orderEvent(
    d: Decision,
    order: PaperOrder,
    status: OrderEvent['status'],
    why: { reason: string; message: string },
  ): Promise<void> {
    const event = orderEvent(d, order, status, why, Date.now() * 1000);
    const subject = subjects.orderEvent(status === 'REJECTED' ? 'rejected' : 'expired', d.symbol);
    return this.track(this.unstoredEvents, d.id, this.publisher.publishAcked(subject, event, event.id));
  }

  /** The publish of decision `id`'s order event by this process, until acknowledged. */
  unstoredEvent(decisionId: string): Promise<void> | undefined {
    return this.unstoredEvents.get(decisionId);
  }

  /** Fills and order events published and not yet acknowledged: what a stop could leave behind. */
  unstored(): { fills: string[]; orderEvents: string[] } {
    return { fills: [...this.unstoredFills.keys()], orderEvents: [...this.unstoredEvents.keys()] };
  }

  /** Keeps a publish in `map` until acknowledged (a failed one stays: the service stops on it). */
  private track(map: Map<string, Promise<void>>, key: string, acked: Promise<void>): Promise<void> {
    map.set(key, acked);
    acked.then(
      () => {
        if (map.get(key) === acked) map.delete(key);
      },
      () => {},
    );
    return acked;
  }
}
