import type { Logger } from 'pino';

type Closer = { name: string; close: () => Promise<void> | void };

/**
 * Ordered shutdown: closers run in the order they were added (stop intake, drain NATS, close HTTP,
 * close DuckDB), each awaited, errors logged and the rest still run. Idempotent.
 */
export class Lifecycle {
  private readonly closers: Closer[] = [];
  private closing: Promise<void> | undefined;

  constructor(private readonly log?: Logger) {}

  onClose(name: string, close: Closer['close']): this {
    this.closers.push({ name, close });
    return this;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const c of this.closers) {
        try {
          await c.close();
          this.log?.debug({ step: c.name }, 'closed');
        } catch (err) {
          this.log?.error({ err, step: c.name }, 'error while closing');
        }
      }
    })();
    return this.closing;
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
}
