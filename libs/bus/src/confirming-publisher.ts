import type { JetStreamClient, MsgHdrs, NatsConnection, PubAck } from 'nats';
import { Outbox } from './outbox.ts';

export type OverflowPolicy = 'block' | 'drop-oldest';

export interface ConfirmingPublisherOptions {
  /** Confirm after this many unconfirmed messages. Default 5,000. */
  confirmEvery?: number;
  /** Confirm the tail when this many ms passed without a confirm. Default 20. */
  confirmIntervalMs?: number;
  /** Bytes of unconfirmed messages kept for re-sending. Default 64 MiB. */
  maxOutboxBytes?: number;
  /** When the outbox is full: wait for confirmations (default), or drop the oldest, counted. */
  overflow?: OverflowPolicy;
  /** PubAck timeout of a confirmation, ms. Default 5,000. */
  confirmTimeoutMs?: number;
  /** Told of drops (drop-oldest) and resends, for metrics and loud logs. */
  onEvent?: (e: { type: 'dropped' | 'resent' | 'confirm-failed'; count: number; error?: unknown }) => void;
  /** Told how long each successful confirmation took (ms) and how many messages it confirmed. */
  onConfirmed?: (ms: number, count: number) => void;
}

export interface ConfirmingPublisherStats {
  published: number;
  confirmed: number;
  resent: number;
  dropped: number;
  confirmations: number;
  outboxMessages: number;
  outboxBytes: number;
}

/**
 * Durable publishing at core-NATS speed. Every message goes out as a plain core publish carrying a
 * `Nats-Msg-Id` header (the stream stores it without a per-message ack) and stays in a bounded
 * outbox. Every `confirmEvery` messages (or `confirmIntervalMs`) the newest one is published again
 * through JetStream with the same id: a PubAck saying `duplicate: true` proves the stream already
 * had it, and since one connection delivers in order, everything sent before it on that connection
 * has been processed too — the outbox drops through it. Anything else (a fresh store, a timeout, a
 * disconnect or reconnect seen meanwhile) re-sends the whole unconfirmed window with the same ids,
 * which the stream's duplicate window turns into no-ops for the ones it already had.
 */
export class ConfirmingPublisher {
  private readonly outbox = new Outbox();
  private readonly opts: Required<Omit<ConfirmingPublisherOptions, 'onEvent' | 'onConfirmed'>>;
  private epoch = 0;
  private resendNeeded = false;
  /** Between a disconnect and the re-send after the reconnect: keep new messages in the outbox only. */
  private paused = false;
  private sinceConfirm = 0;
  private confirming: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private waiters: (() => void)[] = [];
  private failure: Error | undefined;
  private closed = false;
  private readonly stopStatus: () => void;
  readonly stats: ConfirmingPublisherStats = {
    published: 0,
    confirmed: 0,
    resent: 0,
    dropped: 0,
    confirmations: 0,
    outboxMessages: 0,
    outboxBytes: 0,
  };

  constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
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
    this.onEvent = options.onEvent;
    this.onConfirmed = options.onConfirmed;
    // A disconnect loses whatever nats.js had buffered (it resets its outbound buffer on every dial),
    // and messages sent after the reconnect would overtake older lost ones. So: stop sending at the
    // disconnect, and after the reconnect re-send the whole window, oldest first, then go on.
    this.stopStatus =
      subscribeStatus?.((type) => {
        if (type === 'disconnect') {
          this.epoch++;
          this.paused = true;
          this.resendNeeded = true;
        } else if (type === 'reconnect') {
          this.epoch++;
          this.resendNeeded = true;
          this.paused = false;
          void this.confirm();
        }
      }) ?? (() => {});
  }

  private readonly onEvent: ConfirmingPublisherOptions['onEvent'];
  private readonly onConfirmed: ConfirmingPublisherOptions['onConfirmed'];

  /**
   * Sends one message. Returns nothing when it was taken at once (the usual case, no promise
   * allocated), or a promise to await when the outbox is full under the `block` policy.
   */
  publish(subject: string, data: Uint8Array, msgId: string): undefined | Promise<void> {
    if (this.failure) throw this.failure;
    if (this.closed) throw new Error('publisher is closed');
    if (this.outbox.bytes + data.byteLength > this.opts.maxOutboxBytes && this.outbox.size > 0) {
      if (this.opts.overflow === 'block')
        return this.waitForRoom(data.byteLength).then(() => this.send(subject, data, msgId));
      let dropped = 0;
      while (this.outbox.size > 0 && this.outbox.bytes + data.byteLength > this.opts.maxOutboxBytes) {
        this.outbox.dropOldest();
        dropped++;
      }
      this.stats.dropped += dropped;
      this.onEvent?.({ type: 'dropped', count: dropped });
    }
    this.send(subject, data, msgId);
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

  private send(subject: string, data: Uint8Array, msgId: string): void {
    if (!this.paused) {
      this.nc.publish(subject, data, msgIdHeader(msgId));
    }
    this.outbox.push({ subject, data, msgId, epoch: this.epoch });
    this.stats.published++;
    this.syncStats();
    if (++this.sinceConfirm >= this.opts.confirmEvery) void this.confirm();
    else
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        void this.confirm();
      }, this.opts.confirmIntervalMs);
  }

  /** One confirmation round at a time; callers share the round in flight. */
  private confirm(): Promise<void> {
    this.confirming ??= this.confirmRound().finally(() => {
      this.confirming = undefined;
      if (this.outbox.size > 0 && !this.closed && !this.timer) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          void this.confirm();
        }, this.opts.confirmIntervalMs);
      }
    });
    return this.confirming;
  }

  private async confirmRound(): Promise<void> {
    if (this.paused) {
      await new Promise((r) => setTimeout(r, 50));
      return;
    }
    if (this.resendNeeded) this.resend();
    const target = this.outbox.last();
    if (!target) return;
    this.sinceConfirm = 0;
    const epochAtStart = this.epoch;
    const started = performance.now();
    let ack: PubAck;
    try {
      ack = await this.js.publish(target.entry.subject, target.entry.data, {
        msgID: target.entry.msgId,
        timeout: this.opts.confirmTimeoutMs,
      });
    } catch (error) {
      // Timeout, no responders (broker restarting), or a stream limit: re-send, try again later.
      this.onEvent?.({ type: 'confirm-failed', count: this.outbox.size, error });
      this.resendNeeded = true;
      await new Promise((r) => setTimeout(r, 250));
      return;
    }
    this.stats.confirmations++;
    const trustworthy = ack.duplicate && this.epoch === epochAtStart && target.entry.epoch === epochAtStart;
    if (trustworthy && !this.resendNeeded) {
      const n = this.outbox.dropThrough(target.index);
      this.stats.confirmed += n;
      this.onConfirmed?.(performance.now() - started, n);
      this.syncStats();
      this.wakeWaiters();
    } else {
      // The stream had not got the newest message (so others may be missing too), or the
      // connection changed under us: send the window again; the next round confirms it.
      this.resendNeeded = true;
    }
  }

  private resend(): void {
    this.resendNeeded = false;
    let n = 0;
    for (const e of this.outbox.entries()) {
      this.nc.publish(e.subject, e.data, msgIdHeader(e.msgId));
      e.epoch = this.epoch;
      n++;
    }
    this.stats.resent += n;
    if (n) this.onEvent?.({ type: 'resent', count: n });
  }

  private async waitForRoom(bytes: number): Promise<void> {
    while (this.outbox.size > 0 && this.outbox.bytes + bytes > this.opts.maxOutboxBytes) {
      if (this.failure) throw this.failure;
      void this.confirm();
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private wakeWaiters(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const resolve of w) resolve();
  }

  private syncStats(): void {
    this.stats.outboxMessages = this.outbox.size;
    this.stats.outboxBytes = this.outbox.bytes;
  }
}

/**
 * Publish options carrying only a `Nats-Msg-Id` header, pre-encoded. nats.js calls nothing on
 * `headers` during a publish but `encode()`; its own MsgHdrs canonicalises and validates every key
 * and value on `set`, which cost a fifth of the feed's CPU. Our ids are plain tokens
 * (`venue:symbol:seq`, validated upstream), so the wire form is fixed. The cast is confined here.
 */
function msgIdHeader(msgId: string): { headers: MsgHdrs } {
  return { headers: new EncodedMsgId(msgId) as unknown as MsgHdrs };
}

/** A class, not a closure: a per-message arrow function costs more than the encoding itself. */
class EncodedMsgId {
  private readonly bytes: Uint8Array;
  constructor(msgId: string) {
    this.bytes = Buffer.from(`NATS/1.0\r\nNats-Msg-Id: ${msgId}\r\n\r\n`, 'latin1');
  }
  encode(): Uint8Array {
    return this.bytes;
  }
}
