import type { Logger } from 'pino';

type Closer = { name: string; close: () => Promise<void> | void };

/**
 * Ordered shutdown: closers run in the order they were added (stop intake, drain NATS, close HTTP,
 * close DuckDB), each awaited, errors logged and the rest still run. Idempotent.
 */
export class Lifecycle {
  private readonly closers: Closer[] = [];
  private closing: Promise<void> | undefined;
  /** The step being closed now (what a timed-out shutdown was stuck in). */
  private current: string | undefined;
  private readonly failed: string[] = [];

  constructor(private readonly log?: Logger) {}

  onClose(name: string, close: Closer['close']): this {
    this.closers.push({ name, close });
    return this;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const c of this.closers) {
        this.current = c.name;
        try {
          await c.close();
          this.log?.debug({ step: c.name }, 'closed');
        } catch (err) {
          this.failed.push(c.name);
          this.log?.error({ err, step: c.name }, 'error while closing');
        }
      }
      this.current = undefined;
    })();
    return this.closing;
  }

  /** For `ServiceHandle.unfinished`: the step a close is stuck in and the steps that failed. */
  unfinished(): Record<string, string> {
    const out: Record<string, string> = {};
    if (this.current) out.closingStep = this.current;
    if (this.failed.length) out.failedSteps = this.failed.join(',');
    return out;
  }
}

/** What a started service gives its entry point: when it is done by itself, and how to stop it. */
export interface ServiceHandle<T = void> {
  /** Resolves when the service finished on its own (a feed's duration), or never for a server. */
  done: Promise<T>;
  /** Ordered, idempotent shutdown. */
  close(): Promise<void>;
  /** The HTTP port it listens on (useful when started with port 0). */
  port: number;
  /**
   * What it has not flushed or acknowledged (say `{ outboxMessages: 12 }`; zero or empty values
   * mean nothing), logged when a shutdown times out; anything left makes the exit non-zero.
   */
  unfinished?(): Record<string, number | string | undefined>;
}
