import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bus, freePort, streamStatus } from '@tickflow/bus';
import { afterAll, describe, expect, it } from 'vitest';
import { eodAudits, runEod } from './chaos/audit-eod.ts';
import { auditOrders } from './chaos/audit-orders.ts';
import { type Audit, auditTicks } from './chaos/audit-ticks.ts';
import { drain } from './chaos/drain.ts';
import { LiveSubscriber } from './chaos/live-subscriber.ts';
import { waitForOneDate } from './chaos/one-day.ts';
import { ServiceProcess } from './chaos/processes.ts';
import { startTestCluster, streamLeader, type TestCluster } from './nats-cluster.ts';
import { waitFor } from './nats-harness.ts';
import { exitCode, spawnTickflow } from './tickflow-process.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const RATE = 500;
const SYMBOLS = 4;

/**
 * The pipeline as real processes on a 3-node nats-server cluster with R3 streams (docs/SCALING.md):
 * every service gets the three seeds; the node leading TICKS is SIGKILLed mid-run and restarted
 * later; then the fault campaign's audits (test/chaos) say whether anything was lost or done twice.
 */
describe('feed → signals → bot → eod archive on a 3-node NATS cluster', () => {
  const out = mkdtempSync(join(tmpdir(), 'tickflow-cluster-run-'));
  let cluster: TestCluster | undefined;
  let bus: Bus | undefined;
  const services: ServiceProcess[] = [];
  let passed = false;
  afterAll(async () => {
    for (const s of services) await s.stop(10_000);
    await bus?.drain().catch(() => {});
    await cluster?.stop();
    // Kept for diagnosis when the test failed.
    if (passed) rmSync(out, { recursive: true, force: true });
  });

  it('loses nothing, does nothing twice and reconciles the day when the node leading TICKS is killed and restarted', async () => {
    // The bot's P&L runs across midnight and the end of day's does not: the run stays in one date.
    await sleep(waitForOneDate(Date.now(), 70));
    cluster = await startTestCluster(3);
    const c = cluster;
    const apply = spawnTickflow(
      // --live-ticks: the live subscriber below follows live.ticks.>, as the fault campaign does.
      ['streams', 'apply', '--replicas', '3', '--live-ticks'],
      { NATS_URL: c.urls },
      { capture: true },
    );
    expect(await exitCode(apply.child), apply.output()).toBe(0);
    bus = await Bus.connect({ url: c.urls, name: 'cluster-test' });
    const b = bus;
    for (const s of await streamStatus(b.jsm)) expect(s.settings.num_replicas, s.stream).toBe('3');

    // A core subscriber as a live client would be: each id must reach it once (no re-send of a stored tick).
    const live = new LiveSubscriber(b);
    const logs = join(out, 'logs');
    const dataDir = join(out, 'data');
    mkdirSync(logs, { recursive: true });
    mkdirSync(dataDir, { recursive: true });
    const ports = { feed: await freePort(), signals: await freePort(), bot: await freePort() };
    const env = { ...process.env, NATS_URL: c.urls, TICKFLOW_DATA_DIR: dataDir, TICKFLOW_REPLICAS: '3' };
    const spawn = async (name: string, args: string[], port: number) => {
      const p = new ServiceProcess(name, args, env, join(logs, `${name}.log`), port, 'archiving streams');
      services.push(p);
      p.start();
      await p.waitUp();
      return p;
    };
    await spawn('signals', ['signals', '--port', String(ports.signals)], ports.signals);
    await spawn('bot', ['bot', '--port', String(ports.bot)], ports.bot);
    await spawn('archive', ['eod', 'archive', '--data-dir', dataDir], 0);
    const feed = await spawn(
      'feed',
      [
        'feed',
        '--port',
        String(ports.feed),
        '--rate',
        String(RATE),
        '--symbols',
        String(SYMBOLS),
        '--seed',
        '18',
      ],
      ports.feed,
    );
    await sleep(6_000);
    const victim = await streamLeader(b, 'TICKS');
    expect(victim).toBeDefined();
    // Watched through a node that stays up, so the figures are the cluster's, not a reconnect's.
    const survivor = c.nodes.find((n) => n.name !== victim) as (typeof c.nodes)[number];
    const watch = await Bus.connect({ url: `nats://127.0.0.1:${survivor.port}`, name: 'cluster-watch' });
    // Asked with a short timeout: while no leader answers, a request waits out its whole timeout.
    const quick = await watch.nc.jetstreamManager({ timeout: 250 });
    const ticksNow = async () => (await quick.streams.info('TICKS')).state.last_seq;
    const beforeKill = await ticksNow();
    const killedAt = Date.now();
    await c.kill(victim as string);
    // A new leader from the two left, and the feed storing ticks through it.
    await waitFor(
      'a new TICKS leader',
      async () => {
        const l = await quick.streams.info('TICKS').then(
          (i) => i.cluster?.leader,
          () => undefined,
        );
        return l !== undefined && l !== victim;
      },
      30_000,
      20,
    );
    const electedMs = Date.now() - killedAt;
    await waitFor(
      'ticks stored after the kill',
      async () => (await ticksNow().catch(() => 0)) > beforeKill + RATE / 10,
      30_000,
      20,
    );
    const resumedMs = Date.now() - killedAt;
    await sleep(4_000);
    const restartedAt = Date.now();
    await c.restart(victim as string);
    await waitFor(
      `${victim} current on every stream again`,
      async () =>
        (await streamStatus(watch.jsm).catch(() => [])).every(
          (s) =>
            s.cluster?.replicas.some((r) => r.name === victim && r.current && !r.offline) ||
            s.cluster?.leader === victim,
        ),
      30_000,
    );
    const caughtUpMs = Date.now() - restartedAt;
    await watch.drain();
    await sleep(3_000);
    const phase: Record<string, number> = {};
    let mark = Date.now();
    const lap = (name: string) => {
      phase[name] = (Date.now() - mark) / 1000;
      mark = Date.now();
    };
    await feed.stop(20_000);
    lap('feed stop');

    const audits: Audit[] = [];
    await drain(b, ports, join(dataDir, 'log'), 60_000);
    lap('drain');
    const pnl = (await (await fetch(`http://127.0.0.1:${ports.bot}/v1/pnl`)).json()) as { net: string };
    for (const s of services) await s.stop(20_000);
    lap('stops');
    // Reported, not audited: the live subjects carry what the streams stored, once, but a leader
    // killed after republishing a message it had not yet replicated leaves it to be re-sent
    // (a narrow window, SCALING.md); the fault campaign audits it over longer runs.
    const seen = live.counts();
    live.close();
    const liveFigures = Object.entries(seen)
      .map(([k, v]) => `${k} ${v.duplicated} twice of ${v.distinct}`)
      .join(', ');
    const ticks = await auditTicks(b);
    const orders = await auditOrders(b, ticks.maxSeq);
    audits.push(...ticks.audits, ...orders.audits);
    const date = ticks.dates[0] ?? new Date().toISOString().slice(0, 10);
    for (const fromLog of [false, true]) {
      const outcome = await runEod({ date, natsUrl: c.urls, dataDir, out, fromLog });
      audits.push(...eodAudits(outcome, pnl.net));
    }
    // Services connected to the killed node moved to the others (nats.js follows the cluster).
    const reconnects = services.map(
      (s) => `${s.name} ${(readFileSync(s.logFile, 'utf8').match(/"type":"reconnect"/g) ?? []).length}`,
    );
    lap('audits and eod runs');
    const status = spawnTickflow(['streams', 'status'], { NATS_URL: c.urls }, { capture: true });
    expect(await exitCode(status.child)).toBe(0);
    const summary = [
      `killed ${victim} (TICKS leader) at ${beforeKill} ticks; new leader in ${electedMs} ms, ticks stored again ${resumedMs} ms after the kill; restarted node current again in ${caughtUpMs} ms; reconnects ${reconnects.join(', ')}`,
      `live subscriber (not audited): ${liveFigures}`,
      `after the run, seconds: ${Object.entries(phase)
        .map(([k, v]) => `${k} ${v.toFixed(1)}`)
        .join(', ')}`,
      `stored: ticks ${ticks.stored}, decisions ${orders.decisions}, fills ${orders.fills}, order events ${orders.orderEvents}; bot P&L ${pnl.net}`,
      ...audits.map((a) => `${a.pass ? 'PASS' : 'FAIL'} ${a.name}: ${a.figures}`),
      ...ticks.examples,
      ...orders.examples,
      status.output(),
    ].join('\n');
    console.log(summary);
    expect(ticks.stored).toBeGreaterThan(5_000);
    expect(orders.decisions).toBeGreaterThan(0);
    expect(orders.fills).toBeGreaterThan(0);
    expect(status.output()).toMatch(/TICKS: .*replicas 3/);
    // Signals' checkpoints, created by signals itself with TICKFLOW_REPLICAS=3, survive a node too.
    expect(status.output()).toMatch(/OBJ_tickflow_checkpoints: .*replicas 3/);
    expect(
      audits.filter((a) => !a.pass).map((a) => `${a.name}: ${a.figures}`),
      summary,
    ).toEqual([]);
    passed = true;
  }, 250_000);
});
