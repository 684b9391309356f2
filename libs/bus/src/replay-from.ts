import { DeliverPolicy, type JetStreamClient, type JsMsg } from 'nats';
import type { BusMessage, Consumption } from './consume.ts';
import type { StreamName } from './streams.ts';

/**
 * Consumes a stream from `startSeq` onwards (and keeps going as new messages arrive) through an
 * ordered consumer: no acks, no server-side position — the caller owns the position and records it
 * in its own checkpoint, the way a kdb+ RDB replays the tickerplant log from a known count.
 * Messages arrive through a callback, in stream order.
 */
export async function consumeFrom(
  js: JetStreamClient,
  stream: StreamName,
  startSeq: number,
  handler: (msg: BusMessage) => void,
  onError: (err: unknown, msg: BusMessage) => void,
  opts: { filterSubject?: string; batch?: number } = {},
): Promise<Consumption> {
  const consumer = await js.consumers.get(stream, {
    ...(opts.filterSubject ? { filterSubjects: opts.filterSubject } : {}),
    ...(startSeq > 1 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: startSeq } : {}),
  });
  const messages = await consumer.consume({
    max_messages: opts.batch ?? 2000,
    callback: (m: JsMsg) => {
      const msg: BusMessage = {
        subject: m.subject,
        data: m.data,
        streamSeq: m.seq,
        redelivered: false,
        pending: 0,
      };
      try {
        handler(msg);
      } catch (err) {
        onError(err, msg);
      }
    },
  });
  const done = (async () => {
    await messages.closed();
  })();
  return {
    done,
    async stop() {
      await messages.close();
    },
  };
}
