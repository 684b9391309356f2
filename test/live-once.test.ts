import { type Bus, decode, encode, liveSubjects } from '@tickflow/bus';
import { afterAll, describe, expect, it } from 'vitest';
import { restartableNats } from './nats-harness.ts';

/**
 * Issue 14, item 6: a plain core subscriber on a live subject counts every id once, also when the
 * stream stores nothing for a while (a cluster electing a leader, a stream not ready after a
 * restart). On the subject publishers send to, the subscriber gets the message while the stream
 * does not, and the publisher's re-send reaches it a second time; on the live subjects
 * (`live.<subject>`) the stream itself delivers what it stored (RePublish), and a copy it drops as a
 * duplicate is not delivered again. Reproduced on one server by parking the stream's subjects for
 * a second mid-publish.
 */
const SYMBOLS = ['AAA', 'BBB', 'CCC', 'DDD'];

/** A plain core subscriber on `subject`: how many times each id arrived. */
function liveCounter(bus: Bus, subject: string): { counts: Map<string, number>; twice: () => string[] } {
  const counts = new Map<string, number>();
  bus.subscribe(subject, (_s, data) => {
    const { id } = decode(data) as { id: string };
    counts.set(id, (counts.get(id) ?? 0) + 1);
  });
  return {
    counts,
    twice: () => [...counts].filter(([, n]) => n > 1).map(([id, n]) => `${id} ×${n}`),
  };
}

interface Case {
  stream: 'TICKS' | 'DECISIONS';
  subject: (symbol: string) => string;
  /** Subjects that keep the RePublish source valid (it must overlap them) and match no publish. */
  parked: string;
}

const TICKS: Case = { stream: 'TICKS', subject: (s) => `ticks.synth.${s}`, parked: 'ticks.parked.x.y.z' };
const DECISIONS: Case = {
  stream: 'DECISIONS',
  subject: (s) => `decisions.${s}`,
  parked: 'decisions.parked.x.y',
};

/**
 * Publishes ids through a ConfirmingPublisher for ~2.5 s while `c.stream` stores nothing for one
 * second; returns what was published, stored and re-sent, and what each subscriber counted.
 */
async function pauseMidPublish(bus: Bus, watcher: Bus, c: Case, listen: string[]) {
  const counters = listen.map((subject) => liveCounter(watcher, subject));
  await watcher.flush();
  const pub = bus.confirmingPublisher({ confirmEvery: 500, confirmTimeoutMs: 1500 });
  let n = 0;
  let stop = false;
  const pumping = (async () => {
    while (!stop) {
      for (let k = 0; k < 20; k++, n++) {
        const symbol = SYMBOLS[n % SYMBOLS.length] as string;
        const id = `synth:${symbol}:${Math.floor(n / SYMBOLS.length) + 1}`;
        const wait = pub.publish(c.subject(symbol), encode({ id }), id);
        if (wait) await wait;
      }
      await new Promise((r) => setTimeout(r, 1));
    }
  })();
  await new Promise((r) => setTimeout(r, 500));
  const config = (await bus.jsm.streams.info(c.stream)).config;
  await bus.jsm.streams.update(c.stream, { ...config, subjects: [c.parked] });
  await new Promise((r) => setTimeout(r, 1000));
  await bus.jsm.streams.update(c.stream, config);
  await new Promise((r) => setTimeout(r, 1000));
  stop = true;
  await pumping;
  await pub.close();
  // The stream republishes what the last confirmation round stored: give it a moment to arrive.
  await new Promise((r) => setTimeout(r, 300));
  await watcher.flush();
  const stored = (await bus.jsm.streams.info(c.stream)).state.messages;
  return { published: n, stored, resent: pub.stats.resent, counters };
}

describe('a plain subscriber on a live subject (real nats-server)', () => {
  const broker = restartableNats('tickflow-live-once-');
  afterAll(broker.cleanup);

  it('sends a subscriber on live.decisions.> each decision once across a second the stream stores nothing', async () => {
    const s = await broker.start();
    const bus = await broker.connect(s.url, 'live-once');
    await bus.ensureStreams();
    const watcher = await broker.connect(s.url, 'live-once-watch');
    const r = await pauseMidPublish(bus, watcher, DECISIONS, [liveSubjects.allDecisions, 'decisions.>']);
    const [live, ingest] = r.counters as [ReturnType<typeof liveCounter>, ReturnType<typeof liveCounter>];
    console.log(
      `decisions: published ${r.published}, stored ${r.stored}, resent ${r.resent}; live ${live.counts.size} ids, ${live.twice().length} twice; publish subject ${ingest.twice().length} twice`,
    );
    expect(r.stored).toBe(r.published);
    expect(r.resent).toBeGreaterThan(0);
    // The scenario does make copies: the subject publishers send to carries them.
    expect(ingest.twice().length).toBeGreaterThan(0);
    expect(live.counts.size).toBe(r.published);
    expect(live.twice().slice(0, 5)).toEqual([]);
    await bus.drain();
    await watcher.drain();
  });

  it('sends a subscriber on live.ticks.> each tick once when TICKS republishes (--live-ticks)', async () => {
    const s = await broker.start();
    const bus = await broker.connect(s.url, 'live-once-ticks');
    await bus.jsm.streams.delete('TICKS').catch(() => false);
    await bus.ensureStreams({ liveTicks: true });
    const watcher = await broker.connect(s.url, 'live-once-ticks-watch');
    const r = await pauseMidPublish(bus, watcher, TICKS, [liveSubjects.allTicks, 'ticks.>']);
    const [live, ingest] = r.counters as [ReturnType<typeof liveCounter>, ReturnType<typeof liveCounter>];
    console.log(
      `ticks: published ${r.published}, stored ${r.stored}, resent ${r.resent}; live ${live.counts.size} ids, ${live.twice().length} twice; publish subject ${ingest.twice().length} twice`,
    );
    expect(r.stored).toBe(r.published);
    expect(r.resent).toBeGreaterThan(0);
    expect(ingest.twice().length).toBeGreaterThan(0);
    expect(live.counts.size).toBe(r.published);
    expect(live.twice().slice(0, 5)).toEqual([]);
  });
});
