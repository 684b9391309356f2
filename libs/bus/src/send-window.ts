import type { NatsConnection } from 'nats';
import { type Frame, FrameWriter } from './frames.ts';
import type { StoredRef } from './last-stored.ts';
import { Outbox } from './outbox.ts';
import { OutboxRoom } from './outbox-room.ts';
import type { ConfirmingPublisherStats } from './publisher-options.ts';

/**
 * A ConfirmingPublisher's window: the outbox of unconfirmed messages, how much of it went out on
 * the current connection and whether new ones may go out. It sends (or holds) each new frame,
 * sends held or lost ones again, drops what the stream confirmed stored, and keeps the publisher's
 * counts. When to hold, confirm or re-send is decided by the publisher and its WindowConfirmer
 * (see ConfirmingPublisher's class comment).
 */
export class SendWindow {
  readonly outbox = new Outbox();
  readonly frames: FrameWriter;
  readonly room: OutboxRoom;
  /** Absolute index after the last entry sent on this connection (entries from it are held). */
  private sentEnd = 0;
  /** New messages go to the outbox only (see ConfirmingPublisher's class comment). */
  holding = false;
  /** The window must be re-sent (after a reconnect or a confirm timeout) before anything new. */
  recoveryNeeded = false;
  /** Entries below this index may be missing out of order (a confirm timed out): re-send them all. */
  holesBefore = 0;
  /** Messages added since the last confirmation round began. */
  sinceConfirm = 0;
  /** The newest entry confirmed so far (a read-back finding it has nothing new to say). */
  lastConfirmed: StoredRef | undefined;
  // biome-ignore format: one line
  readonly stats: ConfirmingPublisherStats = { published: 0, confirmed: 0, resent: 0, dropped: 0, confirmations: 0, outboxMessages: 0, outboxBytes: 0 };

  constructor(nc: NatsConnection, maxOutboxBytes: number) {
    this.room = new OutboxRoom(this.outbox, maxOutboxBytes);
    this.frames = new FrameWriter(nc);
  }

  /** Adds a frame to the outbox and sends it, unless holding (then `release` sends it). */
  push(frame: Frame): void {
    const index = this.outbox.push(frame);
    if (!this.holding) {
      this.frames.send(frame);
      this.sentEnd = index + 1;
    }
    this.stats.published++;
    this.syncStats();
  }

  /** Index after the newest entry sent on this connection. */
  sentTo(): number {
    return Math.max(this.sentEnd, this.outbox.firstIndex);
  }

  /** Sends the held entries, oldest first, and stops holding (everything sent is confirmed). */
  release(): void {
    for (const e of this.outbox.entries(this.sentTo())) this.frames.send(e);
    this.sentEnd = this.outbox.nextIndex;
    this.holding = false;
  }

  /**
   * Sends every entry of the outbox again, oldest first, and ends the recovery (new messages go
   * out again); returns (and counts as resent) how many of them had been sent before.
   */
  resendAll(): number {
    const sentBefore = this.sentTo();
    let resent = 0;
    for (const e of this.outbox.entries()) {
      this.frames.send(e);
      resent++;
    }
    resent = Math.min(resent, sentBefore - this.outbox.firstIndex);
    this.sentEnd = this.outbox.nextIndex;
    this.recoveryNeeded = false;
    this.holding = false;
    this.stats.resent += resent;
    return resent;
  }

  /** Drops the outbox through absolute `index` (stored); returns how many went. */
  confirmThrough(index: number): number {
    if (index < this.outbox.firstIndex) return 0;
    const last = this.outbox.at(Math.min(index, this.outbox.nextIndex - 1));
    if (last) this.lastConfirmed = { msgId: last.msgId, subject: last.subject };
    const n = this.outbox.dropThrough(index);
    this.stats.confirmed += n;
    this.syncStats();
    this.room.wake();
    return n;
  }

  private syncStats(): void {
    this.stats.outboxMessages = this.outbox.size;
    this.stats.outboxBytes = this.outbox.bytes;
  }
}
