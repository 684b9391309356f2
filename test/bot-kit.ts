import type { ChildProcess } from 'node:child_process';
import { botBacklog } from '@tickflow/bot';
import { Bus, decode, freePort, readStream, type StreamName } from '@tickflow/bus';
import type { Decision, Fill, Tick } from '@tickflow/core';
import { feedSpec, startFeed } from '@tickflow/feed';
import { type ExecutionModel, type SimulatedDay, simulateExecution, type TapeTick } from '@tickflow/paper';
import { createLogger, resolveConfig } from '@tickflow/runtime';
import { signalsSpec, startSignals } from '@tickflow/signals';
import { signalsBacklog, startTestNats, type TestNats, waitFor } from './nats-harness.ts';
import { spawnTickflow } from './tickflow-process.ts';

/**
 * Waits (45 s at most) for the bot on `port` to answer /healthz. A bot restarted after a SIGKILL
 * first waits up to 10 s for FILLS/ORDERS to settle, then rebuilds: under the full suite on two
 * cores that once took more than 20 s.
 */
export const botHealthy = (port: number): Promise<void> =>
  waitFor(
    'bot healthy',
    async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.ok === true,
    45_000,
  );

/** `tickflow bot` processes on one port, one after another; every one started is kept to be killed at the end. */
export interface BotProcesses {
  readonly children: readonly ChildProcess[];
  /** Spawns a bot (log level warn, output ignored) with the given execution-model flags. */
  start(): ChildProcess;
  /** Waits (20 s at most) for the bot on the port to answer /healthz. */
  healthy(): Promise<void>;
  /** SIGKILLs every bot started. */
  killAll(): void;
}

export function botProcesses(natsUrl: string, port: number, flags: readonly string[]): BotProcesses {
  const children: ChildProcess[] = [];
  return {
    children,
    start() {
      const { child } = spawnTickflow(['bot', '--port', String(port), '--log-level', 'warn', ...flags], {
        NATS_URL: natsUrl,
      });
      children.push(child);
      return child;
    },
    healthy: () => botHealthy(port),
    killAll() {
      for (const c of children) c.kill('SIGKILL');
    },
  };
}

/**
 * The pipeline a bot-kill test runs: a private broker, signals in this process and `tickflow bot`
 * processes (none started yet) on a free port; feeds run in this process.
 */
export interface BotRig {
  readonly nats: TestNats;
  readonly port: number;
  readonly bots: BotProcesses;
  /** Starts a feed in this process with these config values (port 0). */
  startFeed(values: Record<string, string>): ReturnType<typeof startFeed>;
  /**
   * After the feed: waits (`timeoutMs`) until signals and the bot have handled everything, stops
   * signals, waits for the bot's backlog to drain; returns a Bus to read the streams with.
   */
  drain(name: string, timeoutMs: number): Promise<Bus>;
  /** Kills every bot, closes the Bus, stops the broker (for afterAll: after a failed start too). */
  stop(): Promise<void>;
}

export async function startBotRig(botFlags: readonly string[]): Promise<BotRig> {
  const silent = createLogger('test', 'silent');
  const nats = await startTestNats();
  const port = await freePort();
  const bots = botProcesses(nats.url, port, botFlags);
  const env = { NATS_URL: nats.url };
  const signals = await startSignals(resolveConfig(signalsSpec, { port: '0' }, env), silent).catch(
    async (err: unknown) => {
      await nats.stop();
      throw err;
    },
  );
  let bus: Bus | undefined;
  return {
    nats,
    port,
    bots,
    startFeed: (values) => startFeed(resolveConfig(feedSpec, { port: '0', ...values }, env), silent),
    async drain(name, timeoutMs) {
      const b = await Bus.connect({ url: nats.url, name });
      bus = b;
      await waitFor(
        'everything handled',
        async () => (await signalsBacklog(signals.port)) + (await botBacklog(b, port)) === 0,
        timeoutMs,
      );
      await signals.close();
      await waitFor('bot drained', async () => (await botBacklog(b, port)) === 0);
      return b;
    },
    async stop() {
      bots.killAll();
      await bus?.drain();
      await nats.stop();
    },
  };
}

/** Every message of a stream, decoded, in stream order. */
export async function readAll<T>(bus: Bus, stream: StreamName): Promise<T[]> {
  const out: T[] = [];
  await readStream(bus.js, bus.jsm, stream, (m) => out.push(decode(m.data) as T));
  return out;
}

/** TICKS as the batch layer sees it: each `venue:symbol` lane in seq order (stream order may differ). */
export async function storedTapes(bus: Bus): Promise<Map<string, TapeTick[]>> {
  const tapes = new Map<string, TapeTick[]>();
  for (const t of await readAll<Tick>(bus, 'TICKS')) {
    const key = `${t.venue}:${t.symbol}`;
    const lane = tapes.get(key) ?? [];
    if (lane.length === 0) tapes.set(key, lane);
    lane.push({ seq: t.seq, ts: t.ts, price: t.price, size: t.size });
  }
  for (const lane of tapes.values()) lane.sort((a, b) => a.seq - b.seq);
  return tapes;
}

/** The stored decisions and fills, and the fills the batch layer recomputes from decisions and ticks. */
export async function recomputeFills(
  bus: Bus,
  model: ExecutionModel,
): Promise<{ decisions: Decision[]; fills: Fill[]; batch: SimulatedDay }> {
  const decisions = await readAll<Decision>(bus, 'DECISIONS');
  const fills = await readAll<Fill>(bus, 'FILLS');
  const tapes = await storedTapes(bus);
  const batch = simulateExecution(decisions, (v, s) => tapes.get(`${v}:${s}`) ?? [], model);
  return { decisions, fills, batch };
}
