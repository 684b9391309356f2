import type { JetStreamManager, StreamConfig } from 'nats';
import {
  compareStream,
  readConfig,
  STREAM_NAMES,
  type StreamMismatch,
  type StreamSettings,
  showSetting,
  streamConfig,
} from './streams.ts';

/** What `tickflow streams apply` does to one stream. */
export interface StreamPlan {
  /** A tickflow stream, or one of its object stores' (`OBJ_tickflow_checkpoints`). */
  stream: string;
  action: 'create' | 'update' | 'keep';
  /** Each setting that changes (for a create: none, the stream is new). */
  changes: StreamMismatch[];
  /**
   * Changes that take away redundancy or stored data (fewer replicas, a shorter max age, fewer
   * bytes): applied only with `force`.
   */
  risky: StreamMismatch[];
  /** Changes the server cannot make to an existing stream (storage, retention): the stream must be recreated. */
  impossible: StreamMismatch[];
  /** The configuration the stream gets. */
  config: StreamConfig;
}

/**
 * Fields the server refuses to change on an existing stream (`republish` on nats-server 2.9:
 * "stream configuration update can not change republish").
 */
const FIXED = new Set(['storage', 'retention', 'republish']);

/** Room a setting gives (bigger = keeps more): 0 max age and -1 max bytes mean unlimited. */
function room(field: string, value: unknown): number {
  const n = Number(value);
  if (field === 'max_age' && n === 0) return Number.POSITIVE_INFINITY;
  if (field === 'max_bytes' && n < 0) return Number.POSITIVE_INFINITY;
  return n;
}

/** Streams of the object stores tickflow keeps checkpoints and bot sessions in. */
export const BUCKET_STREAM_PREFIX = 'OBJ_tickflow_';

async function bucketStreams(jsm: JetStreamManager): Promise<StreamConfig[]> {
  const out: StreamConfig[] = [];
  for await (const info of jsm.streams.list())
    if (info.config.name.startsWith(BUCKET_STREAM_PREFIX)) out.push(info.config);
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The plan that brings every stream to `settings` (the object stores' streams to its replicas,
 * their other settings are nats.js's); reads the streams, changes nothing.
 */
export async function planStreams(
  jsm: JetStreamManager,
  settings: Partial<StreamSettings> = {},
): Promise<StreamPlan[]> {
  const plans: StreamPlan[] = [];
  for (const stream of STREAM_NAMES) {
    const wanted = streamConfig(stream, settings);
    const existing = await readConfig(jsm, stream);
    if (!existing) {
      plans.push({ stream, action: 'create', changes: [], risky: [], impossible: [], config: wanted });
      continue;
    }
    const changes = compareStream(stream, existing, wanted);
    const risky = changes.filter(
      (c) =>
        ['num_replicas', 'max_age', 'max_bytes'].includes(c.field) &&
        room(c.field, wanted[c.field as keyof StreamConfig]) <
          room(c.field, existing[c.field as keyof StreamConfig]),
    );
    // An operator's extra subjects stay: the stream gets tickflow's in addition.
    const subjects = [
      ...(existing.subjects ?? []),
      ...wanted.subjects.filter((s) => !existing.subjects?.includes(s)),
    ];
    plans.push({
      stream,
      action: changes.length ? 'update' : 'keep',
      changes,
      risky,
      impossible: changes.filter((c) => FIXED.has(c.field)),
      config: { ...existing, ...wanted, subjects },
    });
  }
  const replicas = streamConfig('TICKS', settings).num_replicas;
  for (const existing of await bucketStreams(jsm)) {
    const current = existing.num_replicas ?? 1;
    const change: StreamMismatch = {
      stream: existing.name,
      field: 'num_replicas',
      current: String(current),
      wanted: String(replicas),
    };
    const differs = current !== replicas;
    plans.push({
      stream: existing.name,
      action: differs ? 'update' : 'keep',
      changes: differs ? [change] : [],
      risky: replicas < current ? [change] : [],
      impossible: [],
      config: { ...existing, num_replicas: replicas },
    });
  }
  return plans;
}

export class StreamApplyRefusedError extends Error {
  override name = 'StreamApplyRefusedError';
}

/**
 * Carries out `plans`: creates and updates the streams. Refuses (before changing anything) a plan
 * with an impossible change, or a risky one unless `force`.
 */
export async function applyStreams(
  jsm: JetStreamManager,
  plans: StreamPlan[],
  opts: { force?: boolean; recreate?: boolean } = {},
): Promise<void> {
  const impossible = plans.flatMap((p) => p.impossible);
  if (impossible.length && !opts.recreate)
    throw new StreamApplyRefusedError(
      `the server cannot change ${impossible.map((c) => `${c.stream} ${c.field}`).join(', ')} of an existing stream: archive the day (tickflow eod archive) and give --recreate, which deletes the stream and its messages and creates it anew`,
    );
  const risky = plans.flatMap((p) => p.risky);
  if (risky.length && !opts.force)
    throw new StreamApplyRefusedError(
      `refusing to lower ${risky.map((c) => `${c.stream} ${c.field} ${c.current} → ${c.wanted}`).join(', ')} (fewer copies or less data kept): give --force to do it`,
    );
  for (const p of plans) {
    if (p.action === 'create') await jsm.streams.add(p.config);
    else if (p.action === 'update' && p.impossible.length) {
      // Consumers go with the stream; services recreate theirs at start.
      await jsm.streams.delete(p.stream);
      await jsm.streams.add(p.config);
    } else if (p.action === 'update') await jsm.streams.update(p.stream, p.config);
  }
}

/** One stream as `tickflow streams status` shows it. */
export interface StreamStatus {
  stream: string;
  exists: boolean;
  subjects: string[];
  settings: Record<string, string>;
  messages: number;
  bytes: number;
  firstSeq: number;
  lastSeq: number;
  cluster?: {
    name?: string;
    leader?: string;
    replicas: { name: string; current: boolean; offline: boolean; lag: number; activeMs: number }[];
  };
}

const SHOWN = [
  'storage',
  'num_replicas',
  'max_age',
  'max_bytes',
  'duplicate_window',
  'discard',
  'retention',
] as const;

/** A stream's RePublish as `streams status` shows it. */
const showRepublish = (r: StreamConfig['republish']) => (r ? `${r.src} → ${r.dest}` : 'none');

/** Each tickflow stream's settings, contents and (in a cluster) leader and replicas. */
export async function streamStatus(jsm: JetStreamManager): Promise<StreamStatus[]> {
  const out: StreamStatus[] = [];
  const buckets = (await bucketStreams(jsm)).map((c) => c.name);
  for (const stream of [...STREAM_NAMES, ...buckets]) {
    if (!(await readConfig(jsm, stream))) {
      out.push({
        stream,
        exists: false,
        subjects: [],
        settings: {},
        messages: 0,
        bytes: 0,
        firstSeq: 0,
        lastSeq: 0,
      });
      continue;
    }
    const info = await jsm.streams.info(stream);
    const settings: Record<string, string> = {};
    for (const f of SHOWN)
      settings[f] = showSetting(f, info.config[f] ?? (f === 'num_replicas' ? 1 : undefined));
    settings.republish = showRepublish(info.config.republish);
    out.push({
      stream,
      exists: true,
      subjects: info.config.subjects ?? [],
      settings,
      messages: info.state.messages,
      bytes: info.state.bytes,
      firstSeq: info.state.first_seq,
      lastSeq: info.state.last_seq,
      ...(info.cluster
        ? {
            cluster: {
              ...(info.cluster.name ? { name: info.cluster.name } : {}),
              ...(info.cluster.leader ? { leader: info.cluster.leader } : {}),
              replicas: (info.cluster.replicas ?? []).map((r) => ({
                name: r.name,
                current: r.current,
                offline: r.offline ?? false,
                lag: r.lag ?? 0,
                activeMs: Math.round((r.active ?? 0) / 1e6),
              })),
            },
          }
        : {}),
    });
  }
  return out;
}
