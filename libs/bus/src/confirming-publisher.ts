import { ErrorCode, type JetStreamClient, type NatsConnection, NatsError } from 'nats';
import { Epoch, STALE } from './epoch.ts';
import { type Frame, FrameWriter, frameData } from './frames.ts';
import type { LastStoredReader, StoredRef } from './last-stored.ts';
import { Outbox } from './outbox.ts';
import { OutboxRoom } from './outbox-room.ts';
import {
  type ConfirmingPublisherOptions,
  type ConfirmingPublisherStats,
  ConfirmTimeoutError,
  PublisherClosedError,
} from './publisher-options.ts';
import { storedIndex, storedPrefixEnd } from './stored-prefix.ts';

export {
  type ConfirmingPublisherOptions,
  type ConfirmingPublisherStats,
  ConfirmTimeoutError,
  type OverflowPolicy,
  PublisherClosedError,
} from './publisher-options.ts';

const isTimeout = (e: unknown) => e instanceof NatsError && e.code === ErrorCode.Timeout;
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
  private readonly outbox = new Outbox();
  private readonly frames: FrameWriter;
  private readonly room: OutboxRoom;
  private readonly opts: Required<Omit<ConfirmingPublisherOptions, 'onEvent' | 'onConfirmed'>>;
  private readonly stallMs: number;
  /** Bumped on every disconnect and reconnect: a read-back from another connection is stale. */
  private readonly epoch = new Epoch();
  private connected = true;
  /** New messages go to the outbox only (see the class comment). */
  private holding = false;
  /** Absolute index after the last entry sent on this connection (entries from it are held). */
  private sentEnd = 0;
  /** The window must be re-sent (after a reconnect or a confirm timeout) before anything new. */
  private recoveryNeeded = false;
  /** Entries below this index may be missing out of order (a confirm timed out): re-send them all. */
  private holesBefore = 0;
  /** The newest entry confirmed so far (a read-back finding it has nothing new to say). */
  private lastConfirmed: StoredRef | undefined;
  private sinceConfirm = 0;
  private confirming: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failure: Error | undefined;
  private closed = false;
  private readonly stopStatus: () => void;
  // biome-ignore format: one line
  readonly stats: ConfirmingPublisherStats = { published: 0, confirmed: 0, resent: 0, dropped: 0, confirmations: 0, outboxMessages: 0, outboxBytes: 0 };

  constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly reader: LastStoredReader,
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
    this.stallMs = Math.min(this.opts.confirmTimeoutMs / 5, 100);
    this.room = new OutboxRoom(this.outbox, this.opts.maxOutboxBytes);
    this.frames = new FrameWriter(nc);
    this.onEvent = options.onEvent;
    this.onConfirmed = options.onConfirmed;
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
    this.holding = true;
    this.recoveryNeeded = true;
    if (type !== 'server-lost') this.connected = type === 'reconnect';
    if (this.connected) void this.confirm();
  }

  private readonly onEvent: ConfirmingPublisherOptions['onEvent'];
  private readonly onConfirmed: ConfirmingPublisherOptions['onConfirmed'];

  /**
   * Sends one message. Returns nothing when it was taken at once (the usual case, no promise
   * allocated), or a promise to await when the outbox is full under the `block` policy.
   */
  publish(subject: string, data: Uint8Array, msgId: string): undefined | Promise<void> {
    if (this.failure) throw this.failure;
    if (this.closed) throw new PublisherClosedError('publisher is closed');
    return this.admit(this.frames.bytes(subject, msgId, data));
  }

  /**
   * As `publish`, for a payload the caller knows to be ASCII text (a validated tick's JSON,
   * encodeValidTick's precondition): written straight into the wire frame, no buffer of its own.
   */
  publishAscii(subject: string, ascii: string, msgId: string): undefined | Promise<void> {
    if (this.failure) throw this.failure;
    if (this.closed) throw new PublisherClosedError('publisher is closed');
    return this.admit(this.frames.text(subject, msgId, ascii));
  }

  private admit(frame: Frame): undefined | Promise<void> {
    const size = frame.bytes.byteLength;
    if (!this.room.fits(size)) {
      if (this.opts.overflow === 'block')
        return this.room
          .waitFor(
            size,
            () => void this.confirm(),
            () => this.failure,
          )
          .then(() => this.send(frame));
      const dropped = this.room.dropOldestFor(size);
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
    const index = this.outbox.push(frame);
    if (!this.holding) {
      this.frames.send(frame);
      this.sentEnd = index + 1;
    }
    this.stats.published++;
    this.syncStats();
    if (++this.sinceConfirm >= this.opts.confirmEvery) void this.confirm();
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
      if (this.recoveryNeeded && this.connected && this.outbox.size > 0) void this.confirm();
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
    if (this.recoveryNeeded) return this.resendWindow();
    return this.round();
  }

  /** Index after the newest entry sent on this connection. */
  private sentTo(): number {
    return Math.max(this.sentEnd, this.outbox.firstIndex);
  }

  /** Reads back until the newest entry sent when the round began is stored. */
  private async round(): Promise<void> {
    const epoch = this.epoch.value;
    const goal = this.sentTo() - 1;
    if (goal < this.outbox.firstIndex) {
      if (this.holding) this.release();
      return;
    }
    this.sinceConfirm = 0;
    const started = performance.now();
    let progressAt = started;
    let confirmed = 0;
    let reported = false;
    let idleReads = 0;
    for (let attempt = 0; this.outbox.firstIndex <= goal; attempt++) {
      const newest = this.sentTo() - 1;
      const target = this.outbox.at(newest);
      if (!target) break;
      let advanced = 0;
      try {
        const at = await storedIndex(this.outbox, target.subject, newest, this.lastConfirmed, (subj) =>
          this.readBack(subj),
        );
        if (at === STALE || epoch !== this.epoch.value) return;
        advanced = this.confirmThrough(at);
      } catch (error) {
        if (epoch !== this.epoch.value) return;
        // A read waits behind everything sent before it on this connection, so a slow answer is
        // a backlog (the timeout below decides). Any other failure (no responders: no stream to
        // take messages) means what is sent now may be lost: send nothing new.
        if (!isTimeout(error)) {
          this.holding = true;
          if (!reported) this.onEvent?.({ type: 'confirm-failed', count: this.outbox.size, error });
          reported = true;
        }
      }
      confirmed += advanced;
      if (this.outbox.firstIndex > goal) break;
      const now = performance.now();
      idleReads = advanced > 0 ? 0 : idleReads + 1;
      if (advanced > 0) progressAt = now;
      else if (now - progressAt >= this.opts.confirmTimeoutMs) {
        this.recoveryNeeded = true;
        this.holding = true;
        this.holesBefore = this.outbox.nextIndex;
        const error = new ConfirmTimeoutError(`nothing stored for ${this.opts.confirmTimeoutMs} ms`);
        this.onEvent?.({ type: 'confirm-failed', count: this.outbox.size, error });
        return;
      } else if (now - progressAt >= this.stallMs && idleReads >= 3) {
        // Not one slow read behind a backlog: several reads saw nothing new. The stream may be
        // dropping what is sent (not capturing the subjects): send nothing new until it stores.
        this.holding = true;
      }
      await sleep(Math.min(1 + attempt, 10));
    }
    this.stats.confirmations++;
    this.onConfirmed?.(performance.now() - started, confirmed);
    if (this.holding && !this.recoveryNeeded && this.outbox.firstIndex >= this.sentTo()) this.release();
  }

  /**
   * Re-sends what the stream lacks, oldest first, before anything new: the first through
   * JetStream (its PubAck proves the stream takes messages again), the rest synchronously.
   */
  private async resendWindow(): Promise<void> {
    const epoch = this.epoch.value;
    try {
      const through =
        this.outbox.firstIndex >= this.holesBefore
          ? await storedPrefixEnd(this.outbox, this.sentTo(), (subject) => this.readBack(subject))
          : this.outbox.firstIndex - 1;
      if (through === STALE || epoch !== this.epoch.value) return;
      this.confirmThrough(through);
      const first = this.outbox.firstIndex;
      const oldest = this.outbox.at(first);
      if (oldest) {
        const acked = this.js.publish(oldest.subject, frameData(oldest), {
          msgID: oldest.msgId,
          timeout: this.opts.confirmTimeoutMs,
        });
        if ((await this.epoch.orStale(acked)) === STALE || epoch !== this.epoch.value) return;
        this.confirmThrough(first);
      }
    } catch (error) {
      if (epoch !== this.epoch.value) return;
      // Not there yet (broker restarting, stream not ready), or a stream limit: try again later.
      this.onEvent?.({ type: 'confirm-failed', count: this.outbox.size, error });
      await sleep(250);
      return;
    }
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
    if (resent > 0) this.onEvent?.({ type: 'resent', count: resent });
  }

  private readBack(subject: string): Promise<StoredRef | undefined | typeof STALE> {
    return this.epoch.orStale(this.reader.lastStored(subject, this.opts.confirmTimeoutMs));
  }

  /** Sends the held entries, oldest first, and stops holding (everything sent is confirmed). */
  private release(): void {
    for (const e of this.outbox.entries(this.sentTo())) this.frames.send(e);
    this.sentEnd = this.outbox.nextIndex;
    this.holding = false;
  }

  /** Drops the outbox through absolute `index` (stored); returns how many went. */
  private confirmThrough(index: number): number {
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
