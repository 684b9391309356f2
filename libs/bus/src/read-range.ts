import type { JetStreamClient, OrderedConsumerOptions } from 'nats';
import { type BusMessage, toBusMessage } from './consume.ts';
import type { StreamName } from './streams.ts';

/** A read that ended before its range did (the consumer was closed under it): never a short answer. */
export class RangeReadError extends Error {
  override name = 'RangeReadError';
}

export interface RangeRead {
  /** The messages read, in stream order: every one in the range, unless `limit` stopped the read. */
  messages: BusMessage[];
  /** The stream sequence to continue from: after the last message read, or `toSeq + 1` when done. */
  next: number;
}

/**
 * Reads the messages of a stream (optionally one subject) from `fromSeq` (or the first stored at or
 * after `since`) up to `toSeq`, at most `limit`, through an ordered consumer. Complete: it ends at
 * `toSeq`, at `limit`, or when the server says nothing more matches — never because a fetch timed
 * out, so a loaded server makes it slower, not shorter (a fetch with `expires` returned thousands
 * of messages short under load).
 */
export async function readRange(
  js: JetStreamClient,
  stream: StreamName,
  opts: { filterSubject?: string; fromSeq?: number; since?: Date; toSeq: number; limit: number },
): Promise<RangeRead> {
  const from = opts.fromSeq ?? 1;
  if (opts.limit <= 0 || (opts.since === undefined && from > opts.toSeq)) return { messages: [], next: from };
  const config: Partial<OrderedConsumerOptions> = {
    ...(opts.filterSubject ? { filterSubjects: opts.filterSubject } : {}),
    ...(opts.since ? { opt_start_time: opts.since.toISOString() } : { opt_start_seq: from }),
  };
  const consumer = await js.consumers.get(stream, config);
  const messages: BusMessage[] = [];
  try {
    // The consumer's own count of what matches from its start: none, and the range is empty.
    if ((await consumer.info(true)).num_pending === 0) return { messages, next: opts.toSeq + 1 };
    const iter = await consumer.consume({ max_messages: Math.min(Math.max(opts.limit, 100), 5_000) });
    try {
      for await (const m of iter) {
        if (m.seq > opts.toSeq) return { messages, next: opts.toSeq + 1 };
        messages.push(toBusMessage(m));
        if (messages.length >= opts.limit && m.seq < opts.toSeq && m.info.pending > 0)
          return { messages, next: m.seq + 1 };
        if (m.seq >= opts.toSeq || m.info.pending === 0) return { messages, next: opts.toSeq + 1 };
      }
    } finally {
      await iter.close();
    }
  } finally {
    await consumer.delete().catch(() => {});
  }
  const last = messages.at(-1)?.streamSeq;
  throw new RangeReadError(
    `${stream} read of ${opts.filterSubject ?? 'all subjects'} ended at ${last ?? 'nothing'} before sequence ${opts.toSeq}`,
  );
}
