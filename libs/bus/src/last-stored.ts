import type { JetStreamManager, NatsConnection } from 'nats';

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
 *
 * On a replicated stream any replica answers a direct get, one a little behind the leader with an
 * older message: that only confirms less (a replica holds committed messages only, never one the
 * stream could lose). And while the stream elects a leader, the replicas still answer at once, so
 * the publisher sees nothing new stored and holds within `stallMs`; a request to the leader would
 * wait out its timeout, the publisher would go on sending into a stream without a leader, and the
 * first ticks stored by the new leader would overtake the lost ones (the cluster test found 2,147
 * ticks stored out of order that way).
 */
export class LastStoredReader {
  private readonly streams = new Map<string, Promise<StreamRef>>();

  constructor(
    /** The connection to read on (a NatsConnection, or a promise of one made on first use). */
    private readonly conn: NatsConnection | (() => Promise<NatsConnection>),
    private readonly jsm: JetStreamManager,
  ) {}

  /** The connection, or a LastStoredError when it is not there within `timeoutMs` (broker away). */
  private async nc(timeoutMs: number): Promise<NatsConnection> {
    if (typeof this.conn !== 'function') return this.conn;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.conn(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new LastStoredError(`no connection to read back on within ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The id (`Nats-Msg-Id`) and subject of the last message stored on `subject` (wildcards
   * allowed); undefined when there is none or it has no id. Throws when the stream does not
   * answer (not there yet, broker restarting).
   */
  async lastStored(subject: string, timeoutMs: number): Promise<StoredRef | undefined> {
    const stream = await this.streamOf(subject);
    const query = encoder.encode(JSON.stringify({ last_by_subj: subject }));
    if (stream.direct) {
      const m = await (await this.nc(timeoutMs)).request(`$JS.API.DIRECT.GET.${stream.name}`, query, {
        timeout: timeoutMs,
      });
      const code = m.headers?.code ?? 0;
      if (code === 404) return undefined;
      if (code >= 300)
        throw new LastStoredError(`direct get on ${stream.name} failed: ${code} ${m.headers?.description}`);
      const msgId = m.headers?.get('Nats-Msg-Id');
      return msgId ? { msgId, subject: m.headers?.get('Nats-Subject') || subject } : undefined;
    }
    const m = await (await this.nc(timeoutMs)).request(`$JS.API.STREAM.MSG.GET.${stream.name}`, query, {
      timeout: timeoutMs,
    });
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
