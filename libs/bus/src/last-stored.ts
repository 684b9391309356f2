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
  private readonly lostListeners = new Set<() => void>();
  private watched: NatsConnection | undefined;

  constructor(
    /** The connection to read on (a NatsConnection, or a promise of one made on first use). */
    private readonly conn: NatsConnection | (() => Promise<NatsConnection>),
    private readonly jsm: JetStreamManager,
  ) {}

  /**
   * Calls `listener` when the connection read on loses its server, and again when it is back (a
   * read asked meanwhile is lost at the new dial). A read in flight is lost with the server and
   * would wait out its whole timeout (5 s), and that server may have led the stream: the
   * cluster test's 2,145 ticks stored after a higher seq came from a publisher that went on sending
   * through the election while its read-back hung so. Returns an unsubscribe.
   */
  onLost(listener: () => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  private watch(nc: NatsConnection): NatsConnection {
    if (this.watched === nc) return nc;
    this.watched = nc;
    void (async () => {
      for await (const s of nc.status())
        if (s.type === 'disconnect' || s.type === 'reconnect') for (const l of this.lostListeners) l();
    })();
    return nc;
  }

  /** The connection, or a LastStoredError when it is not there within `timeoutMs` (broker away). */
  private async nc(timeoutMs: number): Promise<NatsConnection> {
    if (typeof this.conn !== 'function') return this.watch(this.conn);
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.conn().then((nc) => this.watch(nc)),
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
    // A subject belongs to one stream: one a wildcard already looked up covers needs no request
    // (those go to the meta leader, which may be the server just lost: 5 s without an answer).
    let ref = this.streams.get(subject) ?? this.coveredBy(subject);
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

  private coveredBy(subject: string): Promise<StreamRef> | undefined {
    const tokens = subject.split('.');
    for (const [pattern, ref] of this.streams) {
      const p = pattern.split('.');
      const matches =
        p.every((t, i) => t === '>' || (i < tokens.length && (t === '*' || t === tokens[i]))) &&
        (p.at(-1) === '>' ? tokens.length >= p.length : tokens.length === p.length);
      if (matches && !subject.includes('*') && !subject.includes('>')) return ref;
    }
    return undefined;
  }
}
