import { DeliverPolicy, type JetStreamClient, type JetStreamManager } from 'nats';
import { type BusMessage, toBusMessage } from './consume.ts';
import { lastSeqOn } from './last-on.ts';
import type { StreamName } from './streams.ts';

/** A stream read that kept ending before the stream's end (a consumer lost with a cluster server). */
export class StreamReadShortError extends Error {
  override name = 'StreamReadShortError';
  constructor(
    readonly stream: string,
    /** Stream sequence of the last message read, and the end the read had to reach. */
    readonly lastRead: number,
    readonly lastSeq: number,
    readonly count: number,
  ) {
    super(
      `read ${stream} only to seq ${lastRead.toLocaleString('en-US')} of ${lastSeq.toLocaleString('en-US')} (${count.toLocaleString('en-US')} messages): the consumer ended early ${READ_ATTEMPTS} times; nothing is taken from a partial read, try again`,
    );
  }
}

const READ_ATTEMPTS = 3;

/**
 * Reads a stream from its first message up to the last one present when the call started, through
 * an ordered (ephemeral, unacked) consumer: the batch layer's way to read a day back, the bot's and
 * signals' way to rebuild. A read that keeps ending before that last message throws
 * StreamReadShortError (its messages were handed to `onMessage`: a caller that can use part of a
 * stream catches it), so no caller takes part of a stream for all of it.
 */
export async function readStream(
  js: JetStreamClient,
  jsm: JetStreamManager,
  stream: StreamName,
  onMessage: (msg: BusMessage) => void,
  /** Start at this stream sequence instead of the first. */
  fromSeq?: number,
): Promise<{ count: number; lastSeq: number; lastRead: number }> {
  const info = await jsm.streams.info(stream);
  const lastSeq = info.state.last_seq;
  if (info.state.messages === 0 || (fromSeq !== undefined && fromSeq > lastSeq))
    return { count: 0, lastSeq, lastRead: 0 };
  /** Stream sequence of the last message read (0: none). */
  let lastRead = 0;
  let count = 0;
  // An iterator that ends before the end (the consumer lost with a cluster server, say) is read on
  // from the next sequence, a few times: a reader must not take a short read for the whole stream.
  let ended = false;
  for (let attempt = 0; attempt < READ_ATTEMPTS && !ended; attempt++) {
    const start = lastRead > 0 ? lastRead + 1 : (fromSeq ?? 1);
    const consumer = await js.consumers.get(stream, start > 1 ? { opt_start_seq: start } : {});
    const messages = await consumer.consume({ max_messages: 5000 });
    for await (const m of messages) {
      if (m.seq > lastSeq) {
        ended = true;
        break;
      }
      onMessage(toBusMessage(m));
      count++;
      lastRead = m.seq;
      // Pending 0: nothing stored after it (the last sequence itself may have been deleted).
      if (m.seq >= lastSeq || m.info.pending === 0) {
        ended = true;
        break;
      }
    }
    await messages.close();
  }
  if (!ended) throw new StreamReadShortError(stream, lastRead, lastSeq, count);
  return { count, lastSeq, lastRead };
}

/**
 * Reads at most `limit` messages of a stream, oldest first, optionally only one subject and only
 * those the server stored at or after `since` (a Date) or from stream sequence `fromSeq` on. Stops
 * at the end of the stream as it was when called. For REST look-ups of recent history; not for bulk reads.
 */
export async function readRecent(
  js: JetStreamClient,
  jsm: JetStreamManager,
  stream: StreamName,
  opts: { filterSubject?: string; since?: Date; fromSeq?: number; limit: number },
): Promise<BusMessage[]> {
  const info = await jsm.streams.info(
    stream,
    opts.filterSubject ? { subjects_filter: opts.filterSubject } : {},
  );
  const matching = opts.filterSubject
    ? Object.values(info.state.subjects ?? {}).reduce((a, b) => a + b, 0)
    : info.state.messages;
  if (matching === 0 || opts.limit <= 0) return [];
  // The end to stop at: the subject's last message when the filter names one subject, so the read
  // ends on it instead of waiting out the fetch for messages that will not come.
  const lastSeq =
    opts.filterSubject && !/[*>]/.test(opts.filterSubject)
      ? await lastSeqOn(jsm, stream, opts.filterSubject)
      : info.state.last_seq;
  if (lastSeq === 0 || (opts.fromSeq !== undefined && opts.fromSeq > lastSeq)) return [];
  // Only name a deliver policy for `since`: an explicit DeliverPolicy.All stalled the ordered
  // consumer against nats-server 2.9 here (the default is the same policy).
  const consumer = await js.consumers.get(stream, {
    ...(opts.filterSubject ? { filterSubjects: opts.filterSubject } : {}),
    ...(opts.since
      ? { deliver_policy: DeliverPolicy.StartTime, opt_start_time: opts.since.toISOString() }
      : {}),
    ...(opts.fromSeq ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: opts.fromSeq } : {}),
  });
  const out: BusMessage[] = [];
  // fetch, not consume: it ends on its own when nothing (more) matches, instead of waiting.
  const batch = await consumer.fetch({ max_messages: Math.min(opts.limit, 10_000), expires: 1000 });
  // The server's own start-time filter is not trusted alone: nats-server 2.9 delivered from the
  // start for a time as far out as 9999-12-31.
  const sinceNanos = opts.since ? BigInt(opts.since.getTime()) * 1_000_000n : undefined;
  for await (const m of batch) {
    if (m.seq > lastSeq) break;
    if (sinceNanos === undefined || BigInt(m.info.timestampNanos) >= sinceNanos) out.push(toBusMessage(m));
    if (out.length >= opts.limit || m.seq >= lastSeq || m.info.pending === 0) {
      // Ends the pull now: leaving the loop alone waits for the fetch to expire.
      batch.stop();
      break;
    }
  }
  await consumer.delete().catch(() => {});
  return out;
}
