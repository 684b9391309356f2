import type { JetStreamManager } from 'nats';
import { type StoredQuery, storedMessage } from './direct.ts';

/** At most this many messages of the subject are read looking for an id. */
const MAX_SCAN = 10_000;

/**
 * Whether the stream holds a message with `Nats-Msg-Id` = `msgId` on `subject`, stored at or after
 * stream sequence `fromSeq` (or, with `fromSeq` 0, as the subject's last message). What a publisher
 * asks before re-sending a message whose PubAck it did not get: the broker may have stored the
 * first copy — and delivered it to live subscribers — before the reply was lost.
 */
export async function storedSince(
  jsm: JetStreamManager,
  stream: string,
  subject: string,
  msgId: string,
  fromSeq: number,
): Promise<boolean> {
  const get = (query: StoredQuery) => storedMessage(jsm, stream, query);
  if (fromSeq <= 0) return (await get({ last_by_subj: subject }))?.header?.get('Nats-Msg-Id') === msgId;
  let seq = fromSeq;
  for (let n = 0; n < MAX_SCAN; n++) {
    const m = await get({ seq, next_by_subj: subject });
    if (!m) return false;
    if (m.header?.get('Nats-Msg-Id') === msgId) return true;
    seq = m.seq + 1;
  }
  return false;
}
