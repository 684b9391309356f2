import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  type JetStreamClient,
  type JetStreamManager,
  NatsError,
  RetentionPolicy,
  StorageType,
} from 'nats';

/**
 * A JetStream work queue: jobs published on `<prefix>.jobs.<run>` into a work-queue stream (each
 * job is removed once one worker acks it), results on `<prefix>.results.<run>` into a limits
 * stream the submitter reads back. Workers on any machine share one durable pull consumer, so each
 * job goes to one of them; a worker that dies before its ack gets its job redelivered to another
 * after the ack wait. Payloads are opaque bytes: the caller encodes its jobs and results.
 *
 * The streams are created when missing and never rewritten (an operator may tune them).
 */
export interface WorkQueueNames {
  /** Subject prefix and stream name stem, e.g. `backtest` → BACKTEST_JOBS, BACKTEST_RESULTS. */
  prefix: string;
}

const NANOS = 1_000_000_000;
/** A run token is a subject token: no `.`, `*`, `>` or spaces. */
const TOKEN = /^[A-Za-z0-9_-]+$/;

export class WorkQueueError extends Error {
  override name = 'WorkQueueError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

const streamsOf = (prefix: string) => ({
  jobs: `${prefix.toUpperCase()}_JOBS`,
  results: `${prefix.toUpperCase()}_RESULTS`,
});

/** Creates the two streams when missing (a day's results kept, a job kept until acked). */
export async function ensureWorkQueue(jsm: JetStreamManager, q: WorkQueueNames): Promise<void> {
  const s = streamsOf(q.prefix);
  const wanted = [
    { name: s.jobs, subjects: [`${q.prefix}.jobs.*`], retention: RetentionPolicy.Workqueue, max_age: 0 },
    {
      name: s.results,
      subjects: [`${q.prefix}.results.*`],
      retention: RetentionPolicy.Limits,
      max_age: 86_400 * NANOS,
    },
  ];
  for (const w of wanted) {
    try {
      await jsm.streams.info(w.name);
    } catch (err) {
      if (!(err instanceof NatsError && err.api_error?.err_code === 10059)) throw err; // 10059: no stream
      await jsm.streams.add({
        ...w,
        storage: StorageType.File,
        discard: DiscardPolicy.New,
        max_bytes: 1024 ** 3,
        duplicate_window: 120 * NANOS,
      });
    }
  }
}

/** Publishes one job of `run`, idempotently (`<run>:<key>` is its message id). */
export async function submitJob(
  js: JetStreamClient,
  q: WorkQueueNames,
  run: string,
  key: string,
  data: Uint8Array,
): Promise<void> {
  if (!TOKEN.test(run)) throw new WorkQueueError(`run id ${JSON.stringify(run)} is not a subject token`);
  await js.publish(`${q.prefix}.jobs.${run}`, data, { msgID: `${run}:${key}` });
}

/** Takes `run`'s jobs no worker has acked off the queue (a submitter that gave up); how many. */
export async function withdrawJobs(jsm: JetStreamManager, q: WorkQueueNames, run: string): Promise<number> {
  if (!TOKEN.test(run)) throw new WorkQueueError(`run id ${JSON.stringify(run)} is not a subject token`);
  const r = await jsm.streams.purge(streamsOf(q.prefix).jobs, { filter: `${q.prefix}.jobs.${run}` });
  return r.purged;
}

/**
 * Reads `run`'s results as they are stored (from the first), acking each, until `stop()`, which
 * deletes the run's consumer. A durable pull consumer named after the run, not an ordered one: an
 * ordered consumer with a subject filter never got created on nats-server 2.9 here.
 */
export async function watchResults(
  js: JetStreamClient,
  jsm: JetStreamManager,
  q: WorkQueueNames,
  run: string,
  onResult: (data: Uint8Array) => void,
): Promise<{ stop(): Promise<void> }> {
  if (!TOKEN.test(run)) throw new WorkQueueError(`run id ${JSON.stringify(run)} is not a subject token`);
  const stream = streamsOf(q.prefix).results;
  const durable = `results-${run}`;
  await jsm.consumers.add(stream, {
    durable_name: durable,
    filter_subject: `${q.prefix}.results.${run}`,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    // Removed by the server a while after a submitter that died left it.
    inactive_threshold: 3600 * NANOS,
  });
  const consumer = await js.consumers.get(stream, durable);
  const messages = await consumer.consume({ max_messages: 100 });
  const done = (async () => {
    for await (const m of messages) {
      onResult(m.data);
      m.ack();
    }
  })();
  return {
    async stop() {
      await messages.close();
      await done;
      await jsm.consumers.delete(stream, durable).catch(() => {});
    },
  };
}

export interface QueueWorker {
  /** Jobs this worker finished. */
  readonly processed: number;
  /** Stops taking jobs; resolves when the job in hand is finished and acked. */
  stop(): Promise<void>;
  readonly done: Promise<void>;
}

/**
 * Takes jobs one at a time from the shared durable consumer `durable`, hands each to `handle`,
 * publishes what it returns as the run's result, then acks the job. While a job runs the worker
 * tells the server it is still working, so a long job is not redelivered; a job whose handler
 * throws is nak'ed and tried again (by this worker or another) after `retryMs`.
 */
export async function startQueueWorker(
  js: JetStreamClient,
  jsm: JetStreamManager,
  q: WorkQueueNames & { durable?: string; ackWaitSeconds?: number; retryMs?: number },
  handle: (data: Uint8Array, run: string) => Promise<Uint8Array>,
  onError: (err: unknown) => void = () => {},
): Promise<QueueWorker> {
  const s = streamsOf(q.prefix);
  const durable = q.durable ?? `${q.prefix}-workers`;
  const ackWait = q.ackWaitSeconds ?? 60;
  await ensureWorkQueue(jsm, q);
  try {
    await jsm.consumers.info(s.jobs, durable);
  } catch (err) {
    if (!(err instanceof NatsError && err.api_error?.err_code === 10014)) throw err; // 10014: no consumer
    await jsm.consumers.add(s.jobs, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      ack_wait: ackWait * NANOS,
      max_ack_pending: 1000,
    });
  }
  const consumer = await js.consumers.get(s.jobs, durable);
  let stopping = false;
  let processed = 0;
  const done = (async () => {
    while (!stopping) {
      const m = await consumer.next({ expires: 1000 }).catch((err: unknown) => {
        onError(err);
        return null;
      });
      if (!m) continue;
      const run = m.subject.slice(`${q.prefix}.jobs.`.length);
      const beat = setInterval(() => m.working(), (ackWait * 1000) / 3);
      try {
        const result = await handle(m.data, run);
        await js.publish(`${q.prefix}.results.${run}`, result, {
          msgID: `${run}:${m.seq}`,
        });
        await m.ackAck();
        processed++;
      } catch (err) {
        onError(err);
        m.nak(q.retryMs ?? 5000);
      } finally {
        clearInterval(beat);
      }
    }
  })();
  return {
    get processed() {
      return processed;
    },
    done,
    async stop() {
      stopping = true;
      await done;
    },
  };
}
