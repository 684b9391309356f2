import { type JetStreamManager, NatsError, type StoredMsg } from 'nats';
import type { StreamName } from './streams.ts';

/** What a stored message is looked up by: a sequence and a subject, or a subject's last. */
export type StoredQuery = { seq: number; next_by_subj: string } | { last_by_subj: string };

/** The JetStreamManager nats.js creates has `direct`; its published interface omits it. */
type WithDirect = JetStreamManager & {
  direct?: { getMessage(stream: string, query: StoredQuery): Promise<StoredMsg> };
};

/** Per manager and stream: whether direct gets may be used (see storedMessage), looked up once. */
const directOk = new WeakMap<JetStreamManager, Map<string, Promise<boolean>>>();

function mayReadDirect(jsm: JetStreamManager, stream: string): Promise<boolean> {
  const byStream = directOk.get(jsm) ?? new Map<string, Promise<boolean>>();
  directOk.set(jsm, byStream);
  let ok = byStream.get(stream);
  if (!ok) {
    ok = jsm.streams
      .info(stream)
      .then((i) => i.config.allow_direct === true && (i.config.num_replicas ?? 1) <= 1);
    // A failed look-up (stream not there yet, no leader) is asked again next time.
    ok.catch(() => byStream.delete(stream));
    byStream.set(stream, ok);
  }
  return ok;
}

/**
 * One stored message, or undefined when there is none (yet). A direct get (`$JS.API.DIRECT.GET`,
 * the stream must allow direct access, ours do): answered by the stream itself rather than the
 * JetStream API queue, so it stays fast while the stream is busy taking writes (an API request
 * then waited a second here); `STREAM.MSG.GET` otherwise. On a replicated stream (a cluster) any
 * replica answers a direct get, and one behind the leader says "none" for a message the leader
 * stored: the bot would fill against a later tick, signals would skip a tick. So a replicated
 * stream is read through `STREAM.MSG.GET`, which its leader answers. Replicas are looked up once
 * per stream: restart the services after `tickflow streams apply` changes them. Subjects may hold
 * wildcards.
 */
export async function storedMessage(
  jsm: JetStreamManager,
  stream: string,
  query: StoredQuery,
): Promise<StoredMsg | undefined> {
  try {
    const direct = (jsm as WithDirect).direct;
    return direct && (await mayReadDirect(jsm, stream))
      ? await direct.getMessage(stream, query)
      : await jsm.streams.getMessage(stream, query);
  } catch (err) {
    if (err instanceof NatsError && (err.api_error?.err_code === 10037 || err.code === '404'))
      return undefined;
    throw err;
  }
}

/** The first message on `subject` at or after stream sequence `fromSeq`, or undefined. */
export async function nextOnSubject(
  jsm: JetStreamManager,
  stream: StreamName,
  subject: string,
  fromSeq: number,
): Promise<{ seq: number; data: Uint8Array } | undefined> {
  const m = await storedMessage(jsm, stream, { seq: fromSeq, next_by_subj: subject });
  return m ? { seq: m.seq, data: m.data } : undefined;
}
