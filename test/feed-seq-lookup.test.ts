import { Bus, decode, readStream } from '@tickflow/bus';
import { feedSpec, type LastSeqLookup, startFeed } from '@tickflow/feed';
import { createLogger, resolveConfig } from '@tickflow/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNats, type TestNats, waitFor } from './nats-harness.ts';

const silent = createLogger('test', 'silent');

/** A JetStream request timing out, the way nats.js reports one. */
class TimeoutLike extends Error {
  override name = 'NatsError';
  constructor() {
    super('TIMEOUT');
  }
}

describe('feed: reading a series’ last seq from TICKS', () => {
  let nats: TestNats;
  let bus: Bus;
  const config = (flags: Record<string, string>) =>
    resolveConfig(
      feedSpec,
      { port: '0', rate: '50000', symbols: '1', timeScale: '100', ...flags },
      { NATS_URL: nats.url },
    );
  const seqs = async (venue: string) => {
    const out: number[] = [];
    await readStream(bus.js, bus.jsm, 'TICKS', (m) => {
      const t = decode(m.data) as { venue: string; seq: number };
      if (t.venue === venue) out.push(t.seq);
    });
    return out;
  };

  beforeAll(async () => {
    nats = await startTestNats();
    bus = await Bus.connect({ url: nats.url, name: 'feed-seq-test' });
  });
  afterAll(async () => {
    await bus?.drain();
    await nats?.stop();
  });

  it('retries a lookup that failed instead of restarting the series at seq 1', async () => {
    const first = await startFeed(
      config({ count: '100', venue: 'retry', start: '2026-01-05T14:00:00Z' }),
      silent,
    );
    await first.done;
    await first.close();
    let failures = 0;
    const flaky = (real: LastSeqLookup): LastSeqLookup => {
      return async (venue, symbol) => {
        if (failures++ === 0) throw new TimeoutLike();
        return real(venue, symbol);
      };
    };
    // The real lookup, reached through the feed's default once the flaky one stops throwing.
    const real: LastSeqLookup = async (venue, symbol) => {
      const m = await bus.jsm.streams.getMessage('TICKS', { last_by_subj: `ticks.${venue}.${symbol}` });
      return (decode(m.data) as { seq: number }).seq;
    };
    const second = await startFeed(
      config({ count: '100', venue: 'retry', start: '2026-01-05T15:00:00Z' }),
      silent,
      undefined,
      { lastSeq: flaky(real), seqLookup: { giveUpMs: 5000, baseDelayMs: 20, maxDelayMs: 100 } },
    );
    await second.done;
    await second.close();
    expect(await seqs('retry')).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(failures).toBe(2);
  });

  it('holds the series back, says so in /healthz, and fails loudly when the lookup keeps failing', async () => {
    const feed = await startFeed(
      config({ count: '50', venue: 'broken', start: '2026-01-05T14:00:00Z' }),
      silent,
      undefined,
      {
        lastSeq: async () => {
          throw new TimeoutLike();
        },
        seqLookup: { giveUpMs: 1500, baseDelayMs: 50, maxDelayMs: 200 },
      },
    );
    const outcome = feed.done.then(
      () => 'finished',
      (err: Error) => err.name,
    );
    await waitFor('a failed lookup', () => feed.feed.lookupFailing !== undefined, 5000);
    const health = (await (await fetch(`http://127.0.0.1:${feed.port}/healthz`)).json()) as {
      status: string;
      checks: { sequences: { ok: boolean; detail: string } };
    };
    expect(health.status).toBe('degraded');
    expect(health.checks.sequences.detail).toContain('broken:');
    expect(await outcome).toBe('SequenceLookupError');
    await feed.close();
    expect(await seqs('broken')).toEqual([]);
  });
});
