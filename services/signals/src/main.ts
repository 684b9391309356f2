import { Bus, type Consumption, consumeFrom, PublishError, subjects } from '@tickflow/bus';
import { parsePartition } from '@tickflow/core';
import {
  createLogger,
  createRegistry,
  Lifecycle,
  type Logger,
  listen,
  readSettingFile,
  type ServiceHandle,
} from '@tickflow/runtime';
import { strategySetup } from '@tickflow/strategy';
import { buildApp } from './app.ts';
import type { SignalsConfig } from './config.ts';
import { type SignalsCheckpoint, SignalsService } from './signals.ts';
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
): Promise<ServiceHandle & { service: SignalsService }> {
  if (config.fast >= config.slow)
    throw new RangeError(`--fast (${config.fast}) must be smaller than --slow (${config.slow})`);
  const bus = await Bus.connect({
    url: config.natsUrl,
    name: 'tickflow-signals',
    onStatus: (s) => log.warn(s, 'nats status'),
  });
  await bus.ensureStreams();
  const registry = createRegistry('signals');
  const partition = parsePartition(config.partition);
  const setup = strategySetup(
    config.strategies === undefined ? undefined : readSettingFile(config.strategies, 'strategies'),
    {
      fast: config.fast,
      slow: config.slow,
      qty: config.qty,
    },
  );
  const service = new SignalsService(bus, setup.factory, setup.fingerprint, log, registry);
  service.partition = partition;
  let consumption: Consumption | undefined;
  // A decision that cannot be stored after its retries is fatal: no checkpoint may then claim the
  // ticks as handled, so the service stops (done rejects) instead of running on with a hole.
  let fatal: (err: unknown) => void = () => {};
  const done = new Promise<void>((_, reject) => {
    fatal = reject;
  });
  done.catch(() => {}); // observed by the entry point; never an unhandled rejection

  // Restore the last checkpoint, then replay TICKS from the position it records.
  const key = `signals.${config.durable}`;
  const saved = await bus.objectGet<SignalsCheckpoint>(CHECKPOINT_BUCKET, key);
  if (saved) {
    const refused =
      saved.partition && saved.partition !== config.partition
        ? `checkpoint belongs to partition ${saved.partition}`
        : service.restore(saved);
    if (refused) log.warn({ key, refused }, 'checkpoint not used: replaying TICKS from the start');
    else log.info({ key, streamSeq: saved.streamSeq }, 'restored checkpoint; replaying TICKS after it');
  }

  const hub = new StreamHub((symbol) => service.view(symbol));
  service.listener = hub;
  const app = await buildApp({
    hub,
    bus,
    botUrl: config.botUrl,
    feedUrl: config.feedUrl,
    reportsDir: config.reportsDir,
    signals: service,
    registry,
    consuming: () => consumption !== undefined,
    backlog: async () =>
      Math.max(0, (await bus.jsm.streams.info('TICKS')).state.last_seq - service.lastApplied),
  });

  // Checkpoint: state and position taken together, stored once the decisions up to it are confirmed.
  let checkpointing: Promise<void> | undefined;
  let lastStored = service.lastApplied;
  const checkpoint = (): Promise<void> => {
    checkpointing ??= (async () => {
      const cp = { ...service.checkpoint(), partition: config.partition };
      if (cp.streamSeq === lastStored) return;
      await service.commit();
      await bus.objectPut(CHECKPOINT_BUCKET, key, cp);
      lastStored = cp.streamSeq;
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

  consumption = await consumeFrom(
    bus,
    'TICKS',
    service.lastApplied + 1,
    (m) => service.onMessage(m),
    (err, m) => log.error({ err, subject: m.subject, streamSeq: m.streamSeq }, 'tick handling failed'),
    {
      filterSubject: subjects.allTicks,
      onReset: (reason, nextSeq) => log.warn({ reason, nextSeq }, 'tick consumer recreated'),
    },
  );
  const port = await listen(app, config.host, config.port);
  log.info(
    { port, nats: bus.url, from: service.lastApplied + 1, dashboard: `http://${config.host}:${port}/` },
    'signals started',
  );
  const lifecycle = new Lifecycle(log)
    .onClose('intake', () => consumption?.stop())
    .onClose('checkpoint', async () => {
      clearInterval(timer);
      await checkpointing;
      await checkpoint();
    })
    .onClose('decisions', () => service.close())
    .onClose('stream', () => hub.close())
    .onClose('http', () => app.close())
    .onClose('nats', () => bus.drain());
  return { done, close: () => lifecycle.close(), port, service };
}
