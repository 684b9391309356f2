import {
  AckPolicy,
  type ConsumerConfig,
  type ConsumerMessages,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  NatsError,
} from 'nats';
import type { StreamName } from './streams.ts';

/** What a handler sees of a message: its subject, stream sequence, payload and redelivery flag. */
export interface BusMessage {
  subject: string;
  streamSeq: number;
  data: Uint8Array;
  redelivered: boolean;
  /** Messages left in the stream after this one for this consumer. */
  pending: number;
}

export interface DurableConsumerOptions {
  stream: StreamName;
  durable: string;
  filterSubject?: string;
  /** Unacked messages the server lets out at once: the flow control. Default 10,000. */
  maxAckPending?: number;
  /** Seconds before an unacked message is redelivered. Default 30. */
  ackWaitSeconds?: number;
  /** Messages pulled per request (≥ 1,000: the default 100 halves throughput). Default 1,000. */
  batch?: number;
}

/** Creates or updates a durable pull consumer with explicit acks. Idempotent. */
export async function ensureDurableConsumer(
  jsm: JetStreamManager,
  opts: DurableConsumerOptions,
): Promise<void> {
  const config: Partial<ConsumerConfig> = {
    durable_name: opts.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    max_ack_pending: opts.maxAckPending ?? 10_000,
    ack_wait: (opts.ackWaitSeconds ?? 30) * 1_000_000_000,
    ...(opts.filterSubject ? { filter_subject: opts.filterSubject } : {}),
  };
  try {
    await jsm.consumers.info(opts.stream, opts.durable);
    // The filter too (nats-server 2.9 updates it): a durable made before `decisions.>` read only
    // `decisions.*` and would miss the partitioned decisions.
    await jsm.consumers.update(opts.stream, opts.durable, {
      max_ack_pending: config.max_ack_pending,
      ack_wait: config.ack_wait,
      ...(opts.filterSubject ? { filter_subject: opts.filterSubject } : {}),
    });
  } catch (err) {
    if (err instanceof NatsError && err.api_error?.err_code === 10014) {
      // 10014: consumer not found
      await jsm.consumers.add(opts.stream, config);
    } else throw err;
  }
}

export type Handler = (msg: BusMessage) => Promise<void> | void;

/** Messages waiting for one handler promise before they are acked together. */
interface AckGroup {
  key: Promise<void> | undefined;
  msgs: JsMsg[];
  done: boolean;
  settled: Promise<void>;
}

/** A running consumption; `stop()` ends it after the message in hand is handled and acked. */
export interface Consumption {
  stop(): Promise<void>;
  readonly done: Promise<void>;
  /**
   * Messages on the consumption's filter not handled yet, counted by the server (see
   * OrderedPushConsumer.backlog); undefined when it cannot say now. Ordered consumptions only.
   */
  backlog?(): Promise<number | undefined>;
}

/** What handlers and reads hand out of a JetStream message. */
export const toBusMessage = (m: JsMsg): BusMessage => ({
  subject: m.subject,
  streamSeq: m.seq,
  data: m.data,
  redelivered: m.redelivered,
  pending: m.info.pending,
});

/**
 * Consumes a durable consumer in stream order and acks each message only after its handler is
 * done with it (the state change it causes happened). A handler may return a promise — say, the
 * PubAck of the decision a tick caused: the next message is handled meanwhile (state changes stay
 * in order) and the ack waits for that promise, with at most `maxOutstanding` waiting. A handler
 * that throws or rejects gets its message redelivered later (nak with delay): nothing acked is lost.
 */
export async function consumeDurable(
  js: JetStreamClient,
  jsm: JetStreamManager,
  opts: DurableConsumerOptions & {
    maxOutstanding?: number;
    /**
     * Double ack: wait for the server to confirm each ack (`ackAck`), so a message counts as done
     * only once the server knows it; a lost ack would otherwise mean a redelivery. Costs a round
     * trip per message: for low-rate, high-value streams (decisions), not ticks.
     */
    doubleAck?: boolean;
  },
  handler: Handler,
  onError: (err: unknown, msg: BusMessage) => void,
): Promise<Consumption> {
  await ensureDurableConsumer(jsm, opts);
  const consumer = await js.consumers.get(opts.stream, opts.durable);
  const messages: ConsumerMessages = await consumer.consume({ max_messages: opts.batch ?? 1000 });
  const maxOutstanding = opts.maxOutstanding ?? 1000;
  // Messages whose handler returned the same promise (a group commit, say) wait in one group: one
  // callback acks them all when it settles, instead of three promises and a closure per message.
  // Groups settle in order of their promises; `waiting` counts their messages for the bound.
  const groups: AckGroup[] = [];
  let waiting = 0;
  const ackOne = (m: JsMsg): Promise<void> | void => (opts.doubleAck ? m.ackAck().then(() => {}) : m.ack());
  const settle = (g: AckGroup) => {
    g.done = true;
    const i = groups.indexOf(g);
    if (i >= 0) groups.splice(i, 1);
    waiting -= g.msgs.length;
  };
  const done = (async () => {
    for await (const m of messages) {
      let result: void | Promise<void>;
      try {
        result = handler(toBusMessage(m));
      } catch (err) {
        onError(err, toBusMessage(m));
        m.nak(1000);
        continue;
      }
      if (!(result instanceof Promise) && !opts.doubleAck) {
        m.ack();
        continue;
      }
      const key = result instanceof Promise ? result : undefined;
      let g = groups.at(-1);
      if (!g || g.done || g.key !== key || key === undefined) {
        const group: AckGroup = { key, msgs: [], done: false, settled: Promise.resolve() };
        group.settled = Promise.resolve(result)
          .then(() => Promise.all(group.msgs.map(ackOne)))
          .then(
            () => {
              settle(group);
            },
            (err: unknown) => {
              settle(group);
              for (const x of group.msgs) {
                onError(err, toBusMessage(x));
                x.nak(1000);
              }
            },
          );
        groups.push(group);
        g = group;
      }
      g.msgs.push(m);
      waiting++;
      while (waiting >= maxOutstanding && groups.length > 0) await (groups[0] as AckGroup).settled;
    }
    while (groups.length > 0) await (groups[0] as AckGroup).settled;
  })();
  return {
    done,
    async stop() {
      await messages.close();
      await done;
    },
  };
}

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

/** The payload of the last message on a subject, or undefined when there is none. */
export async function lastMessageOn(
  jsm: JetStreamManager,
  stream: StreamName,
  subject: string,
): Promise<Uint8Array | undefined> {
  return (await lastOn(jsm, stream, subject))?.data;
}

/** The last message on a subject, or undefined when there is none. */
export async function lastOn(jsm: JetStreamManager, stream: StreamName, subject: string) {
  try {
    return await jsm.streams.getMessage(stream, { last_by_subj: subject });
  } catch (err) {
    if (err instanceof NatsError && (err.api_error?.err_code === 10037 || err.code === '404'))
      return undefined;
    throw err;
  }
}

/** Stream sequence of the last message on a subject (wildcards too), 0 when there is none. */
export async function lastSeqOn(jsm: JetStreamManager, stream: StreamName, subject: string): Promise<number> {
  return (await lastOn(jsm, stream, subject))?.seq ?? 0;
}

/** Messages the durable consumer has not yet been delivered plus those awaiting an ack. */
export async function consumerBacklog(
  jsm: JetStreamManager,
  stream: StreamName,
  durable: string,
): Promise<number> {
  const info = await jsm.consumers.info(stream, durable);
  return info.num_pending + info.num_ack_pending;
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
