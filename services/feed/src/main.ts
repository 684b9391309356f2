import { Bus } from '@tickflow/bus';
import { type Clock, systemClock } from '@tickflow/core';
import {
  busAuthFrom,
  createLogger,
  createRegistry,
  Lifecycle,
  type Logger,
  listen,
  loadHttpSecurity,
  type ServiceHandle,
  warnStreamSetting,
} from '@tickflow/runtime';
import { buildApp } from './app.ts';
import { type FeedConfig, feedSpec } from './config.ts';
import { ConfirmWatch } from './confirm-watch.ts';
import { FeedService, type FeedStats, type LastSeqLookup, type SeqLookupOptions } from './feed.ts';
import { TickPipeline } from './pipeline.ts';
import { createSource, SourceConfigError } from './source-factory.ts';
import { ReplayColumnError, ReplayFileError } from './sources/replay.ts';

/**
 * Starts the feed: connect, make sure the streams exist, build the source, listen, publish.
 * `done` resolves with the final stats when the source ends or the duration is up; `close()` stops
 * intake, waits until the stream confirmed every tick, closes HTTP and drains NATS.
 */
export async function startFeed(
  config: FeedConfig,
  log: Logger = createLogger('feed', config.logLevel),
  clock: Clock = systemClock,
  /** Tests only: how the last seq of a series is read from TICKS, and its retry bound. */
  opts: { lastSeq?: LastSeqLookup; seqLookup?: SeqLookupOptions } = {},
): Promise<ServiceHandle<FeedStats> & { feed: FeedService; confirms: ConfirmWatch }> {
  // nats.js spends about half of a JetStream publish capturing stack traces for its timeout errors.
  Error.stackTraceLimit = 0;
  const security = loadHttpSecurity(config);
  const source = createSource(config, clock, log);
  // A replay file that can't be read or whose header does not fit stops here, before anything
  // connects or listens: a usage error (exit 2), the file or the flags must change.
  try {
    await source.prepare?.();
  } catch (err) {
    if (err instanceof ReplayFileError && !(err instanceof ReplayColumnError))
      throw new SourceConfigError(err.message, { cause: err });
    throw err;
  }
  const bus = await Bus.connect({
    ...busAuthFrom(config),
    name: 'tickflow-feed',
    onStatus: (s) => log.warn(s, 'nats status'),
  });
  await bus.ensureStreams({ replicas: config.replicas }, warnStreamSetting(log), {
    partitioned: config.partitions > 1,
  });
  const registry = createRegistry('feed');
  let confirmed: (ms: number) => void = () => {};
  const confirms = new ConfirmWatch(() => publisher.stats, config.confirmStallSeconds * 1000, registry);
  const publisher = bus.confirmingPublisher({
    onConfirmed: (ms) => {
      confirms.onConfirmed();
      confirmed(ms);
    },
    confirmEvery: config.confirmEvery,
    maxOutboxBytes: config.outboxMib * 1024 * 1024,
    overflow: config.overflow,
    onEvent: (e) => {
      if (e.type === 'confirm-failed') confirms.onFailed(e.error);
      if (e.type === 'dropped')
        log.error({ dropped: e.count }, 'outbox full: oldest unconfirmed ticks dropped');
      else
        log.warn(
          { count: e.count, err: e.error },
          e.type === 'resent' ? 'ticks re-sent' : 'confirmation failed',
        );
    },
  });
  const pipeline = new TickPipeline({
    dedupWindow: config.dedupWindow,
    spike: {
      maxPct: config.spikePct,
      window: config.spikeWindow,
      minSamples: Math.min(11, config.spikeWindow),
    },
    // A compressed or historical session runs ahead of the wall clock by design.
    maxFutureMicros: config.timeScale > 1 ? Number.MAX_SAFE_INTEGER : config.maxFuture * 1e6,
  });
  const feed = new FeedService(
    bus,
    source,
    pipeline,
    publisher,
    log,
    registry,
    clock,
    opts.lastSeq,
    opts.seqLookup,
  );
  feed.partitions = config.partitions;
  bus.onStatus((type) => type === 'reconnect' && feed.metrics.natsReconnects.inc());
  confirmed = (ms) => feed.metrics.confirmSeconds.observe(ms / 1000);
  const app = buildApp({ bus, feed, source, registry, confirms, security });
  const port = await listen(app, config.host, config.port, feedSpec.port);
  log.info({ port, nats: bus.url, source: source.name }, 'feed started');
  const timer = config.duration > 0 ? setTimeout(() => feed.stop(), config.duration * 1000) : undefined;
  const running = feed.run().then(
    (stats) => {
      if (timer) clearTimeout(timer);
      log.info(stats, 'feed finished');
      return stats;
    },
    (err: unknown) => {
      if (timer) clearTimeout(timer);
      log.error({ ...feed.stats, err }, 'feed stopped by an error');
      throw err;
    },
  );
  const lifecycle = new Lifecycle(log)
    .onClose('intake', async () => {
      feed.stop();
      // A failure is `done`'s to report (the entry point exits with it); closing goes on.
      await running.catch(() => {});
    })
    .onClose('publisher', () => publisher.close())
    .onClose('http', () => app.close())
    .onClose('nats', () => bus.drain());
  return {
    done: running,
    close: () => lifecycle.close(),
    port,
    feed,
    confirms,
    unfinished: () => ({ ...lifecycle.unfinished(), outboxMessages: publisher.stats.outboxMessages }),
  };
}
