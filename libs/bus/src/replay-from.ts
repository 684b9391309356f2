import type { JetStreamManager, NatsConnection } from 'nats';
import type { BusMessage, Consumption } from './consume.ts';
import { OrderedPushConsumer, type OrderedPushOptions } from './ordered-push.ts';
import type { StreamName } from './streams.ts';

/** What consumeFrom needs of a Bus. */
export interface StreamSource {
  nc: NatsConnection;
  jsm: JetStreamManager;
  onStatus(listener: (type: string, data: string) => void): () => void;
}

/**
 * Consumes a stream from `startSeq` onwards (and keeps going as new messages arrive) through an
 * ordered push consumer: no acks, no server-side position — the caller owns the position and
 * records it in its own checkpoint, the way a kdb+ RDB replays the tickerplant log from a known
 * count. Messages arrive through a callback, in stream order, each once.
 */
export async function consumeFrom(
  bus: StreamSource,
  stream: StreamName,
  startSeq: number,
  handler: (msg: BusMessage) => void,
  onError: (err: unknown, msg: BusMessage) => void,
  opts: Omit<OrderedPushOptions, 'startSeq'> = {},
): Promise<Consumption> {
  let stopped!: () => void;
  const done = new Promise<void>((resolve) => {
    stopped = resolve;
  });
  const consumer = await OrderedPushConsumer.start(
    bus.nc,
    bus.jsm,
    stream,
    (msg) => {
      try {
        handler(msg);
      } catch (err) {
        onError(err, msg);
      }
    },
    { startSeq, ...opts },
    // A cluster server gone (nats.js: `update` with `deleted`) may have taken the consumer with
    // it: say so as `server-lost`, and the consumer is made again at once, not after 15 s of
    // missed heartbeats.
    (listener) =>
      bus.onStatus((type, data) =>
        listener(type === 'update' && /"deleted":\["/.test(data) ? 'server-lost' : type),
      ),
  );
  return {
    done,
    async stop() {
      await consumer.stop();
      stopped();
    },
  };
}
