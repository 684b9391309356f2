import {
  DiscardPolicy,
  type JetStreamManager,
  NatsError,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from 'nats';
import { subjects } from './subjects.ts';

export type StreamName = 'TICKS' | 'REJECTS' | 'DECISIONS' | 'FILLS' | 'ORDERS';

export interface StreamLimits {
  /** Oldest message kept, seconds. Default 7 days. */
  maxAgeSeconds: number;
  /** Bytes kept per stream; -1 for unlimited. Default 8 GiB. */
  maxBytes: number;
  /** Dedup window, seconds; must cover the longest feed restart. Default 120. */
  duplicateWindowSeconds: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = {
  maxAgeSeconds: 7 * 86_400,
  maxBytes: 8 * 1024 ** 3,
  duplicateWindowSeconds: 120,
};

const SUBJECTS: Record<StreamName, string> = {
  TICKS: subjects.allTicks,
  REJECTS: subjects.allRejects,
  DECISIONS: subjects.allDecisions,
  FILLS: subjects.allFills,
  ORDERS: subjects.allOrderEvents,
};

export const STREAM_NAMES = Object.keys(SUBJECTS) as StreamName[];

const NANOS_PER_SECOND = 1_000_000_000;

function streamConfig(name: StreamName, limits: StreamLimits): Partial<StreamConfig> {
  return {
    name,
    subjects: [SUBJECTS[name]],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    // DiscardNew: when a limit is reached, publishes fail loudly instead of old data vanishing.
    discard: DiscardPolicy.New,
    max_age: limits.maxAgeSeconds * NANOS_PER_SECOND,
    max_bytes: limits.maxBytes,
    duplicate_window: limits.duplicateWindowSeconds * NANOS_PER_SECOND,
    num_replicas: 1,
    // Direct gets (the bot reads the ticks after a decision one by one) bypass the API queue.
    allow_direct: true,
  };
}

export class StreamSetupError extends Error {
  override name = 'StreamSetupError';
}

/**
 * Creates the streams, or updates them to the wanted limits when they exist and differ. Idempotent.
 * A service run with least-privilege credentials (docs/SECURITY.md) may create the streams but not
 * change them: a refused update is accepted when the stream already stores the right subjects (its
 * limits stay as the operator set them); nats.js reports the refusal as a connection status error.
 */
export async function ensureStreams(
  jsm: JetStreamManager,
  limits: StreamLimits = DEFAULT_STREAM_LIMITS,
): Promise<void> {
  for (const name of STREAM_NAMES) {
    const config = streamConfig(name, limits);
    let existing: StreamConfig;
    try {
      existing = (await jsm.streams.info(name)).config;
    } catch (err) {
      if (err instanceof NatsError && err.api_error?.err_code === 10059) {
        // 10059: stream not found
        try {
          await jsm.streams.add(config);
        } catch (cause) {
          throw new StreamSetupError(`cannot create stream ${name}: ${(cause as Error).message}`, { cause });
        }
        continue;
      }
      throw new StreamSetupError(`cannot read stream ${name}: ${(err as Error).message}`, { cause: err });
    }
    if (sameSettings(existing, config)) continue;
    try {
      await jsm.streams.update(name, config);
    } catch (err) {
      const denied = err instanceof NatsError && err.isPermissionError();
      if (denied && sameSubjects(existing, config)) continue;
      throw new StreamSetupError(`cannot update stream ${name}: ${(err as Error).message}`, { cause: err });
    }
  }
}

const SETTINGS = [
  'storage',
  'retention',
  'discard',
  'max_age',
  'max_bytes',
  'duplicate_window',
  'allow_direct',
] as const;

function sameSettings(existing: StreamConfig, wanted: Partial<StreamConfig>): boolean {
  return sameSubjects(existing, wanted) && SETTINGS.every((k) => existing[k] === wanted[k]);
}

function sameSubjects(existing: StreamConfig, wanted: Partial<StreamConfig>): boolean {
  return JSON.stringify(existing.subjects ?? []) === JSON.stringify(wanted.subjects ?? []);
}
