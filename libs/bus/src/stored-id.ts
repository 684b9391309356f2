import { type JetStreamManager, NatsError, type StoredMsg } from 'nats';

type WithDirect = JetStreamManager & {
  direct?: {
    getMessage(
      stream: string,
      query: { seq: number; next_by_subj: string } | { last_by_subj: string },
    ): Promise<StoredMsg>;
  };
};

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
  const direct = (jsm as WithDirect).direct;
  const get = (query: { seq: number; next_by_subj: string } | { last_by_subj: string }) =>
    (direct ? direct.getMessage(stream, query) : jsm.streams.getMessage(stream, query)).catch(
      (err: unknown) => {
        if (err instanceof NatsError && (err.api_error?.err_code === 10037 || err.code === '404'))
          return undefined;
        throw err;
      },
    );
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
