import { type JetStreamManager, NatsError, type StoredMsg } from 'nats';
import type { StreamName } from './streams.ts';

/** What a stored message is looked up by: a sequence and a subject, or a subject's last. */
export type StoredQuery = { seq: number; next_by_subj: string } | { last_by_subj: string };

/** The JetStreamManager nats.js creates has `direct`; its published interface omits it. */
type WithDirect = JetStreamManager & {
  direct?: { getMessage(stream: string, query: StoredQuery): Promise<StoredMsg> };
};

/**
 * One stored message, or undefined when there is none (yet). A direct get (`$JS.API.DIRECT.GET`,
 * the stream must allow direct access, ours do): answered by the stream itself rather than the
 * JetStream API queue, so it stays fast while the stream is busy taking writes (an API request
 * then waited a second here); `STREAM.MSG.GET` otherwise. Subjects may hold wildcards.
 */
export async function storedMessage(
  jsm: JetStreamManager,
  stream: string,
  query: StoredQuery,
): Promise<StoredMsg | undefined> {
  try {
    const direct = (jsm as WithDirect).direct;
    return direct ? await direct.getMessage(stream, query) : await jsm.streams.getMessage(stream, query);
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
