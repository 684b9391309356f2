import { ErrorCode, NatsError } from 'nats';

/** Codes of a NATS error that passes once the broker (or a stream leader) is back. */
const TRANSIENT = new Set<string>([
  ErrorCode.Timeout,
  ErrorCode.Disconnect,
  ErrorCode.ConnectionClosed,
  ErrorCode.ConnectionRefused,
  ErrorCode.ConnectionTimeout,
  ErrorCode.NoResponders, // also JetStream not ready yet (503)
  ErrorCode.JetStream408RequestTimeout,
]);

/**
 * Whether an error is the broker being away for a moment (a request timed out, the connection
 * dropped, JetStream not answering yet): a handler that failed on one is tried again by its
 * redelivery, and the logs say so once rather than with a stack per message.
 */
export function isTransientBusError(err: unknown): boolean {
  return err instanceof NatsError && TRANSIENT.has(err.code);
}

/**
 * Runs `request` again while it fails because the broker is away (isTransientBusError), for at
 * most `withinMs` in all (0: no limit), 250 ms to 2 s apart: a service's start-up reads outlast a
 * broker restart instead of ending the process. Any other error, or the last one past the time,
 * is thrown; `onRetry` hears each failure that is tried again.
 */
export async function retryWhileAway<T>(
  request: () => Promise<T>,
  withinMs: number,
  onRetry?: (err: unknown, attempt: number) => void,
): Promise<T> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (err) {
      const left = withinMs > 0 ? started + withinMs - Date.now() : Number.POSITIVE_INFINITY;
      if (!isTransientBusError(err) || left <= 0) throw err;
      onRetry?.(err, attempt);
      await new Promise((r) => setTimeout(r, Math.min(left, 250 * 2 ** Math.min(attempt - 1, 3))));
    }
  }
}
