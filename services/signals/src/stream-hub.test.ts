import type { Decision } from '@tickflow/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { SymbolView } from './signals.ts';
import { StreamHub, type StreamSocket } from './stream-hub.ts';

class FakeSocket implements StreamSocket {
  bufferedAmount = 0;
  closed: { code: number; reason: string } | undefined;
  terminated = false;
  readonly frames: { type: string; [k: string]: unknown }[] = [];
  send(data: Buffer, opts: { binary: false }): void {
    expect(opts.binary).toBe(false);
    this.frames.push(JSON.parse(data.toString()));
  }
  close(code: number, reason: string): void {
    this.closed = { code, reason };
  }
  terminate(): void {
    this.terminated = true;
  }
  of(type: string) {
    return this.frames.filter((f) => f.type === type);
  }
}

const view = (symbol: string): SymbolView => ({
  venue: 'synth',
  symbol,
  lastSeq: 1,
  indicators: { price: 1 },
  lastDecision: null,
});
const decision = (symbol: string, seq: number) => ({ id: `x:synth:${symbol}:${seq}`, symbol }) as Decision;

describe('StreamHub', () => {
  let hub: StreamHub;
  afterEach(() => hub.close());

  it('coalesces many updates of a symbol into one frame per flush, for subscribers only', () => {
    hub = new StreamHub(view, { flushIntervalMs: 60_000, maxBufferedBytes: 1000, maxQueuedDecisions: 10 });
    const a = new FakeSocket();
    const b = new FakeSocket();
    hub.add(a);
    hub.add(b);
    expect(hub.onClientMessage(a, '{"subscribe":["BTC-USD"]}')).toBeUndefined();
    expect(hub.onClientMessage(b, '{"subscribe":["ETH-USD"]}')).toBeUndefined();
    hub.flush();
    expect(b.of('signal').map((f) => (f.signal as SymbolView).symbol)).toEqual(['ETH-USD']);
    a.frames.length = 0;
    b.frames.length = 0;
    for (let i = 0; i < 100; i++) hub.touched('BTC-USD');
    hub.flush();
    expect(a.of('signal')).toHaveLength(1);
    expect(b.of('signal')).toHaveLength(0);
  });

  it('sends a decision at once to a client with room', () => {
    hub = new StreamHub(view, { flushIntervalMs: 60_000, maxBufferedBytes: 1000, maxQueuedDecisions: 10 });
    const a = new FakeSocket();
    hub.add(a);
    hub.onClientMessage(a, '{"subscribe":"*"}');
    hub.decision(decision('AAPL', 1));
    expect(a.of('decision')).toHaveLength(1);
  });

  it('holds back a backed-up client, bounds its decision queue and tells it what was dropped', () => {
    hub = new StreamHub(view, { flushIntervalMs: 60_000, maxBufferedBytes: 1000, maxQueuedDecisions: 3 });
    const slow = new FakeSocket();
    hub.add(slow);
    hub.onClientMessage(slow, '{"subscribe":["AAPL"]}');
    slow.bufferedAmount = 5000;
    for (let i = 1; i <= 10; i++) {
      hub.decision(decision('AAPL', i));
      hub.touched('AAPL');
    }
    hub.flush();
    expect(slow.frames).toHaveLength(0);
    expect(hub.stats.decisionsDropped).toBe(7);
    slow.bufferedAmount = 0;
    hub.touched('AAPL');
    hub.flush();
    expect(slow.of('dropped')).toEqual([{ type: 'dropped', count: 7 }]);
    expect(slow.of('decision').map((f) => (f.decision as Decision).id)).toEqual([
      'x:synth:AAPL:8',
      'x:synth:AAPL:9',
      'x:synth:AAPL:10',
    ]);
    expect(slow.of('signal')).toHaveLength(1);
  });

  it.each([
    ['null', 'bad_shape'],
    ['42', 'bad_shape'],
    ['[]', 'bad_shape'],
    ['[1,2]', 'bad_shape'],
    ['"*"', 'bad_shape'],
    ['{}', 'bad_shape'],
    ['{"subscribe":[1,2]}', 'bad_shape'],
    ['{"subscribe":"BTC-USD"}', 'bad_shape'],
    ['{"__proto__":{"subscribe":"*"}}', 'bad_shape'],
    ['{"subscribe":["btc.usd"]}', 'bad_symbol'],
    ['nope', 'not_json'],
  ])('answers the frame %s with a BAD_MESSAGE error frame (%s) and keeps the client', (frame, reason) => {
    hub = new StreamHub(view);
    const a = new FakeSocket();
    hub.add(a);
    expect(hub.onClientMessage(a, frame)?.reason).toBe(reason);
    expect(a.of('error')).toEqual([{ type: 'error', code: 'BAD_MESSAGE', message: expect.any(String) }]);
    expect(a.closed).toBeUndefined();
    expect(hub.onClientMessage(a, '{"subscribe":["BTC-USD"]}')).toBeUndefined();
    hub.flush();
    expect(a.of('signal')).toHaveLength(1);
  });

  it('refuses a binary frame', () => {
    hub = new StreamHub(view);
    const a = new FakeSocket();
    hub.add(a);
    expect(hub.onClientMessage(a, Buffer.from('{"subscribe":"*"}'), true)?.reason).toBe('binary');
  });

  it('names the malformed symbols it refuses', () => {
    hub = new StreamHub(view);
    const a = new FakeSocket();
    hub.add(a);
    expect(hub.onClientMessage(a, '{"subscribe":["BTC-USD","a b","x.y"]}')?.message).toContain(
      '"a b", "x.y"',
    );
  });

  it('caps the symbols per client and changes nothing on a request past the cap', () => {
    hub = new StreamHub(view, { flushIntervalMs: 60_000, maxSubscriptions: 3 });
    const a = new FakeSocket();
    hub.add(a);
    expect(hub.onClientMessage(a, '{"subscribe":["A","B"]}')).toBeUndefined();
    expect(hub.onClientMessage(a, '{"subscribe":["B","C"]}')).toBeUndefined();
    const over = hub.onClientMessage(a, '{"subscribe":["D"]}');
    expect(over?.code).toBe('TOO_MANY_SUBSCRIPTIONS');
    expect(over?.message).toContain('at most 3');
    hub.flush();
    expect(a.of('signal').map((f) => (f.signal as SymbolView).symbol)).toEqual(['A', 'B', 'C']);
    expect(hub.onClientMessage(a, '{"unsubscribe":["A"],"subscribe":["D"]}')).toBeUndefined();
  });

  it('closes a connection past the client cap with 1013 and counts it', async () => {
    hub = new StreamHub(view, { maxClients: 2, closeGraceMs: 1 });
    const [a, b, c] = [new FakeSocket(), new FakeSocket(), new FakeSocket()];
    expect(hub.add(a)).toBe(true);
    expect(hub.add(b)).toBe(true);
    expect(hub.add(c)).toBe(false);
    expect(c.closed?.code).toBe(1013);
    expect(hub.stats.clients).toBe(2);
    expect((await hub.metrics.closed.get()).values).toEqual([
      { labels: { reason: 'too_many_clients' }, value: 1 },
    ]);
    await new Promise((r) => setTimeout(r, 10));
    expect(c.terminated).toBe(true);
  });

  it('tells each client the server is going away on close, and cuts one that does not answer', async () => {
    hub = new StreamHub(view, { closeGraceMs: 1 });
    const [a, b] = [new FakeSocket(), new FakeSocket()];
    hub.add(a);
    hub.add(b);
    hub.close();
    expect([a.closed?.code, b.closed?.code]).toEqual([1001, 1001]);
    expect(hub.stats.clients).toBe(0);
    await new Promise((r) => setTimeout(r, 10));
    expect([a.terminated, b.terminated]).toEqual([true, true]);
  });

  it('drops a client that stays full for slowMs, and not one that drains in time', () => {
    hub = new StreamHub(view, { flushIntervalMs: 60_000, maxBufferedBytes: 1000, slowMs: 5000 });
    const stuck = new FakeSocket();
    const draining = new FakeSocket();
    hub.add(stuck);
    hub.add(draining);
    stuck.bufferedAmount = 5000;
    draining.bufferedAmount = 5000;
    hub.flush(1_000);
    hub.flush(4_000);
    draining.bufferedAmount = 0;
    hub.flush(5_000);
    draining.bufferedAmount = 5000;
    hub.flush(6_000);
    expect(stuck.closed?.code).toBe(1008);
    expect(draining.closed).toBeUndefined();
    expect(hub.stats.clients).toBe(1);
  });

  it('sends a full client no error frames, only counts them', () => {
    hub = new StreamHub(view, { maxBufferedBytes: 1000 });
    const a = new FakeSocket();
    hub.add(a);
    a.bufferedAmount = 1000;
    for (let i = 0; i < 100; i++) hub.onClientMessage(a, 'null');
    expect(a.frames).toHaveLength(0);
    expect(hub.stats.errorsUnsent).toBe(100);
  });

  it('stops sending to a client at its budget mid-flush and sends the rest once it drains', () => {
    hub = new StreamHub(view, { flushIntervalMs: 60_000, maxBufferedBytes: 1000 });
    const a = new FakeSocket();
    a.send = function (data: Buffer) {
      this.frames.push(JSON.parse(data.toString()));
      this.bufferedAmount += 400;
    };
    hub.add(a);
    hub.onClientMessage(a, '{"subscribe":["A","B","C","D","E"]}');
    hub.flush();
    expect(a.of('signal')).toHaveLength(3);
    a.bufferedAmount = 0;
    hub.flush();
    expect(a.of('signal').map((f) => (f.signal as SymbolView).symbol)).toEqual(['A', 'B', 'C', 'D', 'E']);
  });

  it('reports a failure while sending a decision instead of throwing into the tick path', () => {
    const errors: string[] = [];
    hub = new StreamHub(view, {}, { onError: (_err, where) => errors.push(where) });
    const a = new FakeSocket();
    a.send = () => {
      throw new Error('socket gone');
    };
    hub.add(a);
    hub.onClientMessage(a, '{"subscribe":"*"}');
    expect(() => hub.decision(decision('AAPL', 1))).not.toThrow();
    expect(errors).toEqual(['decision']);
  });
});
