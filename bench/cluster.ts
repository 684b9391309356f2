/**
 * R1 against R3 on loopback (docs/SCALING.md): ingest throughput and tick → decision latency on
 * one nats-server (R1), and on a 3-node cluster with the streams at R1 and at R3.
 * A benchmark, not a test: it prints a table and asserts nothing.
 *   npm run build && node --import tsx bench/cluster.ts
 * Ingest: ticks published as fast as the feed's ConfirmingPublisher takes them, timed until all
 * are confirmed stored. Latency: feed and signals as processes (the seeds as NATS_URL), a
 * decision's arrival here minus its tick's receive time, after a 2 s warm-up.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bus, encodeValidTick, STREAM_NAMES, startNatsServer, subjects, tickMsgId } from '@tickflow/bus';
import { PipelineMonitor } from '../services/cli/src/monitor.ts';
import { startTestCluster } from '../test/nats-cluster.ts';

const BIN = fileURLToPath(new URL('../services/cli/bin/tickflow.mjs', import.meta.url));
const INGEST_TICKS = Number(process.env.BENCH_CLUSTER_TICKS ?? 100_000);
const RATES = (process.env.BENCH_CLUSTER_RATES ?? '2000,10000').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_CLUSTER_SECONDS ?? 8);

interface Target {
  label: string;
  urls: string;
  replicas: number;
  stop(): Promise<void>;
}

async function resetStreams(bus: Bus, replicas: number): Promise<void> {
  for (const name of STREAM_NAMES) await bus.jsm.streams.delete(name).catch(() => false);
  await bus.jsm.streams.delete('OBJ_tickflow_checkpoints').catch(() => false);
  await bus.ensureStreams({ replicas });
}

/** Ticks/s the feed's publisher gets stored, confirmed. */
async function ingest(bus: Bus): Promise<number> {
  const pub = bus.confirmingPublisher({ confirmEvery: 1000 });
  const started = performance.now();
  for (let i = 1; i <= INGEST_TICKS; i++) {
    const symbol = `S${i % 50}`;
    const seq = Math.floor(i / 50) + 1;
    const data = encodeValidTick({
      v: 1,
      venue: 'synth',
      symbol,
      seq,
      ts: 1_765_000_000_000_000 + i,
      price: '100.25',
      size: '0.5',
      recvTs: Date.now() * 1000,
    });
    const wait = pub.publish(subjects.tick('synth', symbol), data, tickMsgId('synth', symbol, seq));
    if (wait) await wait;
    if (i % 2000 === 0) await new Promise((r) => setImmediate(r));
  }
  await pub.close();
  return Math.round(INGEST_TICKS / ((performance.now() - started) / 1000));
}

function child(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function latency(bus: Bus, urls: string, replicas: number, rate: number) {
  const env = { NATS_URL: urls, TICKFLOW_LOG_LEVEL: 'error', TICKFLOW_REPLICAS: String(replicas) };
  const signals = child([BIN, 'signals', '--port', '0'], env);
  await new Promise((r) => setTimeout(r, 2000));
  const monitor = new PipelineMonitor(bus, { followTicks: false });
  const feed = child(
    [BIN, 'feed', '--port', '0', '--rate', String(rate), '--symbols', '50', '--duration', String(SECONDS)],
    env,
  );
  await new Promise((r) => feed.once('exit', r));
  await new Promise((r) => setTimeout(r, 500));
  monitor.close();
  signals.kill('SIGTERM');
  await new Promise((r) => signals.once('exit', r));
  return monitor.latency(true);
}

async function single(): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'tickflow-bench-r1-'));
  const server = await startNatsServer({ storeDir: join(dir, 'nats') });
  return {
    label: '1 server, R1',
    urls: server.url,
    replicas: 1,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const rows: string[] = [];
const ms = (x: number | undefined) => (x === undefined ? 'n/a' : `${x.toFixed(1)} ms`);
const cluster = await startTestCluster(3);
const targets: Target[] = [
  await single(),
  { label: '3-node cluster, R1', urls: cluster.urls, replicas: 1, stop: async () => {} },
  { label: '3-node cluster, R3', urls: cluster.urls, replicas: 3, stop: cluster.stop },
];
for (const t of targets) {
  const bus = await Bus.connect({ url: t.urls, name: 'bench-cluster' });
  await resetStreams(bus, t.replicas);
  const perSecond = await ingest(bus);
  const cells = [`${perSecond.toLocaleString('en-US')}/s`];
  for (const rate of RATES) {
    await resetStreams(bus, t.replicas);
    const l = await latency(bus, t.urls, t.replicas, rate);
    cells.push(`${ms(l.p50)} / ${ms(l.p99)} (n ${l.n})`);
  }
  await bus.drain();
  await t.stop();
  rows.push(`| ${t.label} | ${cells.join(' | ')} |`);
  console.error(
    `bench: ${t.label} done; load ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
}
console.log(
  [
    `| streams | ingest (${INGEST_TICKS.toLocaleString('en-US')} ticks, confirmed) | ${RATES.map((r) => `tick → decision p50 / p99 at ${r.toLocaleString('en-US')}/s`).join(' | ')} |`,
    `|---|---|${RATES.map(() => '---').join('|')}|`,
    ...rows,
  ].join('\n'),
);
