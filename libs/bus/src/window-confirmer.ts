import { ErrorCode, type JetStreamClient, NatsError } from 'nats';
import { type Epoch, STALE } from './epoch.ts';
import { frameData } from './frames.ts';
import type { LastStoredReader, StoredRef } from './last-stored.ts';
import type { Outbox } from './outbox.ts';
import { type ConfirmingPublisherOptions, ConfirmTimeoutError } from './publisher-options.ts';
import type { SendWindow } from './send-window.ts';
import { storedIndex, storedPrefixEnd } from './stored-prefix.ts';

const isTimeout = (e: unknown) => e instanceof NatsError && e.code === ErrorCode.Timeout;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The read-backs of a ConfirmingPublisher (its class comment tells the protocol): a round confirms
 * what the stream stored of what was sent, and holds new messages when the stream stops storing;
 * a re-send, after a reconnect or a confirm timeout, finds what of the window the stream lacks and
 * sends it again, oldest first. The publisher runs one of them at a time.
 */
export class WindowConfirmer {
  private readonly outbox: Outbox;
  private readonly confirmTimeoutMs: number;
  private readonly stallMs: number;
  private readonly onEvent: ConfirmingPublisherOptions['onEvent'];
  private readonly onConfirmed: ConfirmingPublisherOptions['onConfirmed'];

  constructor(
    private readonly window: SendWindow,
    private readonly js: JetStreamClient,
    private readonly reader: LastStoredReader,
    /** Bumped on every disconnect and reconnect: a read-back from another connection is stale. */
    private readonly epoch: Epoch,
    options: Pick<ConfirmingPublisherOptions, 'onEvent' | 'onConfirmed'> & { confirmTimeoutMs: number },
  ) {
    this.outbox = window.outbox;
    this.confirmTimeoutMs = options.confirmTimeoutMs;
    this.stallMs = Math.min(options.confirmTimeoutMs / 5, 100);
    this.onEvent = options.onEvent;
    this.onConfirmed = options.onConfirmed;
  }

  /** Reads back until the newest entry sent when the round began is stored. */
  async round(): Promise<void> {
    const epoch = this.epoch.value;
    const goal = this.window.sentTo() - 1;
    if (goal < this.outbox.firstIndex) {
      if (this.window.holding) this.window.release();
      return;
    }
    this.window.sinceConfirm = 0;
    const started = performance.now();
    let progressAt = started;
    let confirmed = 0;
    let reported = false;
    let idleReads = 0;
    for (let attempt = 0; this.outbox.firstIndex <= goal; attempt++) {
      const newest = this.window.sentTo() - 1;
      const target = this.outbox.at(newest);
      if (!target) break;
      let advanced = 0;
      try {
        const at = await storedIndex(this.outbox, target.subject, newest, this.window.lastConfirmed, (subj) =>
          this.readBack(subj),
        );
        if (at === STALE || epoch !== this.epoch.value) return;
        advanced = this.window.confirmThrough(at);
      } catch (error) {
        if (epoch !== this.epoch.value) return;
        // A read waits behind everything sent before it on this connection, so a slow answer is
        // a backlog (the timeout below decides). Any other failure (no responders: no stream to
        // take messages) means what is sent now may be lost: send nothing new.
        if (!isTimeout(error)) {
          this.window.holding = true;
          if (!reported) this.onEvent?.({ type: 'confirm-failed', count: this.outbox.size, error });
          reported = true;
        }
      }
      confirmed += advanced;
      if (this.outbox.firstIndex > goal) break;
      const now = performance.now();
      idleReads = advanced > 0 ? 0 : idleReads + 1;
      if (advanced > 0) progressAt = now;
      else if (now - progressAt >= this.confirmTimeoutMs) {
        this.window.recoveryNeeded = true;
        this.window.holding = true;
        this.window.holesBefore = this.outbox.nextIndex;
        const error = new ConfirmTimeoutError(`nothing stored for ${this.confirmTimeoutMs} ms`);
        this.onEvent?.({ type: 'confirm-failed', count: this.outbox.size, error });
        return;
      } else if (now - progressAt >= this.stallMs && idleReads >= 3) {
        // Not one slow read behind a backlog: several reads saw nothing new. The stream may be
        // dropping what is sent (not capturing the subjects): send nothing new until it stores.
        this.window.holding = true;
      }
      await sleep(Math.min(1 + attempt, 10));
    }
    this.window.stats.confirmations++;
    this.onConfirmed?.(performance.now() - started, confirmed);
    if (this.window.holding && !this.window.recoveryNeeded && this.outbox.firstIndex >= this.window.sentTo())
      this.window.release();
  }

  /**
   * Re-sends what the stream lacks, oldest first, before anything new: the first through
   * JetStream (its PubAck proves the stream takes messages again), the rest synchronously.
   */
  async resend(): Promise<void> {
    const epoch = this.epoch.value;
    try {
      const through =
        this.outbox.firstIndex >= this.window.holesBefore
          ? await storedPrefixEnd(this.outbox, this.window.sentTo(), (subject) => this.readBack(subject))
          : this.outbox.firstIndex - 1;
      if (through === STALE || epoch !== this.epoch.value) return;
      this.window.confirmThrough(through);
      const first = this.outbox.firstIndex;
      const oldest = this.outbox.at(first);
      if (oldest) {
        const acked = this.js.publish(oldest.subject, frameData(oldest), {
          msgID: oldest.msgId,
          timeout: this.confirmTimeoutMs,
        });
        if ((await this.epoch.orStale(acked)) === STALE || epoch !== this.epoch.value) return;
        this.window.confirmThrough(first);
      }
    } catch (error) {
      if (epoch !== this.epoch.value) return;
      // Not there yet (broker restarting, stream not ready), or a stream limit: try again later.
      this.onEvent?.({ type: 'confirm-failed', count: this.outbox.size, error });
      await sleep(250);
      return;
    }
    const resent = this.window.resendAll();
    if (resent > 0) this.onEvent?.({ type: 'resent', count: resent });
  }

  private readBack(subject: string): Promise<StoredRef | undefined | typeof STALE> {
    return this.epoch.orStale(this.reader.lastStored(subject, this.confirmTimeoutMs));
  }
}
