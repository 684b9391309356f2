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
