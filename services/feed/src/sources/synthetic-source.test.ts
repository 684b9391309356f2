import { ManualClock } from '@tickflow/core';
import { createLogger, resolveConfig } from '@tickflow/runtime';
import { describe, expect, it } from 'vitest';
import { feedSpec } from '../config.ts';
import { createSource } from '../source-factory.ts';
import { SyntheticSource } from './synthetic-source.ts';
import type { SourceEvent } from './types.ts';

const base = { venue: 'synth', symbols: 3, seed: 1, startTs: 1_770_000_000_000_000, stepMicros: 1000 };

async function collect(src: SyntheticSource, max = Number.POSITIVE_INFINITY): Promise<SourceEvent[]> {
  const out: SourceEvent[] = [];
  for await (const b of src.batches()) {
    out.push(...b);
    if (out.length >= max) src.stop();
  }
  return out;
}

describe('SyntheticSource', () => {
  it('emits exactly `count` trades as fast as possible in afap mode', async () => {
    const events = await collect(new SyntheticSource({ ...base, rate: 1, pace: 'afap', count: 2500 }));
    expect(events).toHaveLength(2500);
    expect(events.every((e) => e.kind === 'trade' && e.trade.venue === 'synth')).toBe(true);
  });

  it('paces to the rate in realtime mode', async () => {
    const t = performance.now();
    await collect(new SyntheticSource({ ...base, rate: 2000, pace: 'realtime', count: 600 }));
    const secs = (performance.now() - t) / 1000;
    expect(secs).toBeGreaterThan(0.2);
    expect(secs).toBeLessThan(1.5);
  });

  it('stamps each trade with its own receive time, not one per batch', async () => {
    let now = 1_770_000_000_000_000;
    const clock = { nowMicros: () => now++ };
    const events = await collect(new SyntheticSource({ ...base, rate: 1, pace: 'afap', count: 50, clock }));
    const recv = events.map((e) => (e.kind === 'trade' ? e.trade.recvTs : 0));
    expect(new Set(recv).size).toBe(50);
    expect(recv).toEqual([...recv].sort((a, b) => a - b));
  });

  it('paces in slots of about a millisecond, so a trade waits at most that long for its batch', async () => {
    const sizes: number[] = [];
    const src = new SyntheticSource({ ...base, rate: 10_000, pace: 'realtime', count: 3000 });
    for await (const b of src.batches()) sizes.push(b.length);
    sizes.sort((a, b) => a - b);
    // 10 trades are due per ms; a late timer on a busy machine makes some batches bigger.
    expect(sizes[Math.floor(sizes.length / 2)]).toBeLessThanOrEqual(30);
  });

  it('stops promptly when told', async () => {
    const events = await collect(new SyntheticSource({ ...base, rate: 1, pace: 'afap', count: 0 }), 3000);
    expect(events.length).toBeGreaterThanOrEqual(3000);
    expect(events.length).toBeLessThan(5000);
  });

  it('adds regimes and jumps only when asked, keeping the plain market unchanged', async () => {
    const plain = await collect(new SyntheticSource({ ...base, rate: 1, pace: 'afap', count: 500 }));
    const again = await collect(
      new SyntheticSource({ ...base, rate: 1, pace: 'afap', count: 500, regimeSwitchProb: 0, jumpProb: 0 }),
    );
    const jumpy = await collect(
      new SyntheticSource({ ...base, rate: 1, pace: 'afap', count: 500, jumpProb: 0.2 }),
    );
    const prices = (es: SourceEvent[]) => es.map((e) => (e.kind === 'trade' ? e.trade.price : ''));
    expect(prices(again)).toEqual(prices(plain));
    expect(prices(jumpy)).not.toEqual(prices(plain));
  });
});

describe('a synthetic source starting "now"', () => {
  it('starts its exchange clock when pacing starts, not when it was built', async () => {
    const clock = new ManualClock(1_770_000_000_000_000);
    const config = resolveConfig(feedSpec, { source: 'synthetic', count: '3', pace: 'afap' }, {});
    const source = createSource(config, clock, createLogger('test', 'silent'));
    // What the feed does between building the source and iterating it: connect, listen.
    clock.advance(143_000);
    const startedAt = clock.nowMicros();
    const events: SourceEvent[] = [];
    for await (const batch of source.batches()) events.push(...batch);
    const first = events[0];
    expect(first?.kind === 'trade' && first.trade.ts).toBe(startedAt);
  });
});
