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
 * A wider filter to read with first: up to stream sequence `throughSeq` the consumption reads
 * `filterSubject`, then goes on with its own filter from the next sequence. A partition's instance
 * replays a day whose first part the feed stored in another subject layout (see otherLayoutsEnd).
 */
export interface CatchUp {
  filterSubject: string;
  throughSeq: number;
  /** Told when the consumption goes on with its own filter, and from which sequence. */
  onSwitch?: (nextSeq: number) => void;
}

export interface ConsumeFromOptions extends Omit<OrderedPushOptions, 'startSeq'> {
  catchUp?: CatchUp;
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
  opts: ConsumeFromOptions = {},
): Promise<Consumption> {
  const { catchUp, ...own } = opts;
  let stopped!: () => void;
  const done = new Promise<void>((resolve) => {
    stopped = resolve;
  });
  let isStopped = false;
  let consumer: OrderedPushConsumer;
  let switching: Promise<void> | undefined;
  const start = (from: number, filterSubject: string | undefined, onMessage: (msg: BusMessage) => void) =>
    OrderedPushConsumer.start(
      bus.nc,
      bus.jsm,
      stream,
      (msg) => {
        try {
          onMessage(msg);
        } catch (err) {
          onError(err, msg);
        }
      },
      { ...own, startSeq: from, ...(filterSubject === undefined ? {} : { filterSubject }) },
      // A cluster server gone (nats.js: `update` with `deleted`) may have taken the consumer with
      // it: say so as `server-lost`, and the consumer is made again at once, not after 15 s of
      // missed heartbeats.
      (listener) =>
        bus.onStatus((type, data) =>
          listener(type === 'update' && /"deleted":\["/.test(data) ? 'server-lost' : type),
        ),
    );
  if (catchUp && startSeq <= catchUp.throughSeq) {
    // The wide consumer stops delivering the moment it is stopped (the rest of its batch is
    // dropped), so its position is exactly where the own filter goes on.
    const wide: OrderedPushConsumer = await start(startSeq, catchUp.filterSubject, (msg) => {
      handler(msg);
      if (msg.streamSeq >= catchUp.throughSeq && !switching) switching = goOn(wide);
    });
    consumer = wide;
  } else consumer = await start(startSeq, own.filterSubject, handler);

  async function goOn(wide: OrderedPushConsumer): Promise<void> {
    await wide.stop();
    let delay = 100;
    while (!isStopped) {
      try {
        consumer = await start(wide.position, own.filterSubject, handler);
        catchUp?.onSwitch?.(wide.position);
        if (isStopped) await consumer.stop();
        return;
      } catch {
        // The broker is away: try again, backing off to 2 s.
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 2000);
      }
    }
  }

  return {
    done,
    async stop() {
      isStopped = true;
      await switching;
      await consumer.stop();
      stopped();
    },
    backlog: () => consumer.backlog(),
  };
}
