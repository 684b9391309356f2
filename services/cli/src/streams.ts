import {
  applyStreams,
  Bus,
  planStreams,
  type StreamPlan,
  type StreamStatus,
  streamStatus,
} from '@tickflow/bus';
import { bool, busAuthFrom, type ConfigOf, commonSpec, int, natsAuthSpec } from '@tickflow/runtime';

/** `tickflow streams status`: where NATS is, and how to print. */
export const streamsStatusSpec = {
  natsUrl: commonSpec.natsUrl,
  ...natsAuthSpec,
  json: bool({ flag: 'json', description: 'print JSON instead of text', default: false }),
};

/** `tickflow streams apply`: the settings every stream is brought to. */
export const streamsApplySpec = {
  natsUrl: commonSpec.natsUrl,
  ...natsAuthSpec,
  replicas: int({
    flag: 'replicas',
    env: 'TICKFLOW_REPLICAS',
    description: 'copies of each stream (servers of the NATS cluster)',
    default: 1,
    min: 1,
    max: 5,
  }),
  dryRun: bool({ flag: 'dry-run', description: 'print what would change, change nothing', default: false }),
  force: bool({
    flag: 'force',
    description: 'also lower replicas, max age or max bytes (fewer copies, less data kept)',
    default: false,
  }),
  liveTicks: bool({
    flag: 'live-ticks',
    description:
      'TICKS republishes each stored tick to live.ticks.> (live subscribers see each tick once; costs the feed ~1/3 of its throughput)',
    default: false,
  }),
  recreate: bool({
    flag: 'recreate',
    description:
      'delete and create anew a stream whose change the server cannot make (storage, retention, republish): its messages are lost',
    default: false,
  }),
};

async function withBus<T>(c: ConfigOf<typeof streamsStatusSpec>, run: (bus: Bus) => Promise<T>): Promise<T> {
  const bus = await Bus.connect({ ...busAuthFrom(c), name: 'tickflow-streams' });
  try {
    return await run(bus);
  } finally {
    await bus.drain();
  }
}

export async function runStreamsStatus(
  c: ConfigOf<typeof streamsStatusSpec>,
  out: (text: string) => void,
): Promise<void> {
  const status = await withBus(c, (bus) => streamStatus(bus.jsm));
  out(c.json ? `${JSON.stringify(status, null, 2)}\n` : renderStatus(status));
}

const n = (x: number) => x.toLocaleString('en-US');

export function renderStatus(list: StreamStatus[]): string {
  const lines: string[] = [];
  for (const s of list) {
    if (!s.exists) {
      lines.push(`${s.stream}: missing (a service creates it at start; tickflow streams apply now)`);
      continue;
    }
    const set = s.settings;
    lines.push(
      `${s.stream}: subjects ${s.subjects.join(',')}; ${set.storage} storage, replicas ${set.num_replicas}, max age ${set.max_age}, max bytes ${set.max_bytes}, duplicate window ${set.duplicate_window}, discard ${set.discard}, live ${set.republish}`,
      `  ${n(s.messages)} messages, ${n(s.bytes)} bytes, seq ${n(s.firstSeq)}..${n(s.lastSeq)}`,
    );
    if (s.cluster) {
      const peers = s.cluster.replicas
        .map(
          (r) =>
            `${r.name} ${r.offline ? 'OFFLINE' : r.current ? 'current' : 'catching up'}, lag ${n(r.lag)}`,
        )
        .join('; ');
      lines.push(
        `  cluster ${s.cluster.name ?? '?'}: leader ${s.cluster.leader ?? 'NONE'}; replicas ${peers || '(none besides the leader)'}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

export function renderPlan(plans: StreamPlan[]): string {
  const lines = plans.map((p) => {
    if (p.action === 'keep') return `${p.stream}: as wanted, unchanged`;
    if (p.action === 'create')
      return `${p.stream}: create with replicas ${p.config.num_replicas}, subjects ${p.config.subjects.join(',')}`;
    const changes = p.changes.map((c) => {
      const mark = p.impossible.includes(c)
        ? ' (cannot change: --recreate)'
        : p.risky.includes(c)
          ? ' (lowers: --force)'
          : '';
      return c.field === 'subjects'
        ? `subjects + ${c.wanted}`
        : `${c.field} ${c.current} → ${c.wanted}${mark}`;
    });
    return `${p.stream}: update ${changes.join(', ')}`;
  });
  return `${lines.join('\n')}\n`;
}

/** Prints the plan; unless --dry-run, carries it out (StreamApplyRefusedError: exit 2). */
export async function runStreamsApply(
  c: ConfigOf<typeof streamsApplySpec>,
  out: (text: string) => void,
): Promise<void> {
  await withBus({ ...c, json: false }, async (bus) => {
    const plans = await planStreams(bus.jsm, { replicas: c.replicas, liveTicks: c.liveTicks });
    out(renderPlan(plans));
    if (c.dryRun) {
      out('dry run: nothing changed\n');
      return;
    }
    await applyStreams(bus.jsm, plans, { force: c.force, recreate: c.recreate });
    const changed = plans.filter((p) => p.action !== 'keep').length;
    out(changed ? `applied: ${changed} stream(s) created or updated\n` : 'nothing to change\n');
  });
}
