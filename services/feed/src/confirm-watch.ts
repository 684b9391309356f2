import type { ConfirmingPublisherStats } from '@tickflow/bus';
import { Counter, Gauge, type Registry } from '@tickflow/runtime';

/**
 * Whether JetStream is storing what the feed sends. A publish goes out at once and is confirmed
 * later (ConfirmingPublisher); when the stream cannot store — its disk is full, its server stuck
 * on the store, a limit reached — the connection stays up and only the confirmations fail or time
 * out. So the feed's health looks at them: ticks waiting in the outbox with nothing confirmed for
 * `stallMs` is a stalled stream (degraded, with the last error), and the next confirmation clears
 * it. The ticks stay in the outbox meanwhile and are re-sent, so nothing unconfirmed is lost.
 */
export class ConfirmWatch {
  private lastConfirmedAt: number;
  private lastError: string | undefined;
  /** Confirmations that succeeded, since start. */
  confirmed = 0;
  private readonly failures: Counter;

  constructor(
    private readonly publisher: () => ConfirmingPublisherStats,
    private readonly stallMs: number,
    registry: Registry,
    private readonly now: () => number = Date.now,
  ) {
    this.lastConfirmedAt = now();
    this.failures = new Counter({
      name: 'tickflow_feed_confirm_failures_total',
      help: 'JetStream confirmation rounds that failed or timed out (the window is re-sent)',
      registers: [registry],
    });
    const watch = this;
    new Gauge({
      name: 'tickflow_feed_stream_stalled',
      help: '1 while ticks wait unconfirmed and JetStream confirmed nothing for the stall time',
      registers: [registry],
      collect() {
        this.set(watch.check().ok ? 0 : 1);
      },
    });
    new Gauge({
      name: 'tickflow_feed_unconfirmed_seconds',
      help: 'seconds since the last confirmation while ticks wait in the outbox (0 when none wait)',
      registers: [registry],
      collect() {
        this.set(watch.waitingMs() / 1000);
      },
    });
  }

  /** A confirmation round succeeded. */
  onConfirmed(): void {
    this.confirmed++;
    this.lastConfirmedAt = this.now();
    this.lastError = undefined;
  }

  /** A confirmation round failed (timeout, no responders, a store or limit error). */
  onFailed(error: unknown): void {
    this.failures.inc();
    this.lastError = error instanceof Error ? error.message : String(error);
  }

  private waitingMs(): number {
    return this.publisher().outboxMessages > 0 ? this.now() - this.lastConfirmedAt : 0;
  }

  /** The `stream` check of /healthz. */
  check(): { ok: boolean; detail: string } {
    const waiting = this.waitingMs();
    const outbox = this.publisher().outboxMessages;
    if (waiting < this.stallMs) return { ok: true, detail: `${outbox} ticks awaiting confirmation` };
    return {
      ok: false,
      detail:
        `JetStream has confirmed nothing for ${Math.round(waiting / 1000)} s: ${outbox} ticks wait in the outbox ` +
        `(last error: ${this.lastError ?? 'none yet'}); its store may be full or its server stuck. ` +
        'They are re-sent and confirmed when it stores again.',
    };
  }
}
