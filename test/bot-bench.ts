import { botSpec, startBot } from '@tickflow/bot';
import { Bus, DurablePublisher, subjects } from '@tickflow/bus';
import type { Decision, Tick } from '@tickflow/core';
import { createLogger, resolveConfig } from '@tickflow/runtime';
import { afterAll, beforeAll } from 'vitest';
import { startTestNats, type TestNats } from './nats-harness.ts';

/** Exchange time of the hand-made ticks' seq 0, epoch µs. */
export const T0 = 1_780_000_000_000_000;

/** Tick `seq` of synth:`symbol`, at T0 + seq ms, received at T0. */
export const synthTick = (symbol: string, seq: number, price: string, size: string): Tick => ({
  v: 1,
  venue: 'synth',
  symbol,
  seq,
  ts: T0 + seq * 1000,
  price,
  size,
  recvTs: T0,
});

/** A 'manual' decision on synth:`symbol` at tick `seq` (decided 100 µs after it). */
export const manualDecision = (
  symbol: string,
  seq: number,
  order: Pick<Decision, 'action' | 'qty' | 'refPrice'> & Partial<Decision>,
): Decision => ({
  v: 1,
  id: `manual:synth:${symbol}:${seq}`,
  strategy: 'manual',
  venue: 'synth',
  symbol,
  tickSeq: seq,
  tickTs: T0 + seq * 1000,
  decidedAt: T0 + seq * 1000 + 100,
  reason: 'test',
  indicators: {},
  ...order,
});

/**
 * A private broker, a Bus and a DurablePublisher for a suite that drives in-process bots with
 * hand-made ticks and decisions; registers the suite's beforeAll and afterAll. The fields are set
 * once beforeAll has run.
 */
export interface BotBench {
  readonly nats: TestNats;
  readonly bus: Bus;
  readonly publisher: DurablePublisher;
  /** Starts a bot in this process on the bench's broker (port 0), with these config values. */
  start(values?: Record<string, string>): ReturnType<typeof startBot>;
  /** Publishes `synthTick(...)` with its dedup id; `acked` waits for its PubAck. */
  tick(symbol: string, seq: number, price: string, size: string, acked?: boolean): Promise<void>;
  /** Publishes a decision with its id as dedup id; `acked` waits for its PubAck. */
  decide(d: Decision, acked?: boolean): Promise<void>;
}

export function useBotBench(name: string): BotBench {
  const silent = createLogger('test', 'silent');
  let nats: TestNats | undefined;
  let bus: Bus | undefined;
  let publisher: DurablePublisher | undefined;
  const ready = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('the bot bench is used before its beforeAll ran');
    return v;
  };
  beforeAll(async () => {
    nats = await startTestNats();
    bus = await Bus.connect({ url: nats.url, name });
    publisher = new DurablePublisher(bus.js);
  });
  afterAll(async () => {
    await bus?.drain();
    await nats?.stop();
  });
  const bench: BotBench = {
    get nats() {
      return ready(nats);
    },
    get bus() {
      return ready(bus);
    },
    get publisher() {
      return ready(publisher);
    },
    start: (values = {}) =>
      startBot(resolveConfig(botSpec, { port: '0', ...values }, { NATS_URL: bench.nats.url }), silent),
    tick(symbol, seq, price, size, acked = false) {
      const subject = subjects.tick('synth', symbol);
      const t = synthTick(symbol, seq, price, size);
      const id = `synth:${symbol}:${seq}`;
      return acked ? bench.publisher.publishAcked(subject, t, id) : bench.publisher.publish(subject, t, id);
    },
    decide(d, acked = false) {
      const subject = subjects.decision(d.symbol);
      return acked
        ? bench.publisher.publishAcked(subject, d, d.id)
        : bench.publisher.publish(subject, d, d.id);
    },
  };
  return bench;
}
