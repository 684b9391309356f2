import { Bus, ConfirmingPublisher, decode, encode, LastStoredReader } from '@tickflow/bus';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestCluster, streamLeader, type TestCluster } from './nats-cluster.ts';
import { waitFor } from './nats-harness.ts';

const SYMBOLS = ['AAA', 'BBB'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A bus on `server` of the cluster, given every seed as the services are (nats.js picks one at random). */
async function busOn(c: TestCluster, server: string, name: string): Promise<Bus> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const bus = await Bus.connect({ url: c.urls, name });
    if (bus.nc.info?.server_name === server) return bus;
    await bus.drain();
  }
  throw new Error(`no connection to ${server} in 50 attempts`);
}

/**
 * Issue 14 cause 1 on a cluster (issue 18): the publisher's connection stays on a surviving server
 * while the connection it reads the stream back on is on the server leading TICKS, which is frozen
 * and then SIGKILLed. The read in flight is lost with that server. A publisher that waits it out
 * goes on sending through the election, and the new leader stores the newest ticks before the lost
 * ones are re-sent (the cluster test's failure under load: 2,145 ticks stored after a higher seq).
 * Found and fixed here: nats.js reports no `deleted` server for IP seeds (serverLossDetector),
 * the publisher's first epoch could not end (Epoch), and the read connection's own loss went
 * unnoticed (LastStoredReader.onLost). The 15 s confirmation timeout (the read's timeout) outlasts
 * any election, so before the fixes every run stored ticks out of order.
 */
describe('ConfirmingPublisher on a 3-node cluster', () => {
  let cluster: TestCluster | undefined;
  const buses: Bus[] = [];
  afterAll(async () => {
    for (const b of buses) await b.drain().catch(() => {});
    await cluster?.stop();
  });

  it('stores every tick in seq order when the server it reads back on leads TICKS and is killed', async () => {
    cluster = await startTestCluster(3);
    const c = cluster;
    const admin = await Bus.connect({ url: c.urls, name: 'cpo-admin' });
    buses.push(admin);
    await admin.ensureStreams({ replicas: 3 });
    await waitFor('a TICKS leader', async () => (await streamLeader(admin, 'TICKS')) !== undefined);
    const victim = (await streamLeader(admin, 'TICKS')) as string;
    const survivor = c.nodes.find((n) => n.name !== victim)?.name as string;
    const main = await busOn(c, survivor, 'cpo-publish');
    const read = await busOn(c, victim, 'cpo-readback');
    buses.push(main, read);
    const events: string[] = [];
    const started = Date.now();
    const pub = new ConfirmingPublisher(
      main.nc,
      main.js,
      // As Bus wires it: reads on their own connection, stream look-ups on the publishing one.
      new LastStoredReader(read.nc, main.jsm),
      {
        confirmTimeoutMs: 15_000, // longer than an election: waiting out a lost read never saves it
        onEvent: (e) => events.push(`${Date.now() - started} ms ${e.type} ${e.count}`),
      },
      // The status Bus.confirmingPublisher gives its publishers.
      (l) =>
        main.onClusterStatus((type) => {
          if (type !== 'pingTimer') events.push(`${Date.now() - started} ms status ${type}`);
          l(type);
        }),
    );
    const next = new Map(SYMBOLS.map((s) => [s, 1]));
    let stop = false;
    const pumping = (async () => {
      for (let n = 0; !stop; n++) {
        const symbol = SYMBOLS[n % SYMBOLS.length] as string;
        const seq = next.get(symbol) as number;
        next.set(symbol, seq + 1);
        const id = `synth:${symbol}:${seq}`;
        const wait = pub.publish(`ticks.synth.${symbol}`, encode({ id, seq }), id);
        if (wait) await wait;
        if (n % 2 === 1) await sleep(1);
      }
    })();
    await sleep(1500);
    // Frozen first (as a server starved of CPU is), so a read-back is in flight when it dies.
    c.node(victim).handle?.process.kill('SIGSTOP');
    await sleep(300);
    events.push(`${Date.now() - started} ms kill ${victim}`);
    await c.kill(victim);
    await waitFor(
      'ticks stored by a new leader',
      async () => {
        const l = await streamLeader(admin, 'TICKS');
        return l !== undefined && l !== victim;
      },
      30_000,
      50,
    );
    events.push(`${Date.now() - started} ms new leader`);
    await sleep(3_000);
    stop = true;
    await pumping;
    events.push(`${Date.now() - started} ms closing; outbox ${pub.stats.outboxMessages}`);
    console.log(events.join('\n'));
    await pub.close();
    console.log(`${Date.now() - started} ms closed; stats ${JSON.stringify(pub.stats)}`);
    // Read by stream sequence, 200 single-message gets at a time: an ordered consumer (readStream)
    // made just after a node loss stopped short or hung in this test.
    const stored = new Map<string, number[]>();
    const last = (await main.jsm.streams.info('TICKS')).state.last_seq;
    for (let from = 1; from <= last; from += 200) {
      const seqs = Array.from({ length: Math.min(200, last - from + 1) }, (_, k) => from + k);
      const got = await Promise.all(seqs.map((seq) => main.jsm.streams.getMessage('TICKS', { seq })));
      for (const m of got) {
        const { id, seq } = decode(m.data) as { id: string; seq: number };
        const symbol = id.split(':')[1] as string;
        stored.set(symbol, [...(stored.get(symbol) ?? []), seq]);
      }
    }
    const problems: string[] = [];
    for (const symbol of SYMBOLS) {
      const seqs = stored.get(symbol) ?? [];
      const last = (next.get(symbol) as number) - 1;
      let max = 0;
      const late = seqs.filter((s) => {
        const after = s <= max;
        max = Math.max(max, s);
        return after;
      }).length;
      const have = new Set(seqs);
      const missing: number[] = [];
      for (let q = 1; q <= last; q++) if (!have.has(q)) missing.push(q);
      if (missing.length > 0)
        console.log(`${symbol} missing ${missing.length}: ${missing[0]}..${missing.at(-1)}`);
      if (seqs.length !== last || new Set(seqs).size !== last || late > 0)
        problems.push(
          `${symbol}: ${seqs.length} stored, ${new Set(seqs).size} distinct of ${last}, ${late} after a higher seq`,
        );
    }
    console.log(
      `killed ${victim} (TICKS leader, read-back connection's server); publisher on ${survivor}\n${events.join('\n')}`,
    );
    expect(problems).toEqual([]);
  }, 90_000);
});
