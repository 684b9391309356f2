import type { JetStreamClient, JetStreamManager, PubAck } from 'nats';
import { encode } from './codec.ts';
import { storedSince } from './stored-id.ts';

export class PublishError extends Error {
  override name = 'PublishError';
}

export interface DurablePublisherOptions {
  /** Publishes awaiting their PubAck at once; the next publish waits when full. Default 1000. */
  maxInFlight?: number;
  /** Attempts per message (same msg id each time, so a retry cannot duplicate). Default 5. */
  attempts?: number;
  /**
   * With it, a publish whose PubAck was lost is looked for in the stream before it is sent again:
   * the broker may have stored it (and delivered it live) before a restart lost the reply, and a
   * second copy would reach live subscribers twice even though the stream drops it.
   */
  readBack?: JetStreamManager;
}

/**
 * Publishes to JetStream with a dedup id per message and a bounded window of unacknowledged
 * publishes. A publish whose PubAck fails is retried with the same `Nats-Msg-Id`; `publish()`
 * resolves when the message has a slot, `settle()` when every message so far is acknowledged.
 */
export class DurablePublisher {
  private readonly inFlight = new Set<Promise<void>>();
  private failure: Error | undefined;
  private readonly maxInFlight: number;
  private readonly attempts: number;
  private readonly readBack: JetStreamManager | undefined;
  /** Stream of each subject and the highest sequence acked per stream: where a lost one can be. */
  private readonly streamOf = new Map<string, string>();
  private readonly ackedSeq = new Map<string, number>();
  acked = 0;
  /** Re-sends avoided because the stream already held the message. */
  foundStored = 0;
  duplicates = 0;

  constructor(
    private readonly js: JetStreamClient,
    opts: DurablePublisherOptions = {},
  ) {
    this.maxInFlight = opts.maxInFlight ?? 1000;
    this.attempts = opts.attempts ?? 5;
    this.readBack = opts.readBack;
  }

  /**
   * Queues a publish: resolves once it has a slot in the window (not when it is acknowledged);
   * a failure surfaces from the next `publish()` or from `settle()`.
   */
  async publish(subject: string, value: unknown, msgId: string): Promise<void> {
    const { acked } = await this.enqueue(subject, value, msgId);
    // Failures are kept in `failure` by enqueue and thrown from the next publish or settle.
    acked.catch(() => {});
  }

  /**
   * Queues a publish and returns the promise of its PubAck, for callers that must act only once
   * the message is stored (ack the input that caused it). Waits for a slot first.
   */
  async publishAcked(subject: string, value: unknown, msgId: string): Promise<void> {
    const { acked } = await this.enqueue(subject, value, msgId);
    return acked;
  }

  /** Wrapped in an object: an async function returning a bare promise would wait for it. */
  private async enqueue(subject: string, value: unknown, msgId: string): Promise<{ acked: Promise<void> }> {
    if (this.failure) throw this.failure;
    while (this.inFlight.size >= this.maxInFlight) await Promise.race(this.inFlight);
    const data = encode(value);
    const acked = this.send(subject, data, msgId).then((ack) => {
      this.acked++;
      if (ack.duplicate) this.duplicates++;
    });
    const tracked: Promise<void> = acked
      .catch((err: Error) => {
        this.failure ??= err;
      })
      .finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
    return { acked };
  }

  /** Waits for every outstanding PubAck; throws the first publish that failed for good. */
  async settle(): Promise<void> {
    await Promise.all(this.inFlight);
    if (this.failure) throw this.failure;
  }

  get pending(): number {
    return this.inFlight.size;
  }

  private async send(subject: string, data: Uint8Array, msgID: string): Promise<PubAck> {
    let last: unknown;
    // Any ack received before this send has a lower sequence than this message will have.
    const known = this.streamOf.get(subject);
    const floor = known ? (this.ackedSeq.get(known) ?? 0) : 0;
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      try {
        if (attempt > 1 && (await this.alreadyStored(subject, msgID, floor))) {
          this.foundStored++;
          return { stream: this.streamOf.get(subject) ?? '', seq: 0, duplicate: true, domain: '' };
        }
        const ack = await this.js.publish(subject, data, { msgID, timeout: 5000 });
        this.streamOf.set(subject, ack.stream);
        if (ack.seq > (this.ackedSeq.get(ack.stream) ?? 0)) this.ackedSeq.set(ack.stream, ack.seq);
        return ack;
      } catch (err) {
        last = err;
        await new Promise((r) => setTimeout(r, Math.min(2000, 50 * 2 ** attempt)));
      }
    }
    throw new PublishError(`publish ${msgID} on ${subject} failed after ${this.attempts} attempts`, {
      cause: last,
    });
  }

  private async alreadyStored(subject: string, msgID: string, floor: number): Promise<boolean> {
    if (!this.readBack) return false;
    let stream = this.streamOf.get(subject);
    if (!stream) {
      stream = await this.readBack.streams.find(subject);
      this.streamOf.set(subject, stream);
    }
    return storedSince(this.readBack, stream, subject, msgID, floor > 0 ? floor + 1 : 0);
  }
}
