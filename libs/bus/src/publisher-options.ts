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
  /**
   * Ms without confirmation progress before the window is re-sent (also the timeout of each
   * read-back). Default 5,000. New sends stop after 100 ms (or a fifth of it) and three reads
   * without progress, until the stream stores again.
   */
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

export class ConfirmTimeoutError extends Error {
  override name = 'ConfirmTimeoutError';
}

export class PublisherClosedError extends Error {
  override name = 'PublisherClosedError';
}
