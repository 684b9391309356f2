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

/** Messages the durable consumer has not yet been delivered plus those awaiting an ack. */
export async function consumerBacklog(
  jsm: JetStreamManager,
  stream: StreamName,
  durable: string,
): Promise<number> {
  const info = await jsm.consumers.info(stream, durable);
  return info.num_pending + info.num_ack_pending;
}
