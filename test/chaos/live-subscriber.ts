import { type Bus, decode, liveSubjects } from '@tickflow/bus';
import { SeqCounter } from './seq-counter.ts';

export interface LiveCount {
  /** Messages received on the subject tree. */
  received: number;
  /** Distinct ids among them. */
  distinct: number;
  /** Ids received more than once (counted once each), and a few of them. */
  duplicated: number;
  examples: string[];
}

/**
 * The live subjects the streams republish what they store to: once each, whatever the faults (the
 * campaign makes TICKS with --live-ticks; see runCampaign).
 */
const LIVE_SUBJECTS = {
  ticks: liveSubjects.allTicks,
  decisions: liveSubjects.allDecisions,
  fills: liveSubjects.allFills,
} as const;
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
  /** Ticks by venue+symbol and seq (millions of them); decisions and fills by id. */
  private readonly ticks = new SeqCounter();
  private readonly seen: Record<'decisions' | 'fills', Map<string, number>> = {
    decisions: new Map(),
    fills: new Map(),
  };
  private badTickIds = 0;
  private readonly received: Record<LiveKind, number> = { ticks: 0, decisions: 0, fills: 0 };
  private readonly subs: { unsubscribe(): void }[] = [];

  constructor(bus: Bus) {
    for (const kind of Object.keys(LIVE_SUBJECTS) as LiveKind[]) {
      this.subs.push(
        bus.nc.subscribe(LIVE_SUBJECTS[kind], {
          callback: (err, m) => {
            if (err) return;
            this.received[kind]++;
            const id = idOf(kind, m.headers?.get('Nats-Msg-Id') || undefined, m.data);
            if (kind === 'ticks') this.countTick(id);
            else this.seen[kind].set(id, (this.seen[kind].get(id) ?? 0) + 1);
          },
        }),
      );
    }
  }

  /** A tick id is `<venue>:<symbol>:<seq>` (tickMsgId). */
  private countTick(id: string): void {
    const at = id.lastIndexOf(':');
    const seq = Number(id.slice(at + 1));
    if (at < 0 || !Number.isSafeInteger(seq) || seq < 0 || seq > 2 ** 31) this.badTickIds++;
    else this.ticks.add(id.slice(0, at), seq);
  }

  close(): void {
    for (const s of this.subs) s.unsubscribe();
  }

  counts(): Record<LiveKind, LiveCount> {
    const repeated = this.ticks.repeated();
    const distinct = this.ticks.keys().reduce((sum, k) => sum + this.ticks.distinct(k), 0);
    const out = {
      ticks: {
        received: this.received.ticks,
        distinct,
        duplicated: repeated.count,
        examples: [
          ...(this.badTickIds ? [`${this.badTickIds} tick ids not <venue>:<symbol>:<seq>`] : []),
          ...repeated.examples,
        ],
      },
    } as Record<LiveKind, LiveCount>;
    for (const kind of ['decisions', 'fills'] as const) {
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
