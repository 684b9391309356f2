import {
  DiscardPolicy,
  type JetStreamManager,
  NatsError,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from 'nats';
import { streamRepublish, streamSubjects } from './subjects.ts';

export type StreamName = 'TICKS' | 'REJECTS' | 'DECISIONS' | 'FILLS' | 'ORDERS';

export interface StreamLimits {
  /** Oldest message kept, seconds. Default 7 days. */
  maxAgeSeconds: number;
  /** Bytes kept per stream; -1 for unlimited. Default 8 GiB. */
  maxBytes: number;
  /** Dedup window, seconds; must cover the longest feed restart. Default 120. */
  duplicateWindowSeconds: number;
}

/** What a stream is created with: the limits and how many servers of a cluster hold it. */
export interface StreamSettings extends StreamLimits {
  /** Copies of each stream in a cluster (1, 3 or 5 in practice). Default 1. */
  replicas: number;
  /**
   * TICKS republishes each stored tick to `live.ticks.>` (live subscribers see each tick once).
   * Off by default: it costs the feed about a third of its throughput (docs/SCALING.md).
   */
  liveTicks: boolean;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = {
  maxAgeSeconds: 7 * 86_400,
  maxBytes: 8 * 1024 ** 3,
  duplicateWindowSeconds: 120,
};

export const DEFAULT_STREAM_SETTINGS: StreamSettings = {
  ...DEFAULT_STREAM_LIMITS,
  replicas: 1,
  liveTicks: false,
};

/** Whether stream `name` republishes what it stores to its live subjects under `settings`. */
function republishes(name: StreamName, s: StreamSettings): boolean {
  if (name === 'REJECTS') return false;
  return name !== 'TICKS' || s.liveTicks;
}

export const STREAM_NAMES = Object.keys(streamSubjects) as StreamName[];

/** What a stream stores: the plain subjects and, for TICKS and DECISIONS, the partitioned ones. */
function subjectsOf(name: StreamName): string[] {
  return Object.values(streamSubjects[name]);
}

const NANOS_PER_SECOND = 1_000_000_000;

/** The configuration tickflow creates stream `name` with. */
export function streamConfig(name: StreamName, settings: Partial<StreamSettings> = {}): StreamConfig {
  const s = { ...DEFAULT_STREAM_SETTINGS, ...settings };
  return {
    name,
    subjects: subjectsOf(name),
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    // DiscardNew: when a limit is reached, publishes fail loudly instead of old data vanishing.
    discard: DiscardPolicy.New,
    max_age: s.maxAgeSeconds * NANOS_PER_SECOND,
    max_bytes: s.maxBytes,
    duplicate_window: s.duplicateWindowSeconds * NANOS_PER_SECOND,
    num_replicas: s.replicas,
    // Direct gets (the bot reads the ticks after a decision one by one) bypass the API queue.
    allow_direct: true,
    // Live delivery by the stream: a plain subscriber on live.<subject> sees each message once.
    ...(republishes(name, s)
      ? { republish: { ...streamRepublish[name as keyof typeof streamRepublish] } }
      : {}),
  } as StreamConfig;
}

export class StreamSetupError extends Error {
  override name = 'StreamSetupError';
}

/**
 * A stream exists but does not store a subject tickflow publishes to: a service would publish
 * into nothing (or another stream). A configuration problem the operator must fix (exit 2).
 */
export class StreamSubjectsError extends StreamSetupError {
  override name = 'StreamSubjectsError';
}

/** One setting in which an existing stream differs from what tickflow would create. */
export interface StreamMismatch {
  /** A tickflow stream, or the stream of one of its object stores (`OBJ_tickflow_checkpoints`). */
  stream: string;
  /** The StreamConfig field (`num_replicas`, `max_bytes`, `subjects`, ...). */
  field: string;
  /** The stream's value, readable (`3`, `8 GiB`, `7 d`). */
  current: string;
  /** tickflow's value (the built-in limits and --replicas), readable. */
  wanted: string;
}

/**
 * Creates the streams that are missing, with `settings` (--replicas and the built-in limits), and
 * never changes one that exists: its settings belong to the operator (`tickflow streams apply`
 * changes them). Each setting that differs is given to `onMismatch` and returned. A stream that
 * does not store a subject tickflow needs is a StreamSubjectsError. Idempotent; two services
 * starting at once may both try to create a stream, the second reads what the first made.
 */
export async function ensureStreams(
  jsm: JetStreamManager,
  settings: Partial<StreamSettings> = {},
  onMismatch: (m: StreamMismatch) => void = () => {},
  options: EnsureOptions = {},
): Promise<StreamMismatch[]> {
  const all: StreamMismatch[] = [];
  for (const name of STREAM_NAMES) {
    const wanted = streamConfig(name, settings);
    let existing = await readConfig(jsm, name);
    if (!existing) {
      try {
        await jsm.streams.add(wanted);
        continue;
      } catch (cause) {
        // 10058: created meanwhile by another service (with other settings): compare with it.
        if (!(cause instanceof NatsError && cause.api_error?.err_code === 10058))
          throw new StreamSetupError(`cannot create stream ${name}: ${(cause as Error).message}`, { cause });
        existing = await readConfig(jsm, name);
        if (!existing)
          throw new StreamSetupError(`cannot create stream ${name}: ${cause.message}`, { cause });
      }
    }
    const diffs = compareStream(name, existing, wanted);
    const subjectsMissing = diffs.find((d) => d.field === 'subjects' && needed(name, d, options));
    if (subjectsMissing)
      throw new StreamSubjectsError(
        `stream ${name} stores ${subjectsMissing.current} but not ${subjectsMissing.wanted}, which tickflow publishes to: add the subject (tickflow streams apply) or remove the stream`,
      );
    for (const d of diffs) onMismatch(d);
    all.push(...diffs);
  }
  return all;
}

export interface EnsureOptions {
  /**
   * The service publishes or reads the partitioned layout (`--partitions`, `--partition i/n`): a
   * stream without `ticks.*.*.*` / `decisions.*.*` is then an error, not only a mismatch logged.
   */
  partitioned?: boolean;
}

/** Whether the subjects a stream lacks stop a service: the plain ones always, partitioned ones when used. */
function needed(name: StreamName, missing: StreamMismatch, options: EnsureOptions): boolean {
  const optional: string | undefined = options.partitioned
    ? undefined
    : (streamSubjects[name] as { partitioned?: string }).partitioned;
  return missing.wanted.split(',').some((s) => s !== optional);
}

/** The stream's configuration, or undefined when it does not exist. */
export async function readConfig(jsm: JetStreamManager, name: string): Promise<StreamConfig | undefined> {
  try {
    return (await jsm.streams.info(name)).config;
  } catch (err) {
    // 10059: stream not found
    if (err instanceof NatsError && err.api_error?.err_code === 10059) return undefined;
    throw new StreamSetupError(`cannot read stream ${name}: ${(err as Error).message}`, { cause: err });
  }
}

const SETTINGS = [
  'num_replicas',
  'storage',
  'retention',
  'discard',
  'max_age',
  'max_bytes',
  'duplicate_window',
  'allow_direct',
] as const;

/**
 * How `existing` differs from `wanted`: each setting, and `subjects` when the stream lacks one of
 * the wanted subjects (extra subjects an operator added are theirs to keep).
 */
export function compareStream(
  stream: string,
  existing: StreamConfig,
  wanted: StreamConfig,
): StreamMismatch[] {
  const out: StreamMismatch[] = [];
  const missing = wanted.subjects.filter((s) => !(existing.subjects ?? []).includes(s));
  if (missing.length)
    out.push({
      stream,
      field: 'subjects',
      current: (existing.subjects ?? []).join(',') || '(none)',
      wanted: missing.join(','),
    });
  // TICKS's live delivery is the operator's choice: compared only when asked for (--live-ticks).
  if (wanted.republish || stream !== 'TICKS') {
    const [current, want] = [showRepublish(existing.republish), showRepublish(wanted.republish)];
    if (current !== want) out.push({ stream, field: 'republish', current, wanted: want });
  }
  for (const field of SETTINGS) {
    // A server that leaves out allow_direct (false) or num_replicas (1) means its default.
    const current =
      existing[field] ?? (field === 'num_replicas' ? 1 : field === 'allow_direct' ? false : undefined);
    if (current !== wanted[field])
      out.push({
        stream,
        field,
        current: showSetting(field, current),
        wanted: showSetting(field, wanted[field]),
      });
  }
  return out;
}

/** A stream's RePublish as an operator reads it: `decisions.> → live.decisions.>`, or `none`. */
function showRepublish(r: StreamConfig['republish']): string {
  return r ? `${r.src} → ${r.dest}${r.headers_only ? ' (headers only)' : ''}` : 'none';
}

/** A setting as an operator reads it: durations in s/h/d, sizes in MiB/GiB, unlimited named. */
export function showSetting(field: string, value: unknown): string {
  if (typeof value !== 'number') return String(value);
  if (field === 'max_age' || field === 'duplicate_window') {
    if (value === 0) return 'unlimited';
    const s = value / NANOS_PER_SECOND;
    if (s >= 86_400 && s % 86_400 === 0) return `${s / 86_400} d`;
    if (s >= 3600 && s % 3600 === 0) return `${s / 3600} h`;
    return `${s} s`;
  }
  if (field === 'max_bytes') {
    if (value < 0) return 'unlimited';
    if (value >= 1024 ** 3 && value % 1024 ** 3 === 0) return `${value / 1024 ** 3} GiB`;
    if (value >= 1024 ** 2 && value % 1024 ** 2 === 0) return `${value / 1024 ** 2} MiB`;
    return `${value} B`;
  }
  return String(value);
}
