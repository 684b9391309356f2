import { encodeValidTick, subjects, waitForSettled } from '@tickflow/bus';
import { afterEach, describe, expect, it } from 'vitest';
import { restartableNats } from './nats-harness.ts';

/** A restart's wait for its subjects to settle goes on through a broker restart instead of failing. */
describe('waitForSettled with the broker away', () => {
  const nats = restartableNats('tickflow-settle-');
  afterEach(() => nats.cleanup());

  const publishTicks = async (url: string) => {
    const bus = await nats.connect(url, 'settle-test-pub');
    await bus.ensureStreams();
    for (let seq = 1; seq <= 5; seq++)
      await bus.js.publish(
        subjects.tick('venue1', 'AAA'),
        encodeValidTick({
          v: 1,
          venue: 'venue1',
          symbol: 'AAA',
          seq,
          ts: 1_770_000_000_000_000 + seq,
          price: '1.5',
          size: '2',
          recvTs: 1_770_000_000_000_000 + seq,
        }),
      );
    return bus;
  };

  it('answers once the broker is back, with the last sequence stored before it went', async () => {
    const server = await nats.start();
    const bus = await publishTicks(server.url);
    const waiting = waitForSettled(bus.jsm, 'TICKS', 'ticks.venue1.>', { quietMs: 1000, maxMs: 30_000 });
    await new Promise((r) => setTimeout(r, 200));
    server.process.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 1500));
    await nats.start(server.port);
    const r = await waiting;
    expect(r).toMatchObject({ quiet: true, lastSeq: 5 });
  }, 60_000);

  it('fails with the broker error when nothing answers within maxMs', async () => {
    const server = await nats.start();
    const bus = await publishTicks(server.url);
    server.process.kill('SIGKILL');
    await expect(
      waitForSettled(bus.jsm, 'TICKS', 'ticks.venue1.>', { quietMs: 500, maxMs: 3000 }),
    ).rejects.toMatchObject({ code: expect.stringMatching(/TIMEOUT|503|CONNECTION/) });
  }, 30_000);
});
