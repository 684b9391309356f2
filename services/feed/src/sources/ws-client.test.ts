import { afterEach, describe, expect, it } from 'vitest';
import { ResilientWebSocket, type ResilientWebSocketOptions } from './ws-client.ts';
import { type FakeVenue, startVenue, waitFor } from './ws-test-kit.ts';

const clients: ResilientWebSocket[] = [];
const venues: FakeVenue[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.stop()));
  await Promise.all(venues.splice(0).map((v) => v.close()));
});

/** A client whose reconnect delays are recorded from its log. */
function client(opts: Partial<ResilientWebSocketOptions> & { url: string }) {
  const delays: number[] = [];
  const c = new ResilientWebSocket({
    venue: 'test',
    onMessage: () => {},
    random: () => 0.999,
    log: {
      info: (fields: { delayMs?: number }, msg) => {
        if (msg === 'websocket reconnect scheduled') delays.push(fields.delayMs ?? -1);
      },
      warn: () => {},
      error: () => {},
    },
    ...opts,
  });
  clients.push(c);
  return { c, delays };
}

/** A url nobody listens on: a server is started for its free port, then closed. */
async function deadUrl(): Promise<string> {
  const v = await startVenue(() => {});
  await v.close();
  return v.url;
}

describe('ResilientWebSocket', () => {
  it('backs off exponentially with full jitter up to the maximum while connecting fails', async () => {
    const { c, delays } = client({ url: await deadUrl(), initialBackoffMs: 8, maxBackoffMs: 40 });
    c.start();
    await waitFor(() => delays.length >= 5, 'five reconnect attempts');
    // random() = 0.999 of the caps 8, 16, 32, 40, 40.
    expect(delays.slice(0, 5)).toEqual([7, 15, 31, 39, 39]);
    expect(c.stats).toMatchObject({ connects: 0, reconnects: 0 });
    expect(c.stats.connectFailures).toBeGreaterThanOrEqual(5);
  });

  it('draws each delay uniformly below the cap', async () => {
    const draws = [0, 0.25, 0.5];
    const { c, delays } = client({
      url: await deadUrl(),
      initialBackoffMs: 100,
      random: () => draws.shift() ?? 0,
    });
    c.start();
    await waitFor(() => delays.length >= 3, 'three reconnect attempts');
    expect(delays.slice(0, 3)).toEqual([0, 50, 200]);
  });

  it('resets the backoff after a connection stayed up long enough', async () => {
    const v = await startVenue((ws) => setTimeout(() => ws.terminate(), 60));
    venues.push(v);
    const { c, delays } = client({
      url: v.url,
      initialBackoffMs: 8,
      maxBackoffMs: 1_000,
      resetBackoffAfterMs: 20,
    });
    c.start();
    await waitFor(() => delays.length >= 3, 'three reconnects');
    expect(delays.slice(0, 3)).toEqual([7, 7, 7]);
  });

  it('keeps growing the backoff when connections drop sooner than the reset period', async () => {
    const v = await startVenue((ws) => setTimeout(() => ws.terminate(), 5));
    venues.push(v);
    const { c, delays } = client({
      url: v.url,
      initialBackoffMs: 8,
      maxBackoffMs: 1_000,
      resetBackoffAfterMs: 10_000,
    });
    c.start();
    await waitFor(() => delays.length >= 3, 'three reconnects');
    expect(delays.slice(0, 3)).toEqual([7, 15, 31]);
    expect(c.stats.reconnects).toBeGreaterThanOrEqual(2);
  });

  it('refuses a url that is not ws:// or wss://', () => {
    expect(() => client({ url: 'http://127.0.0.1:1' })).toThrow(TypeError);
    expect(() => client({ url: 'not a url' })).toThrow(TypeError);
  });

  it('stops reconnecting after stop()', async () => {
    const { c, delays } = client({ url: await deadUrl(), initialBackoffMs: 5, maxBackoffMs: 5 });
    c.start();
    await waitFor(() => delays.length >= 1, 'a reconnect attempt');
    await c.stop();
    const n = delays.length;
    await new Promise((r) => setTimeout(r, 40));
    expect(delays.length).toBe(n);
    expect(c.connected).toBe(false);
  });
});
