import type { Logger } from 'pino';

/**
 * Warns about handler failures the broker's absence causes (a request timed out while it
 * restarts) once per window, with how many there were and without a stack each: while NATS is
 * away every message fails the same way and is redelivered later, and a stack per message buries
 * the one line that matters. The clock is injected for tests.
 */
export class OutageLog {
  private count = 0;
  private lastWarned = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly log: Logger,
    /** What failed, for the message: `decision handling`, `tick handling`. */
    private readonly what: string,
    private readonly windowMs = 5000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  note(err: unknown, fields: Record<string, unknown> = {}): void {
    this.count++;
    const t = this.now();
    if (t - this.lastWarned < this.windowMs) return;
    const error = err instanceof Error ? err.message : String(err);
    this.log.warn(
      { ...fields, error, failures: this.count },
      `${this.what} failed while NATS was unavailable (${error}); retried by redelivery`,
    );
    this.count = 0;
    this.lastWarned = t;
  }
}
