import { Bus, encode, freePort } from '@tickflow/bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNats, type TestNats } from './nats-harness.ts';

const msg = (i: number) => ({ id: `synth:AAA:${i}`, seq: i, price: '100.25' });

describe('--nats-url with several seed servers', () => {
  let nats: TestNats;
  beforeAll(async () => {
    nats = await startTestNats();
  });
  afterAll(async () => {
    await nats?.stop();
  });

  it('connects through the seed that answers when another is down, read-back connection included', async () => {
    const dead = `nats://u:pw-hidden@127.0.0.1:${await freePort()}`;
    const live = nats.url.replace('nats://', 'nats://u:pw-hidden@');
    // The server has no users: nats.js sends the credentials, an open server ignores them.
    const bus = await Bus.connect({ url: `${dead},${live}`, name: 'seeds-test', connectTimeoutMs: 5000 });
    try {
      expect(bus.url).not.toContain('pw-hidden');
      expect(bus.url.split(',')).toHaveLength(2);
      await bus.ensureStreams();
      // The confirming publisher reads TICKS back on a second connection made from the same seeds.
      const pub = bus.confirmingPublisher({ confirmEvery: 10 });
      for (let i = 1; i <= 50; i++) {
        const wait = pub.publish('ticks.synth.AAA', encode(msg(i)), `synth:AAA:${i}`);
        if (wait) await wait;
      }
      await pub.close();
      expect(pub.stats.confirmed).toBe(50);
      expect((await bus.jsm.streams.info('TICKS')).state.messages).toBe(50);
    } finally {
      await bus.drain();
    }
  });

  it('names every seed, passwords hidden, when none answers', async () => {
    const a = `nats://u:pw-hidden@127.0.0.1:${await freePort()}`;
    const b = `nats://127.0.0.1:${await freePort()}`;
    const err = await Bus.connect({ url: `${a},${b}`, name: 'seeds-none', connectTimeoutMs: 1500 }).catch(
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain(b);
    expect((err as Error).message).not.toContain('pw-hidden');
  });
});
