import type { WireTick } from '@tickflow/core';
import type { JetStreamClient, NatsConnection } from 'nats';
import { Epoch } from './epoch.ts';
import type { Frame } from './frames.ts';
import type { LastStoredReader } from './last-stored.ts';
import type { Outbox } from './outbox.ts';
import {
  type ConfirmingPublisherOptions,
  type ConfirmingPublisherStats,
  PublisherClosedError,
} from './publisher-options.ts';
import { SendWindow } from './send-window.ts';
import { WindowConfirmer } from './window-confirmer.ts';

export {
  type ConfirmingPublisherOptions,
  type ConfirmingPublisherStats,
  ConfirmTimeoutError,
  type OverflowPolicy,
  PublisherClosedError,
} from './publisher-options.ts';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Durable publishing at core-NATS speed, in order, each message stored once.
 *
 * Every message goes out as a plain core publish carrying a `Nats-Msg-Id` header (the stream
 * stores it without a per-message ack) and stays in a bounded outbox. Every `confirmEvery`
 * messages (or `confirmIntervalMs`) a round reads back which message the stream holds last on the
 * subject of the newest one sent (a direct get, LastStoredReader): since the stream processes one
 * connection in order, everything sent before that message is stored too, and the outbox drops
 * through it. Nothing is published to confirm; what a fault makes it re-send reaches subscribers
 * of the subject again, which is why the streams republish what they store to `live.<subject>`.
 *
 * Order is kept by never sending a message while an older one may be lost ("holding": new
 * messages go to the outbox only):
 * - from a disconnect until the window has been re-sent after the reconnect. The stored messages
 *   of the window are a prefix of it; a binary search with read-backs finds where it ends, and
 *   only the rest is re-sent (a plain subscriber is not sent again what it already got);
 * - while the stream does not answer, or several reads over `stallMs` find nothing new stored
 *   (it may be dropping what is sent); sending resumes when everything sent is confirmed;
 * - after `confirmTimeoutMs` without progress: then the whole window is re-sent (what a live
 *   connection lost need not be a suffix), the duplicate window making no-ops of the stored ones.
 * A re-send starts with a JetStream publish of the oldest unconfirmed message (safe for order,
 * and a full or missing stream says so in its PubAck), then sends the rest synchronously, oldest
 * first, before anything new.
 */
export class ConfirmingPublisher {
  /** The outbox, what of it was sent on this connection, and whether new messages are held. */
  private readonly window: SendWindow;
  private readonly outbox: Outbox;
  /** The confirmation rounds and re-sends. */
  private readonly confirmer: WindowConfirmer;
  private readonly opts: Required<Omit<ConfirmingPublisherOptions, 'onEvent' | 'onConfirmed'>>;
  /** Bumped on every disconnect and reconnect: a read-back from another connection is stale. */
  private readonly epoch = new Epoch();
  private connected = true;
  private confirming: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failure: Error | undefined;
  private closed = false;
  private readonly stopStatus: () => void;
  readonly stats: ConfirmingPublisherStats;

  constructor(
    private readonly nc: NatsConnection,
    js: JetStreamClient,
    reader: LastStoredReader,
    options: ConfirmingPublisherOptions = {},
    subscribeStatus?: (listener: (type: string) => void) => () => void,
  ) {
    this.opts = {
      confirmEvery: options.confirmEvery ?? 5000,
      confirmIntervalMs: options.confirmIntervalMs ?? 20,
      maxOutboxBytes: options.maxOutboxBytes ?? 64 * 1024 * 1024,
      overflow: options.overflow ?? 'block',
      confirmTimeoutMs: options.confirmTimeoutMs ?? 5000,
    };
    this.window = new SendWindow(nc, this.opts.maxOutboxBytes);
    this.outbox = this.window.outbox;
    this.stats = this.window.stats;
    this.onEvent = options.onEvent;
    this.confirmer = new WindowConfirmer(this.window, js, reader, this.epoch, {
      confirmTimeoutMs: this.opts.confirmTimeoutMs,
      onEvent: options.onEvent,
      onConfirmed: options.onConfirmed,
    });
    const stopWatch = subscribeStatus?.((type) => this.statusChanged(type)) ?? (() => {});
    // The read-back connection losing its server is a server lost too (see LastStoredReader.onLost).
    const stopLost = reader.onLost(() => this.statusChanged('server-lost'));
    this.stopStatus = () => {
      stopWatch();
      stopLost();
    };
  }

  /**
   * A disconnect loses whatever nats.js had buffered (it resets its outbound buffer on every dial),
   * and messages sent after the reconnect would overtake older lost ones: hold from the disconnect
   * until the window has been re-sent after the reconnect. A cluster server lost (the connection
   * itself up) may have led the stream: what was sent to it and not yet stored is lost, and a newly
   * elected leader would store newer messages first. Hold and re-send the unstored part, which
   * waits for the new leader's PubAck. The epoch's end makes a read in flight stale at once.
   */
  private statusChanged(type: string): void {
    if (type !== 'disconnect' && type !== 'reconnect' && type !== 'server-lost') return;
    this.epoch.next();
    this.window.holding = true;
    this.window.recoveryNeeded = true;
    if (type !== 'server-lost') this.connected = type === 'reconnect';
    if (this.connected) void this.confirm();
  }

  private readonly onEvent: ConfirmingPublisherOptions['onEvent'];

  /**
   * Sends one message. Returns nothing when it was taken at once (the usual case, no promise
   * allocated), or a promise to await when the outbox is full under the `block` policy.
   */
  publish(subject: string, data: Uint8Array, msgId: string): undefined | Promise<void> {
    if (this.failure) throw this.failure;
    if (this.closed) throw new PublisherClosedError('publisher is closed');
    return this.admit(this.window.frames.bytes(subject, msgId, data));
  }

  /**
   * As `publish`, for a payload the caller knows to be ASCII text (a validated tick's JSON,
   * encodeValidTick's precondition): written straight into the wire frame, no buffer of its own.
   */
  publishAscii(subject: string, ascii: string, msgId: string): undefined | Promise<void> {
    if (this.failure) throw this.failure;
    if (this.closed) throw new PublisherClosedError('publisher is closed');
    return this.admit(this.window.frames.text(subject, msgId, ascii));
  }

  /** As `publishAscii(subject, validTickJson(t), msgId)`, the frame written without any string. */
  publishTick(subject: string, t: WireTick, msgId: string): undefined | Promise<void> {
    if (this.failure) throw this.failure;
    if (this.closed) throw new PublisherClosedError('publisher is closed');
    return this.admit(this.window.frames.tick(subject, msgId, t));
  }

  private admit(frame: Frame): undefined | Promise<void> {
    const size = frame.bytes.byteLength;
    const room = this.window.room;
    if (!room.fits(size)) {
      if (this.opts.overflow === 'block')
        return room
          .waitFor(
            size,
            () => void this.confirm(),
            () => this.failure,
          )
          .then(() => this.send(frame));
      const dropped = room.dropOldestFor(size);
      this.stats.dropped += dropped;
      this.onEvent?.({ type: 'dropped', count: dropped });
    }
    this.send(frame);
    return undefined;
  }

  /** Confirms everything published so far; resolves when the outbox is empty. */
  async flush(): Promise<void> {
    while (this.outbox.size > 0) {
      if (this.failure) throw this.failure;
      await this.confirm();
    }
    if (this.failure) throw this.failure;
  }

  /**
   * Resolves once everything published before this call is confirmed, while publishing goes on
   * (unlike flush, it does not wait for messages published after it).
   */
  async confirmed(): Promise<void> {
    const target = this.outbox.nextIndex - 1;
    while (this.outbox.firstIndex <= target && this.outbox.size > 0) {
      if (this.failure) throw this.failure;
      await this.confirm();
    }
    if (this.failure) throw this.failure;
  }

  /** Flushes, then stops the timer and status watch. */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      this.closed = true;
      if (this.timer) clearTimeout(this.timer);
      this.stopStatus();
    }
  }

  private send(frame: Frame): void {
    this.window.push(frame);
    if (++this.window.sinceConfirm >= this.opts.confirmEvery) void this.confirm();
    else this.schedule();
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.confirm();
    }, this.opts.confirmIntervalMs);
  }

  /** One round (or re-send) at a time; callers share the one in flight. */
  private confirm(): Promise<void> {
    this.confirming ??= this.step().finally(() => {
      this.confirming = undefined;
      if (this.closed) return;
      if (this.window.recoveryNeeded && this.connected && this.outbox.size > 0) void this.confirm();
      else if (this.outbox.size > 0) this.schedule();
    });
    return this.confirming;
  }

  private async step(): Promise<void> {
    if (this.nc.isClosed() && this.outbox.size > 0) {
      this.failure ??= new PublisherClosedError(
        `NATS connection closed with ${this.outbox.size} messages unconfirmed`,
      );
      return;
    }
    if (!this.connected) return sleep(50);
    if (this.window.recoveryNeeded) return this.confirmer.resend();
    return this.confirmer.round();
  }
}
