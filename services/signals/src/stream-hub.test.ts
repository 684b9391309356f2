import type { Decision } from '@tickflow/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { SymbolView } from './signals.ts';
import { StreamHub, type StreamSocket } from './stream-hub.ts';

class FakeSocket implements StreamSocket {
  bufferedAmount = 0;
  readonly frames: { type: string; [k: string]: unknown }[] = [];
  send(text: string): void {
    this.frames.push(JSON.parse(text));
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

  it('answers a malformed client message with an error instead of throwing', () => {
    hub = new StreamHub(view);
    const a = new FakeSocket();
    hub.add(a);
    expect(hub.onClientMessage(a, 'nope')).toMatch(/not JSON/);
    expect(hub.onClientMessage(a, '{"subscribe":[1,2]}')).toMatch(/array of symbols/);
    expect(hub.onClientMessage(a, '{"unsubscribe":"*"}')).toBeUndefined();
  });
});
