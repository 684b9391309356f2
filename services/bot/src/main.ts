import {
  Bus,
  consumeDurable,
  consumeFrom,
  decode,
  isTransientBusError,
  nextOnSubject,
  onlyPlainLayout,
  PublishError,
  readRange,
  retryWhileAway,
  subjects,
  TickSubjects,
} from '@tickflow/bus';
import { dec, parsePartition, partitionOf } from '@tickflow/core';
import {
  BOT_BUCKET,
  DEFAULT_EXECUTION,
  type ExecutionModel,
  Portfolio,
  type RiskLimits,
} from '@tickflow/paper';
import {
  busAuthFrom,
  createLogger,
  createRegistry,
  Lifecycle,
  type Logger,
  listen,
  loadHttpSecurity,
  OutageLog,
  type ServiceHandle,
  warnStreamSetting,
} from '@tickflow/runtime';
import { buildApp } from './app.ts';
import { streamBackfill } from './backfill.ts';
import { PaperBot } from './bot.ts';
import { type BotConfig, botSpec } from './config.ts';
import { takeUpOtherLayouts } from './layout-handover.ts';
import { rebuildBot } from './rebuild.ts';
import { TradingSession } from './session.ts';
import { closeWithin } from './shutdown.ts';
import { OrderAbandonedError } from './tape-orders.ts';

/** Deletes the durable TICKS consumer earlier versions used for marks, so it stops holding messages. */
async function dropLegacyMarksConsumer(bus: Bus, name: string, log: Logger): Promise<void> {
  const gone = await bus.jsm.consumers.delete('TICKS', name).catch(() => false);
  if (gone) log.info({ consumer: name }, 'deleted the durable marks consumer of an earlier version');
}

/**
 * Takes up the decisions the durable consumer delivered and may not have seen acked (after its ack
 * floor, up to the last delivered), read from DECISIONS in stream order, in chunks (the range may
 * be long when one order waited for hours); none when the consumer does not exist yet.
 */
async function resumeUnacked(bus: Bus, bot: PaperBot, durable: string, filter: string): Promise<number> {
  const info = await bus.jsm.consumers.info('DECISIONS', durable).catch(() => undefined);
  if (!info) return 0;
  const to = info.delivered.stream_seq;
  let from = info.ack_floor.stream_seq + 1;
  let count = 0;
  while (from <= to) {
    const read = await readRange(bus.js, 'DECISIONS', {
      filterSubject: filter,
      fromSeq: from,
      toSeq: to,
      limit: 5_000,
    });
    bot.resume(read.messages);
    count += read.messages.length;
    from = read.next;
  }
  return count;
}

/** `bot` alone, `bot-p0of2` for partition 0/2: the durable consumer's and the snapshots' name. */
export function partitionedName(durable: string, partition: { index: number; count: number }): string {
  return partition.count > 1 ? `${durable}-p${partition.index}of${partition.count}` : durable;
}

/** The bot's flags that make its execution model (`tickflow backtest` takes the same ones). */
export type ExecutionFlags = Pick<
  BotConfig,
  | 'latencyMs'
  | 'slippageBps'
  | 'impactBps'
  | 'feeBps'
  | 'makerFeeBps'
  | 'minFee'
  | 'partialFills'
  | 'orderTtlMs'
>;

export function executionOf(config: ExecutionFlags): ExecutionModel {
  return {
    ...DEFAULT_EXECUTION,
    latencyMs: config.latencyMs,
    slippageBps: config.slippageBps,
    impactBps: config.impactBps,
    takerFeeBps: config.feeBps,
    makerFeeBps: config.makerFeeBps,
    minFee: config.minFee,
    partialFills: config.partialFills,
    ttlMs: config.orderTtlMs,
  };
}

/** The bot's risk-limit flags (the backtest takes them under the same names). */
export type LimitFlags = Pick<
  BotConfig,
  'maxPosition' | 'maxNotional' | 'maxGrossExposure' | 'dailyLossLimit'
>;

export function limitsOf(config: LimitFlags): RiskLimits {
  return {
    maxPosition: config.maxPosition ?? '',
    maxNotional: config.maxNotional ?? '',
    maxGrossExposure: config.maxGrossExposure ?? '',
    dailyLossLimit: config.dailyLossLimit ?? '',
  };
}

/** Starts the bot: DECISIONS → fills → FILLS and the portfolio; TICKS → marks; REST. */
export async function startBot(
  config: BotConfig,
  log: Logger = createLogger('bot', config.logLevel),
): Promise<ServiceHandle & { bot: PaperBot; session: TradingSession }> {
  // Before anything connects: a refused --host/--tokens combination must cost nothing.
  const security = loadHttpSecurity(
    config,
    config.adminToken ? { token: config.adminToken, flag: 'admin-token' } : undefined,
  );
  const partition = parsePartition(config.partition);
  // Each partition's instance has its own consumer position and session snapshots.
  const durable = partitionedName(config.durable, partition);
  const bus = await Bus.connect({
    ...busAuthFrom(config),
    name: 'tickflow-bot',
    onStatus: (s) => log.warn(s, 'nats status'),
  });
  await bus.ensureStreams({ replicas: config.replicas }, warnStreamSetting(log), {
    partitioned: partition.count > 1,
  });
  const registry = createRegistry('bot');
  const portfolio = new Portfolio(dec(config.cash));
  const limits = limitsOf(config);
  const execution = executionOf(config);
  const tickSubjects = new TickSubjects(bus.jsm);
  const bot = new PaperBot(
    bus,
    portfolio,
    {
      execution,
      limits,
      tapeCapacity: config.tapeTicks,
      backfill: streamBackfill(bus, tickSubjects),
      tickSubjects,
      lostTickMs: config.lostTickMs,
    },
    log,
    registry,
  );
  if (partition.count > 1)
    bot.owns = (venue, symbol) => partitionOf(venue, symbol, partition.count) === partition.index;
  // Where the live tape starts; rebuild marks from the ticks up to it, so none falls in between.
  // Tried again while the broker is away (--nats-wait-s), as signals' start-up reads are.
  const ticksEnd = (
    await retryWhileAway(
      () => bus.jsm.streams.info('TICKS'),
      config.natsWaitS * 1000,
      (err, attempt) => attempt === 1 && log.warn({ err }, 'broker away while starting: trying again'),
    )
  ).state.last_seq;
  bot.tape.startLive(ticksEnd + 1);
  const rebuilt = await rebuildBot(bus, bot, ticksEnd);
  if (rebuilt.fills || rebuilt.closed) log.info(rebuilt, 'positions rebuilt from FILLS and ORDERS');
  const session = new TradingSession(
    bot,
    limits,
    execution,
    {
      get: (name) => bus.objectGet(BOT_BUCKET, name),
      put: (name, value) => bus.objectPut(BOT_BUCKET, name, value),
    },
    durable,
    log,
  );
  bot.afterFill = () => session.checkLossLimit();
  // Marks move the day's P&L too: check the loss limit a few times a second, not per tick.
  const lossTimer = setInterval(() => session.checkLossLimit(), 250);
  const app = await buildApp({
    bus,
    bot,
    session,
    registry,
    security,
  });
  // A fill that cannot be stored after its retries is fatal (done rejects): the decision must not
  // be acked as handled while FILLS lacks its fill.
  let fatal: (err: unknown) => void = () => {};
  const done = new Promise<void>((_, reject) => {
    fatal = reject;
  });
  done.catch(() => {}); // observed by the entry point; never an unhandled rejection
  const outage = new OutageLog(log, 'decision handling');
  const onError = (err: unknown, m: { subject: string }) => {
    if (err instanceof OrderAbandonedError) return log.debug({ subject: m.subject }, err.message);
    if (isTransientBusError(err)) return outage.note(err, { subject: m.subject });
    log.error({ err, subject: m.subject }, 'handling failed');
    if (err instanceof PublishError) fatal(err);
  };
  // Marks are a synchronous state change with nothing to confirm: batched acks, no per-tick ack.
  // Marks and the tape follow TICKS live from its end, through an ordered consumer: nothing to
  // ack, no durable position. What came before is covered: rebuild marked every symbol at its last
  // trade, and the tape reads older ticks back from the stream when an order needs them. (A durable
  // AckPolicy.All consumer would ack, after a restart, ticks not yet redelivered: holes in the tape.)
  await dropLegacyMarksConsumer(bus, `${durable}-marks`, log);
  bot.tapeStreamSeq = ticksEnd;
  // The trading day is where the market is: the last tick stored, until the next one arrives.
  const lastTick =
    ticksEnd > 0 ? await nextOnSubject(bus.jsm, 'TICKS', subjects.ticksOf(partition), ticksEnd) : undefined;
  const lastTs = lastTick ? (decode(lastTick.data) as { ts?: unknown }).ts : undefined;
  if (typeof lastTs === 'number' && Number.isSafeInteger(lastTs)) session.onTickTime(lastTs);
  const marks = await consumeFrom(
    bus,
    'TICKS',
    ticksEnd + 1,
    (m) => {
      const ts = bot.onTick(m);
      if (ts !== undefined) session.onTickTime(ts);
    },
    (err, m) => log.error({ err, subject: m.subject }, 'mark handling failed'),
    {
      // Only this partition's ticks when the feed publishes them partitioned (--partitions n).
      filterSubject: subjects.ticksOf(partition),
      onReset: (reason, nextSeq) => log.warn({ reason, nextSeq }, 'mark consumer recreated'),
    },
  );
  bot.ticksPending = marks.backlog;
  // Before this partition's own: a first start after a layout change takes up the others' too.
  await takeUpOtherLayouts(bus, bot, durable, partition, log);
  const resumed = await resumeUnacked(bus, bot, durable, subjects.decisionsOf(partition));
  if (resumed) log.info({ resumed }, 'decisions after the ack floor taken up again in stream order');
  const decisions = await consumeDurable(
    bus.js,
    bus.jsm,
    {
      stream: 'DECISIONS',
      durable,
      // Only this partition's decisions when signals publishes them partitioned.
      filterSubject: subjects.decisionsOf(partition),
      ackWaitSeconds: 5,
      doubleAck: true,
    },
    (m) => bot.onDecision(m),
    onError,
  );
  if (partition.count > 1)
    for (const [stream, filter, publisher] of [
      ['TICKS', subjects.ticksOf(partition), 'the feed'],
      ['DECISIONS', subjects.decisionsOf(partition), 'signals'],
    ] as const)
      if (await onlyPlainLayout(bus.jsm, stream, filter))
        log.warn(
          { stream, filter },
          `${stream} holds messages, none on this partition’s subjects: start ${publisher} with --partitions n (docs/SCALING.md)`,
        );
  const port = await listen(app, config.host, config.port, botSpec.port);
  log.info({ port, nats: bus.url, durable, partition: config.partition }, 'bot started');
  const state = {
    step: 'intake',
    snapshotStored: false,
    left: () => ({ ...bot.unstored(), decisions: bot.inHand(), snapshotStored: state.snapshotStored }),
  };
  const lifecycle = new Lifecycle(log)
    .onClose('intake', async () => {
      clearInterval(lossTimer);
      // Orders waiting for ticks are given up (their decisions stay unacked for the next start).
      bot.abandonOrders();
      await decisions.stop();
      await marks.stop();
    })
    .onClose('session snapshot', async () => {
      state.step = 'session snapshot';
      state.snapshotStored = await session.saveSnapshot();
    })
    .onClose('http', () => {
      state.step = 'http';
      return app.close();
    })
    .onClose('nats', () => {
      state.step = 'nats';
      return bus.drain();
    });
  // Bounded: with NATS gone, a publish retrying or a drain would hold the stop (issue 14, cause 5).
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= closeWithin(
      config.shutdownTimeoutMs,
      () => lifecycle.close(),
      state,
      () => {
        app.server.closeAllConnections();
        void bus.nc.close().catch(() => {});
      },
      log,
    );
    return closing;
  };
  return { done, close, port, bot, session };
}
