import type { JetStreamManager, NatsConnection } from 'nats';
import { STALE } from './epoch.ts';
import type { Outbox } from './outbox.ts';

export class LastStoredError extends Error {
  override name = 'LastStoredError';
}

/** A stored message, as far as a publisher's outbox can recognise it. */
export interface StoredRef {
  msgId: string;
  subject: string;
}

interface StreamRef {
  name: string;
  direct: boolean;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Reads which message a stream holds last on a subject (its `Nats-Msg-Id`), without publishing
 * anything: how ConfirmingPublisher learns what the stream has stored. A direct get
 * (`$JS.API.DIRECT.GET`, answered by the stream itself, fast while the stream is busy taking
 * writes) when the stream allows it — ours do, see streams.ts — else `$JS.API.STREAM.MSG.GET`.
 * The stream of each subject is looked up once and kept.
 */
export class LastStoredReader {
  private readonly streams = new Map<string, Promise<StreamRef>>();

  constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
  ) {}

  /**
   * The id (`Nats-Msg-Id`) and subject of the last message stored on `subject` (wildcards
   * allowed); undefined when there is none or it has no id. Throws when the stream does not
   * answer (not there yet, broker restarting).
   */
  async lastStored(subject: string, timeoutMs: number): Promise<StoredRef | undefined> {
    const stream = await this.streamOf(subject);
    const query = encoder.encode(JSON.stringify({ last_by_subj: subject }));
    if (stream.direct) {
      const m = await this.nc.request(`$JS.API.DIRECT.GET.${stream.name}`, query, { timeout: timeoutMs });
      const code = m.headers?.code ?? 0;
      if (code === 404) return undefined;
      if (code >= 300)
        throw new LastStoredError(`direct get on ${stream.name} failed: ${code} ${m.headers?.description}`);
      const msgId = m.headers?.get('Nats-Msg-Id');
      return msgId ? { msgId, subject: m.headers?.get('Nats-Subject') || subject } : undefined;
    }
    const m = await this.nc.request(`$JS.API.STREAM.MSG.GET.${stream.name}`, query, { timeout: timeoutMs });
    const r = JSON.parse(decoder.decode(m.data)) as {
      message?: { subject: string; hdrs?: string };
      error?: { code: number; err_code?: number; description?: string };
    };
    if (r.error) {
      if (r.error.err_code === 10037 || r.error.code === 404) return undefined; // no message
      throw new LastStoredError(`message get on ${stream.name} failed: ${r.error.description}`);
    }
    const hdrs = r.message?.hdrs ? Buffer.from(r.message.hdrs, 'base64').toString('latin1') : '';
    const msgId = /^Nats-Msg-Id:\s*(\S+)\s*$/im.exec(hdrs)?.[1];
    return msgId && r.message ? { msgId, subject: r.message.subject } : undefined;
  }

  private streamOf(subject: string): Promise<StreamRef> {
    let ref = this.streams.get(subject);
    if (!ref) {
      ref = (async () => {
        const name = await this.jsm.streams.find(subject);
        const info = await this.jsm.streams.info(name);
        return { name, direct: info.config.allow_direct === true };
      })();
      // A failed look-up (stream not there yet) is asked again next time.
      ref.catch(() => this.streams.delete(subject));
      this.streams.set(subject, ref);
    }
    return ref;
  }
}

/**
 * The absolute index of the last outbox entry the stream holds among those before `to` (the
 * outbox's firstIndex - 1 when none), or STALE. Stored entries are a prefix of what was sent (one
 * connection is processed in order, and ConfirmingPublisher sends nothing newer while an older one
 * may be lost), and an entry is stored exactly when the last stored message on its subject is it
 * or a later entry: a binary search over the window, one read-back a step, whatever the number
 * of subjects.
 */
export async function storedPrefixEnd(
  outbox: Outbox,
  to: number,
  lastStored: (subject: string) => Promise<StoredRef | undefined | typeof STALE>,
): Promise<number | typeof STALE> {
  let lo = outbox.firstIndex;
  let hi = to - 1;
  let end = lo - 1;
  while (lo <= hi) {
    const mid = lo + Math.floor((hi - lo) / 2);
    const e = outbox.at(mid);
    if (!e) break;
    const stored = await lastStored(e.subject);
    if (stored === STALE) return STALE;
    const at = stored === undefined ? -1 : outbox.lastIndexOf(stored.msgId, e.subject, to - 1);
    if (at >= mid) {
      end = Math.max(end, at);
      lo = at + 1;
    } else hi = mid - 1;
  }
  return end;
}
