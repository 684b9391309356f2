import { type Bus, decode } from '@tickflow/bus';

export interface LiveCount {
  /** Messages received on the subject tree. */
  received: number;
  /** Distinct ids among them. */
  distinct: number;
  /** Ids received more than once (counted once each), and a few of them. */
  duplicated: number;
  examples: string[];
}

const LIVE_SUBJECTS = { ticks: 'ticks.>', decisions: 'decisions.>', fills: 'fills.>' } as const;
export type LiveKind = keyof typeof LIVE_SUBJECTS;

/** The id of a message: its `Nats-Msg-Id` header, else the id its payload carries. */
function idOf(kind: LiveKind, header: string | undefined, data: Uint8Array): string {
  if (header) return header;
  try {
    const body = decode(data) as { id?: unknown; venue?: unknown; symbol?: unknown; seq?: unknown };
    if (kind === 'ticks') return `${String(body.venue)}:${String(body.symbol)}:${String(body.seq)}`;
    return String(body.id);
  } catch {
    return '(undecodable)';
  }
}

/**
 * A plain core NATS subscriber on the live subjects, as a client following decisions would be:
 * no JetStream, just the subscription (its connection reconnects after a broker kill; what was
 * published while it was away it never sees, which is not counted against anyone). Counts how many
 * times each id arrives: the promise is once.
 */
export class LiveSubscriber {
  private readonly seen: Record<LiveKind, Map<string, number>> = {
    ticks: new Map(),
    decisions: new Map(),
    fills: new Map(),
  };
  private readonly received: Record<LiveKind, number> = { ticks: 0, decisions: 0, fills: 0 };
  private readonly subs: { unsubscribe(): void }[] = [];

  constructor(bus: Bus) {
    for (const kind of Object.keys(LIVE_SUBJECTS) as LiveKind[]) {
      const seen = this.seen[kind];
      this.subs.push(
        bus.nc.subscribe(LIVE_SUBJECTS[kind], {
          callback: (err, m) => {
            if (err) return;
            this.received[kind]++;
            const id = idOf(kind, m.headers?.get('Nats-Msg-Id') || undefined, m.data);
            seen.set(id, (seen.get(id) ?? 0) + 1);
          },
        }),
      );
    }
  }

  close(): void {
    for (const s of this.subs) s.unsubscribe();
  }

  counts(): Record<LiveKind, LiveCount> {
    const out = {} as Record<LiveKind, LiveCount>;
    for (const kind of Object.keys(LIVE_SUBJECTS) as LiveKind[]) {
      let duplicated = 0;
      const examples: string[] = [];
      for (const [id, n] of this.seen[kind])
        if (n > 1) {
          duplicated++;
          if (examples.length < 5) examples.push(`${id} ×${n}`);
        }
      out[kind] = { received: this.received[kind], distinct: this.seen[kind].size, duplicated, examples };
    }
    return out;
  }
}
