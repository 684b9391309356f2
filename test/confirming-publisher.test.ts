import { type Bus, decode, encode, freePort, readStream } from '@tickflow/bus';
import { afterEach, describe, expect, it } from 'vitest';
import { restartableNats } from './nats-harness.ts';

/** A publisher-side ledger: the ids it published, compared with what TICKS holds at the end. */
async function storedIds(bus: Bus): Promise<string[]> {
  const ids: string[] = [];
  await readStream(bus.js, bus.jsm, 'TICKS', (m) => ids.push((decode(m.data) as { id: string }).id));
  return ids;
}

const msg = (i: number) => ({ id: `synth:AAA:${i}`, seq: i, price: '100.25', pad: 'x'.repeat(40) });

describe('ConfirmingPublisher against a real nats-server', () => {
  const broker = restartableNats('tickflow-cp-');
  const start = broker.start;
  afterEach(broker.cleanup);

  it('stores every message once and confirms them all', async () => {
    const s = await start();
    const bus = await broker.connect(s.url, 'cp-basic');
    await bus.ensureStreams();
    const pub = bus.confirmingPublisher({ confirmEvery: 1000 });
    const N = 20_000;
    for (let i = 1; i <= N; i++) {
      const wait = pub.publish('ticks.synth.AAA', encode(msg(i)), `synth:AAA:${i}`);
      if (wait) await wait;
      if (i % 2000 === 0) await new Promise((r) => setImmediate(r));
    }
    await pub.close();
    expect(pub.stats.confirmed).toBe(N);
    expect(pub.stats.outboxMessages).toBe(0);
    const ids = await storedIds(bus);
    expect(ids).toHaveLength(N);
    expect(new Set(ids).size).toBe(N);
  });

  it('loses and doubles nothing when the broker is killed and restarted mid-stream', async () => {
    const port = await freePort();
    const s = await start(port);
    const bus = await broker.connect(s.url, 'cp-restart');
    await bus.ensureStreams();
    const pub = bus.confirmingPublisher({ confirmEvery: 500 });
    const N = 30_000;
    const ledger: string[] = [];
    let restarted: Promise<void> | undefined;
    for (let i = 1; i <= N; i++) {
      const id = `synth:AAA:${i}`;
      const wait = pub.publish('ticks.synth.AAA', encode(msg(i)), id);
      ledger.push(id);
      if (wait) await wait;
      // Yield to the event loop now and then (status events, acks), but never pause around the
      // kill: messages must be in flight when the broker dies.
      if (i % 2000 === 0) await new Promise((r) => setImmediate(r));
      if (i === 10_000) {
        // SIGKILL, no goodbye; a new server on the same port and store a moment later.
        s.process.kill('SIGKILL');
        restarted = new Promise((r) => setTimeout(r, 300)).then(async () => {
          await start(port);
        });
      }
    }
    await restarted;
    await pub.close();
    expect(pub.stats.resent).toBeGreaterThan(0);
    const ids = await storedIds(bus);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(N);
    // Order too: after the reconnect the window is re-sent oldest first, before anything newer.
    expect(ids).toEqual(ledger);
  });

  it('holds the source (block) or drops the oldest, counted (drop-oldest), while the broker is away', async () => {
    const port = await freePort();
    const s = await start(port);
    const bus = await broker.connect(s.url, 'cp-overflow');
    await bus.ensureStreams();
    const events: string[] = [];
    const dropping = bus.confirmingPublisher({
      maxOutboxBytes: 20_000,
      overflow: 'drop-oldest',
      onEvent: (e) => events.push(e.type),
    });
    const blocking = bus.confirmingPublisher({ maxOutboxBytes: 20_000, overflow: 'block' });
    await s.stop();
    await new Promise((r) => setTimeout(r, 200));
    for (let i = 1; i <= 1000; i++) dropping.publish('ticks.synth.DROP', encode(msg(i)), `drop:${i}`);
    expect(dropping.stats.dropped).toBeGreaterThan(700);
    expect(dropping.stats.outboxBytes).toBeLessThanOrEqual(20_000);
    expect(events).toContain('dropped');
    let waits = 0;
    let blocked: Promise<void> | undefined;
    for (let i = 1; i <= 1000 && !blocked; i++) {
      const w = blocking.publish('ticks.synth.BLOCK', encode(msg(i)), `block:${i}`);
      if (w) {
        waits++;
        blocked = w;
      }
    }
    expect(waits).toBe(1);
    let released = false;
    void blocked?.then(() => {
      released = true;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(released).toBe(false);
    await start(port);
    await blocked;
    expect(released).toBe(true);
    await blocking.close();
    await dropping.close();
    const ids = await storedIds(bus);
    expect(ids.filter((id) => id.startsWith('synth:AAA:')).length).toBeGreaterThan(0);
  });
});
