import { type JetStreamManager, NatsError, type StoredMsg } from 'nats';
import type { StreamName } from './streams.ts';

/** The JetStreamManager nats.js creates has `direct`; its published interface omits it. */
type WithDirect = JetStreamManager & {
  direct?: { getMessage(stream: string, query: { seq: number; next_by_subj: string }): Promise<StoredMsg> };
};

/**
 * The first message on `subject` at or after stream sequence `fromSeq`, or undefined when there is
 * none (yet). A direct get (`$JS.API.DIRECT.GET`, the stream must allow direct access): answered by
 * the stream itself rather than the JetStream API queue, so it stays fast while the stream is busy
 * taking writes (an API request then waited a second here).
 */
export async function nextOnSubject(
  jsm: JetStreamManager,
  stream: StreamName,
  subject: string,
  fromSeq: number,
): Promise<{ seq: number; data: Uint8Array } | undefined> {
  const query = { seq: fromSeq, next_by_subj: subject };
  try {
    const direct = (jsm as WithDirect).direct;
    const m = direct ? await direct.getMessage(stream, query) : await jsm.streams.getMessage(stream, query);
    return { seq: m.seq, data: m.data };
  } catch (err) {
    if (err instanceof NatsError && (err.api_error?.err_code === 10037 || err.code === '404'))
      return undefined;
    throw err;
  }
}
