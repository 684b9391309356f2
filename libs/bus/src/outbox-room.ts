import type { Outbox } from './outbox.ts';

/**
 * Room in a publisher's bounded outbox for one more message: the outbox may pass its byte limit
 * only when empty (a message larger than the limit still goes). When full, `block` waits for
 * confirmations to make room; `drop-oldest` drops unconfirmed messages, oldest first.
 */
export class OutboxRoom {
  private waiters: (() => void)[] = [];

  constructor(
    private readonly outbox: Outbox,
    private readonly maxBytes: number,
  ) {}

  /** Whether a message of `bytes` fits now. */
  fits(bytes: number): boolean {
    return this.outbox.size === 0 || this.outbox.bytes + bytes <= this.maxBytes;
  }

  /** Drops the oldest entries until `bytes` fits; returns how many were dropped. */
  dropOldestFor(bytes: number): number {
    let dropped = 0;
    while (!this.fits(bytes)) {
      this.outbox.dropOldest();
      dropped++;
    }
    return dropped;
  }

  /**
   * Resolves once `bytes` fits, asking for a confirmation round (`confirm`) each time it waits;
   * throws the publisher's failure (`failure()`) if one comes meanwhile.
   */
  async waitFor(bytes: number, confirm: () => void, failure: () => Error | undefined): Promise<void> {
    while (!this.fits(bytes)) {
      const error = failure();
      if (error) throw error;
      confirm();
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Wakes every waiter to look again (after the outbox shrank or the publisher failed). */
  wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const resolve of w) resolve();
  }
}
