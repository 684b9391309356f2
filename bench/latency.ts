/**
 * Tick → decision latency at a given rate, next to the raw core-NATS round trip at the same rate,
 * both measured here in one run. Run by `npm run bench` (or alone: node --import tsx bench/latency.ts).
 * Pipeline: feed and signals as separate processes; a decision's latency is its arrival here minus
 * the feed's recvTs of its tick. Raw: messages of the same size sent from here through an echo
 * process and back. The first 2 s of each are excluded (process warm-up).
 * While the pipeline runs, this process also sends itself a core message through the same server
 * every millisecond (`during`): stalls it sees are the server's or the machine's, shared by every
 * client, not the pipeline's own.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bus, encodeValidTick, startNatsServer } from '@tickflow/bus';
import { PipelineMonitor, percentile } from '../services/cli/src/monitor.ts';

const BIN = fileURLToPath(new URL('../services/cli/bin/tickflow.mjs', import.meta.url));
const ECHO = fileURLToPath(new URL('./echo.ts', import.meta.url));
const NULL_SIGNALS = fileURLToPath(new URL('./null-signals.ts', import.meta.url));

/**
 * What answers the ticks: the signals service, or null-signals.ts (no work at all), reading TICKS
 * from the stream as signals does or taking the feed's core publishes: the floors of the stage.
 */
export type LatencyStage = 'signals' | 'null-jetstream' | 'null-core';
const SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 8);
const WARM_UP_MS = 2000;

export interface LatencyRow {
  rate: number;
  stage: LatencyStage;
  pipeline: { p50?: number; p99?: number; p999?: number; n: number };
  raw: { p50?: number; p99?: number; p999?: number; n: number };
  /** Core round trip from this process to itself, every ms, while the pipeline ran. */
  during: { p50?: number; p99?: number; p999?: number; n: number };
}

const summary = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p99: percentile(s, 99), p999: percentile(s, 99.9), n: s.length };
};

function child(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

const ready = (p: ChildProcess, word: string) =>
  new Promise<void>((resolve) =>
    p.stdout?.on('data', (d: Buffer) => d.toString().includes(word) && resolve()),
  );

async function rawRoundTrip(bus: Bus, url: string, rate: number): Promise<number[]> {
  const echo = child(['--import', 'tsx', ECHO, url], {});
  await ready(echo, 'ready');
  const out: number[] = [];
  const started = performance.now();
  bus.subscribe('bench.pong', (_s, data) => {
    const sentAt = new DataView(data.buffer, data.byteOffset).getFloat64(0);
    if (sentAt - started > WARM_UP_MS) out.push(performance.now() - sentAt);
  });
  const payload = encodeValidTick({
    v: 1,
    venue: 'synth',
    symbol: 'BTC-USD',
    seq: 1,
    ts: 1,
    price: '100.25',
    size: '0.5',
    recvTs: 1,
  });
  let sent = 0;
  while (performance.now() - started < SECONDS * 1000) {
    const due = Math.floor(((performance.now() - started) / 1000) * rate) - sent;
    for (let i = 0; i < due; i++) {
      const msg = new Uint8Array(payload.length + 8);
      msg.set(payload, 8);
      new DataView(msg.buffer).setFloat64(0, performance.now());
      bus.nc.publish('bench.ping', msg);
      sent++;
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await bus.flush();
  await new Promise((r) => setTimeout(r, 200));
  echo.kill('SIGTERM');
  return out;
}

/** Sends a core message to itself every ms; the returned function stops and gives the round trips. */
function canary(bus: Bus): () => number[] {
  const out: number[] = [];
  const started = performance.now();
  const stop = bus.subscribe('bench.canary', (_s, data) => {
    const sentAt = new DataView(data.buffer, data.byteOffset).getFloat64(0);
    if (sentAt - started > WARM_UP_MS) out.push(performance.now() - sentAt);
  });
  const timer = setInterval(() => {
    const msg = new Uint8Array(8);
    new DataView(msg.buffer).setFloat64(0, performance.now());
    bus.nc.publish('bench.canary', msg);
  }, 1);
  return () => {
    clearInterval(timer);
    stop();
    return out;
  };
}

function startStage(stage: LatencyStage, url: string, env: Record<string, string>): ChildProcess {
  if (stage === 'signals') return child([BIN, 'signals', '--port', '0'], env);
  return child(['--import', 'tsx', NULL_SIGNALS, url, stage === 'null-core' ? 'core' : 'jetstream'], env);
}

export async function measureLatency(rate: number, stage: LatencyStage = 'signals'): Promise<LatencyRow> {
  const dir = mkdtempSync(join(tmpdir(), 'tickflow-latency-'));
  const server = await startNatsServer({ storeDir: join(dir, 'nats') });
  const env = { NATS_URL: server.url, TICKFLOW_LOG_LEVEL: 'warn' };
  const bus = await Bus.connect({ url: server.url, name: 'bench-latency' });
  try {
    await bus.ensureStreams();
    const raw = await rawRoundTrip(bus, server.url, rate);
    const signals = startStage(stage, server.url, env);
    await new Promise((r) => setTimeout(r, 1500));
    const monitor = new PipelineMonitor(bus, { followTicks: false });
    const stopCanary = canary(bus);
    const feed = child(
      [BIN, 'feed', '--port', '0', '--rate', String(rate), '--symbols', '50', '--duration', String(SECONDS)],
      env,
    );
    await new Promise((r) => feed.once('exit', r));
    await new Promise((r) => setTimeout(r, 500));
    const during = stopCanary();
    monitor.close();
    signals.kill('SIGTERM');
    await new Promise((r) => signals.once('exit', r));
    return {
      rate,
      stage,
      pipeline: { ...monitor.latency(true), p999: summary(monitor.steadyLatenciesMs).p999 },
      raw: summary(raw),
      during: summary(during),
    };
  } finally {
    await bus.drain();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `npm run bench` runs this file as its own process (`latencyRounds`): measured inside the bench
 * process, whose heap earlier sections had grown, its garbage collection stalled the raw round
 * trip and the monitor alike (a raw p99 of 8 ms where a fresh process sees 1–2 ms).
 * Alone: BENCH_LATENCY_RATES=10000 BENCH_LATENCY_STAGES=signals,null-jetstream node --import tsx bench/latency.ts
 */
if (import.meta.url === `file://${process.argv[1]}`) {
  const rates = (process.env.BENCH_LATENCY_RATES ?? '10000,50000').split(',').map(Number);
  const stages = (process.env.BENCH_LATENCY_STAGES ?? 'signals').split(',') as LatencyStage[];
  const rounds = Number(process.env.BENCH_LATENCY_ROUNDS ?? 1);
  for (const rate of rates)
    for (let round = 1; round <= rounds; round++)
      for (const stage of stages) {
        console.error(
          `bench: ${new Date().toISOString().slice(11, 19)} latency ${stage} at ${rate}/s, round ${round} of ${rounds}`,
        );
        console.log(JSON.stringify(await measureLatency(rate, stage)));
      }
}

/** Runs this file as its own process and returns its rows. */
export function latencyRounds(rate: number, rounds: number, stages: LatencyStage[]): LatencyRow[] {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
    env: {
      ...process.env,
      BENCH_LATENCY_RATES: String(rate),
      BENCH_LATENCY_STAGES: stages.join(','),
      BENCH_LATENCY_ROUNDS: String(rounds),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`bench/latency.ts exited ${r.status}`);
  return r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LatencyRow);
}
