import { Bus, consumeBatched, consumeDurable, PublishError, subjects } from '@tickflow/bus';
import { dec } from '@tickflow/core';
import { Portfolio } from '@tickflow/paper';
import {
  createLogger,
  createRegistry,
  Lifecycle,
  type Logger,
  listen,
  type ServiceHandle,
} from '@tickflow/runtime';
import { buildApp } from './app.ts';
import { PaperBot } from './bot.ts';
import type { BotConfig } from './config.ts';
import { rebuildFromFills } from './rebuild.ts';

/** Starts the bot: DECISIONS → fills → FILLS and the portfolio; TICKS → marks; REST. */
export async function startBot(
  config: BotConfig,
  log: Logger = createLogger('bot', config.logLevel),
): Promise<ServiceHandle & { bot: PaperBot }> {
  const bus = await Bus.connect({
    url: config.natsUrl,
    name: 'tickflow-bot',
    onStatus: (s) => log.warn(s, 'nats status'),
  });
  await bus.ensureStreams();
  const registry = createRegistry('bot');
  const portfolio = new Portfolio(dec(config.cash));
  const rebuilt = await rebuildFromFills(bus, portfolio);
  if (rebuilt.fills) log.info(rebuilt, 'positions rebuilt from FILLS');
  const bot = new PaperBot(bus, portfolio, { feeBps: config.feeBps }, log, registry);
  bot.filled = rebuilt.fills;
  const app = buildApp({
    bus,
    bot,
    registry,
    ...(config.adminToken ? { adminToken: config.adminToken } : {}),
  });
  // A fill that cannot be stored after its retries is fatal (done rejects): the decision must not
  // be acked as handled while FILLS lacks its fill.
  let fatal: (err: unknown) => void = () => {};
  const done = new Promise<void>((_, reject) => {
    fatal = reject;
  });
  done.catch(() => {}); // observed by the entry point; never an unhandled rejection
  const onError = (err: unknown, m: { subject: string }) => {
    log.error({ err, subject: m.subject }, 'handling failed');
    if (err instanceof PublishError) fatal(err);
  };
  // Marks are a synchronous state change with nothing to confirm: batched acks, no per-tick ack.
  const marks = await consumeBatched(
    bus.js,
    bus.jsm,
    {
      stream: 'TICKS',
      durable: `${config.durable}-marks`,
      filterSubject: subjects.allTicks,
      ackWaitSeconds: 5,
    },
    (m) => bot.onTick(m),
    async () => {},
    (err, m) => log.error({ err, subject: m?.subject }, 'mark handling failed'),
  );
  const decisions = await consumeDurable(
    bus.js,
    bus.jsm,
    { stream: 'DECISIONS', durable: config.durable, filterSubject: subjects.allDecisions, ackWaitSeconds: 5 },
    (m) => bot.onDecision(m),
    onError,
  );
  const port = await listen(app, config.host, config.port);
  log.info({ port, nats: bus.url }, 'bot started');
  const lifecycle = new Lifecycle(log)
    .onClose('intake', async () => {
      await decisions.stop();
      await marks.stop();
    })
    .onClose('http', () => app.close())
    .onClose('nats', () => bus.drain());
  return { done, close: () => lifecycle.close(), port, bot };
}
