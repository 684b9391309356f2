import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Bus, freePort } from '@tickflow/bus';
import { eodAudits, runEod } from './audit-eod.ts';
import { auditOrders, type OrderAudit } from './audit-orders.ts';
import { type Audit, auditTicks } from './audit-ticks.ts';
import { ClusterBroker } from './cluster-broker.ts';
import { drain } from './drain.ts';
import { type LiveCount, type LiveKind, LiveSubscriber } from './live-subscriber.ts';
import { waitForOneDate } from './one-day.ts';
import type { ChaosOptions, VictimName } from './options.ts';
import { Broker, ServiceProcess, type VictimStats } from './processes.ts';
import { type KillRecord, runKillSchedule, seededRandom, type Victim } from './schedule.ts';

export interface StopRecord {
  code: number | null;
  signal: string | null;
  ms: number;
  hung: boolean;
}

export interface CampaignResult {
  options: ChaosOptions;
  startedAt: string;
  feedSeconds: number;
  drainSeconds: number;
  /** The machine's 1/5/15-minute load averages when the faults ended. */
  load: number[];
  victims: Record<VictimName, VictimStats & { stop?: StopRecord }>;
  kills: KillRecord[];
  counts: { ticks: number; decisions: number; fills: number; orderEvents: number };
  ends: OrderAudit['ends'];
  live: Record<LiveKind, LiveCount>;
  date: string;
  botPnl?: { net: string; fills: number };
  /** With --cluster: the nodes the broker kills took down (each the TICKS leader then), in order. */
  killedNodes?: string[];
  audits: Audit[];
  /** A few concrete failures (ids, seqs) to start a diagnosis from. */
  examples: string[];
  pass: boolean;
}

const SERVICES = ['feed', 'signals', 'bot', 'archive'] as const;

/**
 * The fault campaign (docs/RELIABILITY.md): the pipeline on a private broker, SIGKILLs on a seeded
 * schedule, a clean stop and drain, then the audits. `say` gets the progress lines.
 */
export async function runCampaign(o: ChaosOptions, say: (line: string) => void): Promise<CampaignResult> {
  const wait = waitForOneDate(Date.now(), o.duration);
  if (wait > 0) {
    say(
      `● waiting ${(wait / 1000).toFixed(0)} s for UTC midnight: the run and its end of day stay in one date`,
    );
    await new Promise((r) => setTimeout(r, wait));
  }
  const logs = join(o.out, 'logs');
  const dataDir = join(o.out, 'data');
  mkdirSync(logs, { recursive: true });
  mkdirSync(dataDir, { recursive: true });
  const broker = o.cluster ? await ClusterBroker.start(o.cluster) : await Broker.start(join(o.out, 'nats'));
  const replicas = broker instanceof ClusterBroker ? broker.replicas : 1;
  say(
    o.cluster
      ? `● private ${o.cluster}-node nats-server cluster ${broker.url}, streams at R${replicas} (stores ${broker.storeDir}); output ${o.out}`
      : `● private nats-server ${broker.url} (store ${broker.storeDir}); output ${o.out}`,
  );
  const bus = await Bus.connect({ url: broker.url, name: 'tickflow-chaos' });
  const services = new Map<(typeof SERVICES)[number], ServiceProcess>();
  const stops: Partial<Record<VictimName, StopRecord>> = {};
  try {
    // TICKS republishes what it stores to live.ticks.> (`streams apply --live-ticks`), the subject
    // that carries the once-only promise for ticks. On ticks.> itself a broker killed between
    // delivering a tick to core subscribers and storing it gets the tick re-sent (stored once,
    // seen twice): seen once in a CI run of 58,316 ticks, a window no publisher can close.
    await bus.ensureStreams({ replicas, liveTicks: true });
    const live = new LiveSubscriber(bus);
    const ports = { feed: await freePort(), signals: await freePort(), bot: await freePort() };
    const env = {
      ...process.env,
      NATS_URL: broker.url,
      TICKFLOW_DATA_DIR: dataDir,
      TICKFLOW_REPLICAS: String(replicas),
    };
    const args: Record<(typeof SERVICES)[number], string[]> = {
      signals: ['signals', '--port', String(ports.signals)],
      bot: ['bot', '--port', String(ports.bot)],
      archive: ['eod', 'archive', '--data-dir', dataDir],
      feed: [
        ...['feed', '--port', String(ports.feed), '--rate', String(o.rate)],
        ...['--symbols', String(o.symbols), '--seed', String(o.seed)],
      ],
    };
    for (const name of ['signals', 'bot', 'archive', 'feed'] as const) {
      const port = name === 'archive' ? 0 : ports[name];
      const p = new ServiceProcess(
        name,
        args[name],
        env,
        join(logs, `${name}.log`),
        port,
        'archiving streams',
      );
      services.set(name, p);
      p.start();
      await p.waitUp();
    }
    const startedAt = Date.now();
    say(
      `● ${o.symbols} symbols at ${o.rate.toLocaleString('en-US')} ticks/s for ${o.duration} s; a SIGKILL every ${o.killEvery.join('-')} s among ${o.victims.join(', ')} (broker at most every ${o.brokerEvery} s), seed ${o.seed}`,
    );
    const victims = new Map<VictimName, Victim>();
    for (const v of o.victims) victims.set(v, v === 'broker' ? broker : (services.get(v) as ServiceProcess));
    const kills = await runKillSchedule({
      victims,
      random: seededRandom(o.seed),
      every: o.killEvery,
      brokerEvery: o.brokerEvery,
      startedAt,
      until: startedAt + o.duration * 1000,
      onKill: (k) =>
        say(
          `  ${k.at.toFixed(1).padStart(6)} s  SIGKILL ${k.victim}${k.victim === 'broker' && o.cluster ? ' (the node leading TICKS)' : ''}`,
        ),
    });
    const rest = startedAt + o.duration * 1000 - Date.now();
    if (rest > 0) await new Promise((r) => setTimeout(r, rest));
    const load = loadavg();
    for (const p of services.values()) await p.waitUp();
    const feedSeconds = (Date.now() - startedAt) / 1000;

    say('● faults over: stopping the feed, draining signals, bot and the archiver');
    stops.feed = await (services.get('feed') as ServiceProcess).stop(20_000);
    const drainStart = Date.now();
    const audits: Audit[] = [];
    try {
      await drain(bus, ports, join(dataDir, 'log'), o.drainTimeoutSeconds * 1000);
      audits.push({
        name: 'drained',
        pass: true,
        figures: `in ${((Date.now() - drainStart) / 1000).toFixed(1)} s`,
      });
    } catch (err) {
      audits.push({ name: 'drained', pass: false, figures: (err as Error).message });
    }
    const drainSeconds = (Date.now() - drainStart) / 1000;
    let botPnl: CampaignResult['botPnl'];
    try {
      botPnl = (await (await fetch(`http://127.0.0.1:${ports.bot}/v1/pnl`)).json()) as {
        net: string;
        fills: number;
      };
    } catch {
      // left undefined: the P&L audits fail and say n/a
    }
    for (const name of ['signals', 'bot', 'archive'] as const)
      stops[name] = await (services.get(name) as ServiceProcess).stop(20_000);
    const liveCounts = live.counts();
    live.close();

    say('● auditing the streams');
    const ticks = await auditTicks(bus);
    const orders = await auditOrders(bus, ticks.maxSeq);
    audits.push(...ticks.audits, ...orders.audits);
    const date = ticks.dates[0] ?? new Date().toISOString().slice(0, 10);
    const examples = [...ticks.examples, ...orders.examples];
    if (ticks.dates.length > 1)
      examples.unshift(
        `the ticks span ${ticks.dates.join(', ')} (UTC midnight passed): eod audits only ${date}`,
      );
    for (const fromLog of [false, true]) {
      say(`● tickflow eod run --date ${date}${fromLog ? ' --from-log' : ''}`);
      const outcome = await runEod({ date, natsUrl: broker.url, dataDir, out: o.out, fromLog });
      audits.push(...eodAudits(outcome, botPnl?.net));
    }
    // Ticks, decisions and fills all come from the streams' live subjects: once, on a cluster too.
    audits.push(liveAudit(liveCounts, ['ticks', 'decisions', 'fills']));
    audits.push(stopAudit(stops));
    const victimStats = {} as CampaignResult['victims'];
    for (const v of [...SERVICES, 'broker'] as const) {
      const stats = v === 'broker' ? broker.stats : (services.get(v) as ServiceProcess).stats;
      const stop = stops[v];
      victimStats[v] = { ...stats, ...(stop ? { stop } : {}) };
    }
    return {
      options: o,
      startedAt: new Date(startedAt).toISOString(),
      feedSeconds,
      drainSeconds,
      load,
      victims: victimStats,
      kills,
      counts: {
        ticks: ticks.stored,
        decisions: orders.decisions,
        fills: orders.fills,
        orderEvents: orders.orderEvents,
      },
      ends: orders.ends,
      live: liveCounts,
      date,
      ...(botPnl ? { botPnl: { net: botPnl.net, fills: botPnl.fills } } : {}),
      ...(broker instanceof ClusterBroker ? { killedNodes: broker.killed } : {}),
      audits,
      examples,
      pass: audits.every((a) => a.pass),
    };
  } finally {
    for (const p of services.values()) await p.stop(20_000);
    await bus.drain().catch(() => {});
    await broker.stop();
  }
}

function liveAudit(c: Record<LiveKind, LiveCount>, kinds: LiveKind[]): Audit {
  return {
    name: `live subscriber saw each id once (${kinds.join(', ')})`,
    // Each kind must have arrived at all: a live subject nothing republishes to would pass empty.
    pass: kinds.every((k) => c[k].duplicated === 0 && c[k].received > 0),
    figures: kinds
      .map(
        (k) =>
          `${k} ${c[k].duplicated.toLocaleString('en-US')} twice of ${c[k].distinct.toLocaleString('en-US')}`,
      )
      .join(', '),
  };
}

function stopAudit(stops: Partial<Record<VictimName, StopRecord>>): Audit {
  const entries = Object.entries(stops) as [VictimName, StopRecord][];
  return {
    name: 'each service stops cleanly on SIGTERM',
    pass: entries.every(([, s]) => s.code === 0 && !s.hung),
    figures: entries
      .map(
        ([v, s]) => `${v} ${s.hung ? 'HUNG' : `exit ${s.code ?? s.signal}`} in ${(s.ms / 1000).toFixed(2)} s`,
      )
      .join(', '),
  };
}
