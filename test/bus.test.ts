import {
  Bus,
  consumeDurable,
  consumerBacklog,
  DurablePublisher,
  decode,
  encode,
  readStream,
  subjects,
  tickMsgId,
} from '@tickflow/bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNats, type TestNats, waitFor } from './nats-harness.ts';

describe('libs/bus against a real nats-server', () => {
  let nats: TestNats;
  let bus: Bus;

  beforeAll(async () => {
    nats = await startTestNats();
    bus = await Bus.connect({ url: nats.url, name: 'bus-test' });
    await bus.ensureStreams();
  });
  afterAll(async () => {
    await bus?.drain();
    await nats?.stop();
  });

  it('creates the five streams idempotently, discarding new messages when full', async () => {
    await bus.ensureStreams();
    const names = [];
    for await (const s of bus.jsm.streams.list()) names.push(s.config.name);
    expect(names.sort()).toEqual(['DECISIONS', 'FILLS', 'ORDERS', 'REJECTS', 'TICKS']);
    const info = await bus.jsm.streams.info('TICKS');
    expect(info.config.discard).toBe('new');
    expect(info.config.duplicate_window).toBe(120 * 1e9);
    expect(info.config.subjects).toEqual(['ticks.*.*', 'ticks.*.*.*']);
  });

  it('drops a re-published message with the same Nats-Msg-Id', async () => {
    const publisher = new DurablePublisher(bus.js);
    const subject = subjects.tick('dedup', 'AAA');
    await publisher.publish(subject, { n: 1 }, tickMsgId('dedup', 'AAA', 1));
    await publisher.publish(subject, { n: 1 }, tickMsgId('dedup', 'AAA', 1));
    await publisher.settle();
    expect(publisher.acked).toBe(2);
    expect(publisher.duplicates).toBe(1);
    const info = await bus.jsm.streams.info('TICKS', { subjects_filter: subject });
    expect(info.state.subjects?.[subject]).toBe(1);
  });

  it('looks for a message whose PubAck was lost before sending it again, so a live subscriber gets one copy', async () => {
    // A JetStream client whose replies get lost: the broker stores each message, the caller sees
    // a timeout (as when the broker is killed between storing and answering).
    const lossy = (lose: number) =>
      ({
        publish: async (...args: Parameters<typeof bus.js.publish>) => {
          const ack = await bus.js.publish(...args);
          if (lose-- > 0) throw new Error('TIMEOUT');
          return ack;
        },
      }) as unknown as typeof bus.js;
    const copies = async (readBack: boolean, symbol: string) => {
      const seen: number[] = [];
      const sub = bus.nc.subscribe(subjects.fill(symbol), { callback: () => seen.push(1) });
      await bus.nc.flush();
      // One fill of the symbol stored before it: the look-up must find the right one.
      const publisher = new DurablePublisher(lossy(0), readBack ? { readBack: bus.jsm } : {});
      await publisher.publishAcked(subjects.fill(symbol), { n: 0 }, `${symbol}-0`);
      const lossyPublisher = new DurablePublisher(lossy(1), readBack ? { readBack: bus.jsm } : {});
      await lossyPublisher.publishAcked(subjects.fill(symbol), { n: 1 }, `${symbol}-1`);
      await bus.nc.flush();
      await new Promise((r) => setTimeout(r, 100));
      sub.unsubscribe();
      const info = await bus.jsm.streams.info('FILLS', { subjects_filter: subjects.fill(symbol) });
      return {
        live: seen.length,
        stored: info.state.subjects?.[subjects.fill(symbol)],
        found: lossyPublisher.foundStored,
      };
    };
    expect(await copies(false, 'LOSTACK-A')).toEqual({ live: 3, stored: 2, found: 0 }); // without: sent twice
    expect(await copies(true, 'LOSTACK-B')).toEqual({ live: 2, stored: 2, found: 1 });
  });

  it('redelivers a message whose handler threw, and acks it once handled', async () => {
    const publisher = new DurablePublisher(bus.js);
    await publisher.publish(subjects.decision('REDELIVER'), { n: 1 }, 'redeliver-1');
    await publisher.settle();
    let calls = 0;
    const consumption = await consumeDurable(
      bus.js,
      bus.jsm,
      { stream: 'DECISIONS', durable: 'redeliver', filterSubject: subjects.decision('REDELIVER') },
      () => {
        calls++;
        if (calls === 1) throw new Error('transient');
      },
      () => {},
    );
    await waitFor('the redelivery', () => calls >= 2, 10_000);
    await waitFor(
      'the ack',
      async () => (await consumerBacklog(bus.jsm, 'DECISIONS', 'redeliver')) === 0,
      10_000,
    );
    await consumption.stop();
    expect(calls).toBe(2);
  });

  it('acks only when the promise a handler returned resolves', async () => {
    const publisher = new DurablePublisher(bus.js);
    await publisher.publish(subjects.fill('LATER'), { n: 1 }, 'later-1');
    await publisher.settle();
    let release: () => void = () => {};
    const handled = new Promise<void>((r) => {
      release = r;
    });
    let seen = false;
    const consumption = await consumeDurable(
      bus.js,
      bus.jsm,
      { stream: 'FILLS', durable: 'later', filterSubject: subjects.fill('LATER') },
      () => {
        seen = true;
        return handled;
      },
      () => {},
    );
    await waitFor('delivery', () => seen, 10_000);
    await new Promise((r) => setTimeout(r, 200));
    expect((await bus.jsm.consumers.info('FILLS', 'later')).num_ack_pending).toBe(1);
    release();
    await waitFor('the ack', async () => (await consumerBacklog(bus.jsm, 'FILLS', 'later')) === 0, 10_000);
    await consumption.stop();
  });

  it('acks the messages that share one promise together, and redelivers them all when it rejects', async () => {
    const publisher = new DurablePublisher(bus.js);
    for (let i = 1; i <= 20; i++) await publisher.publish(subjects.fill('GROUP'), { i }, `group-${i}`);
    await publisher.settle();
    let release: (ok: boolean) => void = () => {};
    let shared = new Promise<void>((resolve, reject) => {
      release = (ok) => (ok ? resolve() : reject(new Error('group commit failed')));
    });
    const seen: number[] = [];
    const failed: number[] = [];
    const consumption = await consumeDurable(
      bus.js,
      bus.jsm,
      { stream: 'FILLS', durable: 'group', filterSubject: subjects.fill('GROUP'), ackWaitSeconds: 30 },
      (m) => {
        seen.push(m.streamSeq);
        return shared;
      },
      (_err, m) => failed.push(m.streamSeq),
    );
    await waitFor('all delivered', () => seen.length === 20, 10_000);
    expect((await bus.jsm.consumers.info('FILLS', 'group')).num_ack_pending).toBe(20);
    // The first group commit fails: every message in it is nak-ed and comes again.
    const next = new Promise<void>((resolve) => {
      const first = release;
      release = () => resolve();
      first(false);
    });
    shared = next;
    await waitFor('redeliveries', () => seen.length === 40, 10_000);
    expect(failed).toHaveLength(20);
    expect(await consumerBacklog(bus.jsm, 'FILLS', 'group')).toBe(20);
    release(true);
    await waitFor('the acks', async () => (await consumerBacklog(bus.jsm, 'FILLS', 'group')) === 0, 10_000);
    await consumption.stop();
  });

  it('with double acks, has every ack confirmed by the server once stop() returns', async () => {
    const publisher = new DurablePublisher(bus.js);
    for (let i = 1; i <= 50; i++) await publisher.publish(subjects.fill('DOUBLE'), { i }, `double-${i}`);
    await publisher.settle();
    let seen = 0;
    const consumption = await consumeDurable(
      bus.js,
      bus.jsm,
      { stream: 'FILLS', durable: 'double', filterSubject: subjects.fill('DOUBLE'), doubleAck: true },
      async () => {
        seen++;
      },
      () => {},
    );
    await waitFor('all delivered', () => seen === 50, 10_000);
    await consumption.stop();
    // No waiting: stop() waits for the outstanding acks, and each one was confirmed.
    expect(await consumerBacklog(bus.jsm, 'FILLS', 'double')).toBe(0);
  });

  it('reads a stream back from its first message to its last, then stops', async () => {
    const publisher = new DurablePublisher(bus.js);
    for (let i = 1; i <= 2500; i++)
      await publisher.publish(subjects.reject('readback'), { i }, `readback-${i}`);
    await publisher.settle();
    const seen: number[] = [];
    const r = await readStream(bus.js, bus.jsm, 'REJECTS', (m) =>
      seen.push((decode(m.data) as { i: number }).i),
    );
    expect(r.count).toBe(2500);
    expect(seen).toEqual(Array.from({ length: 2500 }, (_, i) => i + 1));
  });

  it('encodes and decodes the JSON codec symmetrically', () => {
    expect(decode(encode({ price: '1.10', seq: 3 }))).toEqual({ price: '1.10', seq: 3 });
    expect(() => decode(new TextEncoder().encode('{nope'))).toThrow(/not valid JSON/);
  });
});
