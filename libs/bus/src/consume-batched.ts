import {
  AckPolicy,
  type ConsumerConfig,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  NatsError,
} from 'nats';
import type { BusMessage, Consumption } from './consume.ts';
import type { StreamName } from './streams.ts';

export interface BatchedConsumerOptions {
  stream: StreamName;
  durable: string;
  filterSubject?: string;
  /** Commit (and ack) after this many messages. Default 1,000. */
  commitEvery?: number;
  /** …or after this many ms with uncommitted messages. Default 50. */
  commitIntervalMs?: number;
  /** Unacked messages the server lets out at once. Default 20,000 (must exceed commitEvery). */
  maxAckPending?: number;
  ackWaitSeconds?: number;
  /** Messages pulled per request. Default 2,000. */
  batch?: number;
}

export class ConsumerConfigError extends Error {
  override name = 'ConsumerConfigError';
}

/**
 * High-throughput durable consumption for handlers whose state change is synchronous (indicators,
 * marks): messages arrive through a callback (no async iteration per message), the handler applies
 * each one, and every `commitEvery` messages (or `commitIntervalMs`) `commit()` runs — e.g. "the
 * decisions these ticks caused are confirmed by DECISIONS" — after which the last message of the
 * batch is acked. The consumer uses AckPolicy.All, so that one ack covers everything before it.
 * A crash loses nothing acked: unacked messages are redelivered, and handlers must be idempotent
 * for those (ids, or seq checks).
 */
export async function consumeBatched(
  js: JetStreamClient,
  jsm: JetStreamManager,
  opts: BatchedConsumerOptions,
  handler: (msg: BusMessage) => void,
  commit: () => Promise<void>,
  onError: (err: unknown, msg?: BusMessage) => void,
): Promise<Consumption> {
  const config: Partial<ConsumerConfig> = {
    durable_name: opts.durable,
    ack_policy: AckPolicy.All,
    deliver_policy: DeliverPolicy.All,
    max_ack_pending: opts.maxAckPending ?? 20_000,
    ack_wait: (opts.ackWaitSeconds ?? 30) * 1_000_000_000,
    ...(opts.filterSubject ? { filter_subject: opts.filterSubject } : {}),
  };
  try {
    const existing = await jsm.consumers.info(opts.stream, opts.durable);
    if (existing.config.ack_policy !== AckPolicy.All) {
      throw new ConsumerConfigError(
        `durable consumer ${opts.durable} on ${opts.stream} exists with ack policy ${existing.config.ack_policy}; ` +
          'this version needs "all": delete it (nats consumer rm) or choose another --durable name',
      );
    }
  } catch (err) {
    if (err instanceof NatsError && err.api_error?.err_code === 10014)
      await jsm.consumers.add(opts.stream, config);
    else throw err;
  }
  const commitEvery = opts.commitEvery ?? 1000;
  const consumer = await js.consumers.get(opts.stream, opts.durable);
  let last: JsMsg | undefined;
  /** The last message acked; a failed commit leaves it behind, so the timer retries. */
  let acked: JsMsg | undefined;
  let sinceCommit = 0;
  let committing: Promise<void> | undefined;
  let stopped = false;
  const runCommit = (): Promise<void> => {
    if (committing || !last) return committing ?? Promise.resolve();
    const upTo = last;
    sinceCommit = 0;
    committing = commit()
      // ackAck waits for the server to confirm the ack: `acked` then means acked, and stop()
      // returns only once the consumer's ack floor has moved (a plain ack could still be in flight).
      .then(() => upTo.ackAck())
      .then(() => {
        acked = upTo;
      })
      .catch((err: unknown) => onError(err))
      .finally(() => {
        committing = undefined;
      });
    return committing;
  };
  const timer = setInterval(() => {
    if (last !== acked) void runCommit();
  }, opts.commitIntervalMs ?? 50);
  const messages = await consumer.consume({
    max_messages: opts.batch ?? 2000,
    callback: (m: JsMsg) => {
      if (stopped) return;
      const msg = lazyMessage(m);
      try {
        handler(msg);
      } catch (err) {
        // A handler must not throw for bad input (it counts and skips); this is a bug: log it, go on.
        onError(err, msg);
      }
      last = m;
      if (++sinceCommit >= commitEvery) void runCommit();
    },
  });
  const done = (async () => {
    await messages.closed();
  })();
  return {
    done,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await messages.close();
      await committing;
      if (last !== acked) await runCommit();
    },
  };
}

/** A BusMessage whose sequence and pending count are parsed from the reply subject only if read. */
function lazyMessage(m: JsMsg): BusMessage {
  return {
    subject: m.subject,
    data: m.data,
    get streamSeq() {
      return m.seq;
    },
    get redelivered() {
      return m.redelivered;
    },
    get pending() {
      return m.info.pending;
    },
  };
}
