import {
  Bus,
  type Consumption,
  consumeFrom,
  lastSeqOn,
  nextOnSubject,
  onlyPlainLayout,
  PublishError,
  retryWhileAway,
  type StreamLimits,
  subjects,
  waitForSettled,
} from '@tickflow/bus';
import { PartitionSpecError, parsePartition } from '@tickflow/core';
import {
  busAuthFrom,
  createLogger,
  createRegistry,
  Lifecycle,
  type Logger,
  listen,
  loadHttpSecurity,
  loadStrategySetup,
  type ServiceHandle,
  warnStreamSetting,
} from '@tickflow/runtime';
import { buildApp } from './app.ts';
import { type SignalsConfig, signalsSpec } from './config.ts';
import { layoutCatchUp } from './layout-catch-up.ts';
import { SignalsService } from './signals.ts';
import type { SignalsCheckpoint } from './signals-checkpoint.ts';
import { storedDecisionIds } from './stored-decisions.ts';
import { StreamHub } from './stream-hub.ts';

/**
 * Object store bucket of service checkpoints (state + stream position). An object store, not KV:
 * with thousands of symbols a checkpoint passes the 1 MB message limit that bounds a KV value.
 */
export const CHECKPOINT_BUCKET = 'tickflow_checkpoints';

/**
 * Starts signals: restore the checkpoint, replay TICKS from its position (ordered consumer) →
 * strategy → DECISIONS, checkpoint every --checkpoint-ms, plus the REST API and WebSocket.
 */
export async function startSignals(
  config: SignalsConfig,
  log: Logger = createLogger('signals', config.logLevel),
  /** Tests only: the stream limits to create or update the streams with (a short duplicate window). */
  opts: { streamLimits?: StreamLimits } = {},
): Promise<ServiceHandle & { service: SignalsService }> {
  if (config.fast >= config.slow)
    throw new RangeError(`--fast (${config.fast}) must be smaller than --slow (${config.slow})`);
  const nats = busAuthFrom(config);
  const security = loadHttpSecurity(config);
  const partition = parsePartition(config.partition);
  // Decisions go out partitioned for as many bot instances as this signals' own partitions.
  if (partition.count > 1 && config.partitions !== 1 && config.partitions !== partition.count)
    throw new PartitionSpecError(
      `--partitions ${config.partitions} differs from --partition ${config.partition}: decisions are published for ${partition.count} bot partitions`,
    );
  const decisionPartitions = partition.count > 1 ? partition.count : config.partitions;
  // Built-ins and the strategy modules the config names, through the one loader (libs/runtime),
  // before anything connects: a bad file fails the start with nothing to undo.
  const setup = await loadStrategySetup(config.strategies, {
    fast: config.fast,
    slow: config.slow,
    qty: config.qty,
  });
  const bus = await Bus.connect({
    ...nats,
    name: 'tickflow-signals',
    onStatus: (s) => log.warn(s, 'nats status'),
  });
  await bus.ensureStreams({ replicas: config.replicas, ...opts.streamLimits }, warnStreamSetting(log), {
    partitioned: decisionPartitions > 1,
  });
  // Gap read-backs on a connection of their own: on the consumer's, each reply would queue behind
  // the ticks already pushed to it, and the read-back would be no faster than the consumer.
  const readBus = await Bus.connect({ ...nats, name: 'tickflow-signals-readback' });
  const registry = createRegistry('signals');
  const service = new SignalsService(bus, setup.factory, setup.fingerprint, log, registry, undefined, {
    maxHeldPerLane: config.gapHoldTicks,
    maxHeldTotal: config.gapHoldTotal,
    gapTimeoutMs: config.gapTimeoutMs,
    scanLimit: Math.max(2 * config.gapHoldTicks, 1000),
    reader: (subject, fromSeq) => nextOnSubject(readBus.jsm, 'TICKS', subject, fromSeq),
  });
  service.partition = partition;
  service.decisionPartitions = decisionPartitions;
  let consumption: Consumption | undefined;
  // A decision that cannot be stored after its retries is fatal: no checkpoint may then claim the
  // ticks as handled, so the service stops (done rejects) instead of running on with a hole.
  let fatal: (err: unknown) => void = () => {};
  const done = new Promise<void>((_, reject) => {
    fatal = reject;
  });
  done.catch(() => {}); // observed by the entry point; never an unhandled rejection

  // Start-up reads outlast a broker restart (--nats-wait-s) instead of ending the process.
  const whileAway = <T>(what: string, request: () => Promise<T>) =>
    retryWhileAway(request, config.natsWaitS * 1000, (err, attempt) => {
      if (attempt === 1) log.warn({ err, what }, 'broker away while starting: trying again');
    });
  // Restore the last checkpoint, then replay TICKS from the position it records.
  const key = `signals.${config.durable}`;
  const saved = await whileAway('checkpoint', () => bus.objectGet<SignalsCheckpoint>(CHECKPOINT_BUCKET, key));
  let decisionsFrom = 1;
  if (saved) {
    const refused =
      saved.partition && saved.partition !== config.partition
        ? `checkpoint belongs to partition ${saved.partition}`
        : service.restore(saved);
    if (refused) log.warn({ key, refused }, 'checkpoint not used: replaying TICKS from the start');
    else {
      log.info({ key, streamSeq: saved.streamSeq }, 'restored checkpoint; replaying TICKS after it');
      // A checkpoint written before decisionsSeq existed: the ids since the start are read instead.
      decisionsFrom = (saved.decisionsSeq ?? 0) + 1;
    }
  }
  // Decisions already in DECISIONS are not published again by the replay (without a usable
  // checkpoint: every stored id of this instance's partition).
  // What a SIGKILLed predecessor published may still be landing in DECISIONS: read it once it has.
  // (Other partitions' instances keep DECISIONS busy: then the wait is capped sooner.)
  const settle = await waitForSettled(bus.jsm, 'DECISIONS', subjects.allDecisions, {
    quietMs: 1000,
    maxMs: partition.count > 1 ? 3000 : 10_000,
  });
  if (!settle.quiet)
    log.warn(
      { waitedMs: Math.round(settle.waitedMs) },
      'DECISIONS still busy; reading the stored decision ids anyway',
    );
  const read = await whileAway('stored decision ids', () => storedDecisionIds(bus, decisionsFrom, partition));
  service.alreadyStored(read.ids);
  if (read.ids.size)
    log.info({ decisions: read.ids.size, from: decisionsFrom }, 'decision ids already in DECISIONS');

  const ticksInfo = await whileAway('TICKS', () => bus.jsm.streams.info('TICKS'));
  // The last tick this instance reads: TICKS' last, or its partition's (the others' come after).
  const ticksEnd = async () =>
    partition.count > 1
      ? await lastSeqOn(bus.jsm, 'TICKS', subjects.ticksOf(partition))
      : (await bus.jsm.streams.info('TICKS')).state.last_seq;
  if (ticksInfo.state.first_seq > 1 && service.lastApplied + 1 <= ticksInfo.state.first_seq) {
    service.order.openLanesAtFirstSeq();
    log.info(
      { firstSeq: ticksInfo.state.first_seq },
      'TICKS starts after sequence 1 (trimmed or purged): lanes not in the checkpoint start at their first tick',
    );
  }

  const hub = new StreamHub(
    (symbol) => service.view(symbol),
    {
      maxClients: config.wsMaxClients,
      maxSubscriptions: config.wsMaxSubscriptions,
      maxBufferedBytes: config.wsMaxBufferedKib * 1024,
      slowMs: config.wsSlowMs,
    },
    { registry, onError: (err, where) => log.error({ err, where }, '/v1/stream failed; decisions go on') },
  );
  service.listener = hub;
  const app = await buildApp({
    hub,
    maxFrameBytes: config.wsMaxFrameBytes,
    bus,
    botUrl: config.botUrl,
    feedUrl: config.feedUrl,
    reportsDir: config.reportsDir,
    signals: service,
    registry,
    security,
    consuming: () => consumption !== undefined,
    skippedGaps: () => service.order.skippedGaps,
    // A partition's instance: its filter's ticks not handled yet, as the server counts them (the
    // stream sequences up to its last tick count the other partitions' too). Every tick: exact in
    // stream sequences.
    backlog: async () =>
      (partition.count > 1 ? await consumption?.backlog?.() : undefined) ??
      Math.max(0, (await ticksEnd()) - service.lastApplied),
  });

  // DECISIONS' last sequence as last seen: any value learnt before a checkpoint's state is taken
  // is one every decision made after it is stored beyond — once the replay has passed the ticks a
  // predecessor had already decided (TICKS' end at start). Until then a checkpoint keeps the
  // restored position: the decisions it would re-emit were stored before anything learnt now (the
  // fault campaign saw a checkpoint taken mid-replay skip them, and 497 decisions sent twice).
  // Refreshed in the background after each checkpoint, so a JetStream API round trip (slow while
  // the streams are busy) never delays one.
  const predecessorEnd = await whileAway("TICKS' end", ticksEnd);
  let decisionsSeq = service.lastApplied >= predecessorEnd ? read.lastSeq : decisionsFrom - 1;
  let refreshing = false;
  const refreshDecisionsSeq = () => {
    if (refreshing || service.lastApplied < predecessorEnd) return;
    refreshing = true;
    bus.jsm.streams
      .info('DECISIONS')
      .then((info) => {
        decisionsSeq = Math.max(decisionsSeq, info.state.last_seq);
      })
      .catch(() => {})
      .finally(() => {
        refreshing = false;
      });
  };

  // Checkpoint: state and position taken together, stored once the decisions up to it are confirmed.
  let checkpointing: Promise<void> | undefined;
  let lastStored = service.lastApplied;
  const checkpoint = (): Promise<void> => {
    checkpointing ??= (async () => {
      const cp = { ...service.checkpoint(), decisionsSeq, partition: config.partition };
      if (cp.streamSeq === lastStored) return;
      await service.commit();
      await bus.objectPut(CHECKPOINT_BUCKET, key, cp);
      lastStored = cp.streamSeq;
      refreshDecisionsSeq();
    })()
      .catch((err: unknown) => {
        log.error({ err }, 'checkpoint failed');
        if (err instanceof PublishError) fatal(err);
      })
      .finally(() => {
        checkpointing = undefined;
      });
    return checkpointing;
  };
  const timer = setInterval(() => void checkpoint(), config.checkpointMs);
  // Gaps are read back once they are gapTimeoutMs old; a sweep a few times per timeout finds them.
  const gapTimer = setInterval(() => void service.order.resolveGaps(), Math.max(50, config.gapTimeoutMs / 4));
  const stopStatus = bus.onStatus((type) => type === 'reconnect' && service.order.rearm());

  const catchUp = await layoutCatchUp(bus, partition, service.lastApplied, log);
  consumption = await consumeFrom(
    bus,
    'TICKS',
    service.lastApplied + 1,
    (m) => service.onMessage(m),
    (err, m) => log.error({ err, subject: m.subject, streamSeq: m.streamSeq }, 'tick handling failed'),
    {
      // Only this partition's ticks when the feed publishes them partitioned (--partitions n).
      filterSubject: subjects.ticksOf(partition),
      ...(catchUp ? { catchUp } : {}),
      onReset: (reason, nextSeq) => log.warn({ reason, nextSeq }, 'tick consumer recreated'),
      // Too many ticks held behind gaps: the server sends no more until the read-back is done.
      beforeFlowControl: () => service.order.backpressure(),
    },
  );
  if (partition.count > 1 && (await onlyPlainLayout(bus.jsm, 'TICKS', subjects.ticksOf(partition))))
    log.warn(
      { filter: subjects.ticksOf(partition) },
      'TICKS holds ticks, none on this partition’s subjects: start the feed with --partitions n (docs/SCALING.md)',
    );
  const port = await listen(app, config.host, config.port, signalsSpec.port);
  log.info(
    { port, nats: bus.url, from: service.lastApplied + 1, dashboard: `http://${config.host}:${port}/` },
    'signals started',
  );
  const lifecycle = new Lifecycle(log)
    .onClose('intake', async () => {
      clearInterval(gapTimer);
      stopStatus();
      await consumption?.stop();
    })
    .onClose('checkpoint', async () => {
      clearInterval(timer);
      await checkpointing;
      await checkpoint();
    })
    .onClose('decisions', () => service.close())
    .onClose('stream', () => hub.close())
    .onClose('http', () => app.close())
    .onClose('nats', async () => {
      await readBus.drain();
      await bus.drain();
    });
  return {
    done,
    close: () => lifecycle.close(),
    port,
    service,
    // Held ticks are not listed: the stored checkpoint stays below them, so a restart replays them.
    unfinished: () => ({
      ...lifecycle.unfinished(),
      unconfirmedDecisions: service.unconfirmedDecisions,
      checkpointBehindBy: Math.max(0, service.checkpoint().streamSeq - lastStored),
    }),
  };
}
