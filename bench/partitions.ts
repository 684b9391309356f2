/**
 * What a second partition adds (docs/SCALING.md), on one nats-server on loopback. A benchmark, not
 * a test: it prints tables and asserts nothing.
 *   npm run bench:partitions        (BENCH_PARTITION_TICKS, _REPEAT, _RATES, _SECONDS, _PARTS, _NODE_FLAGS)
 * Intake: N ticks stored once with the feed (`--partitions 2`, 50 symbols), then read by one signals
 * process (`--partition 0/1`, every tick) and by two (`0/2`, `1/2`, each only its subjects), each
 * time from the start with DECISIONS emptied; ticks/s = N / (last instance done − first tick
 * counted), from their tickflow_signals_ticks_total polled every 50 ms; and each partition's
 * instance alone, one after the other (what two would do with a core each, which a machine with
 * no idle core cannot show). Next to it, the raw
 * baseline of the same run: an ordered consumer that does nothing, over every tick and over one
 * partition's subjects. Latency: feed and signals processes at increasing --rate, one signals
 * (plain subjects) against two partitions, tick → decision as a core subscriber sees the decision
 * (bench/cluster.ts's way), after a 2 s warm-up.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bus, consumeFrom, freePort, STREAM_NAMES, startNatsServer, subjects } from '@tickflow/bus';
import { PipelineMonitor } from '../services/cli/src/monitor.ts';

const BIN = fileURLToPath(new URL('../services/cli/bin/tickflow.mjs', import.meta.url));
// 1.5 M: with 300,000 a second process's start-up (~1.4 s) weighed as much as its share of the work.
const N = Number(process.env.BENCH_PARTITION_TICKS ?? 1_500_000);
const REPEAT = Number(process.env.BENCH_PARTITION_REPEAT ?? 3);
const RATES = (process.env.BENCH_PARTITION_RATES ?? '10000,15000,20000,30000,40000').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_PARTITION_SECONDS ?? 8);
/** `intake`, `latency` or both (default). */
const PARTS = (process.env.BENCH_PARTITION_PARTS ?? 'intake,latency').split(',');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

const dir = mkdtempSync(join(tmpdir(), 'tickflow-bench-partitions-'));
const server = await startNatsServer({ storeDir: join(dir, 'nats') });
const env = { NATS_URL: server.url, TICKFLOW_LOG_LEVEL: 'error' };
const bus = await Bus.connect({ url: server.url, name: 'bench-partitions' });

/** Node/V8 flags for the processes it starts, e.g. `--single-threaded-gc` (BENCH_PARTITION_NODE_FLAGS). */
const NODE_FLAGS = (process.env.BENCH_PARTITION_NODE_FLAGS ?? '').split(' ').filter(Boolean);

function child(args: string[]): ChildProcess {
  return spawn(process.execPath, [...NODE_FLAGS, BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
const exited = (c: ChildProcess) => new Promise((r) => (c.exitCode === null ? c.once('exit', r) : r(null)));

async function resetStreams(): Promise<void> {
  for (const name of STREAM_NAMES) await bus.jsm.streams.delete(name).catch(() => false);
  await bus.jsm.streams.delete('OBJ_tickflow_checkpoints').catch(() => false);
  await bus.ensureStreams();
}

/** Ticks/s of an ordered consumer doing nothing, over `filter`, up to `count` ticks. */
async function rawRead(filter: string, count: number): Promise<number> {
  let seen = 0;
  let done!: () => void;
  const all = new Promise<void>((r) => {
    done = r;
  });
  const started = performance.now();
  const c = await consumeFrom(
    bus,
    'TICKS',
    1,
    () => {
      if (++seen === count) done();
    },
    () => {},
    { filterSubject: filter },
  );
  await all;
  const perSecond = count / ((performance.now() - started) / 1000);
  await c.stop();
  return perSecond;
}

/** CPU seconds (user + system) a process has used: /proc/<pid>/stat, in 1/100 s (CLK_TCK). */
function cpuSeconds(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

async function ticksCounted(port: number): Promise<number> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const m = /^tickflow_signals_ticks_total(?:\{[^}]*\})? (\d+)/m.exec(text);
    return m ? Number(m[1]) : 0;
  } catch {
    return 0; // not listening yet
  }
}

/**
 * `n` signals processes reading the `stored` ticks from the start, together: ticks/s over the wall
 * time from the first tick any of them counted to the last one done, and the sum of each one's own
 * rate (its ticks over its own first-to-done window: what they add when their windows overlap).
 */
async function intake(
  n: number,
  run: number,
  stored: number,
  /** Only this partition's instance, alone (`stored` is then its share). */
  only?: number,
): Promise<{ wall: number; summed: number; cpu: number; serverCpu: number }> {
  const serverCpuBefore = cpuSeconds(server.process.pid);
  await bus.jsm.streams.purge('DECISIONS');
  const indexes = only === undefined ? Array.from({ length: n }, (_, i) => i) : [only];
  const ports = await Promise.all(indexes.map(() => freePort()));
  const procs = ports.map((port, k) =>
    child([
      'signals',
      '--port',
      String(port),
      '--partition',
      `${indexes[k]}/${n}`,
      '--durable',
      `bench-${run}-${n}-${indexes[k]}-${only ?? 'all'}`,
    ]),
  );
  const first = ports.map(() => 0);
  const last = ports.map(() => 0);
  const counts = ports.map(() => 0);
  const deadline = performance.now() + 120_000;
  let previous = -1;
  for (;;) {
    await sleep(50);
    const now = performance.now();
    const seen = await Promise.all(ports.map(ticksCounted));
    seen.forEach((c, i) => {
      if (c > 0 && first[i] === 0) first[i] = now;
      if (c > (counts[i] ?? 0)) last[i] = now;
      counts[i] = c;
    });
    const total = seen.reduce((a, b) => a + b, 0);
    if (total >= stored && total === previous) break; // done, and nothing more came in 50 ms
    previous = total;
    if (now > deadline) throw new Error(`${n} signals counted ${total} of ${stored} ticks in 120 s`);
  }
  const wall = stored / ((Math.max(...last) - Math.min(...first)) / 1000);
  const summed = counts.reduce((sum, c, i) => sum + c / (((last[i] ?? 0) - (first[i] ?? 0)) / 1000), 0);
  // CPU the readers used for the whole run (start-up included, the same for both layouts).
  const cpu = procs.reduce((sum, p) => sum + cpuSeconds(p.pid), 0);
  const serverCpu = cpuSeconds(server.process.pid) - serverCpuBefore;
  for (const p of procs) p.kill('SIGTERM');
  await Promise.all(procs.map(exited));
  return { wall, summed, cpu, serverCpu };
}

async function latency(rate: number, partitions: number) {
  await resetStreams();
  const procs = Array.from({ length: partitions }, async (_, i) =>
    child([
      'signals',
      '--port',
      String(await freePort()),
      '--partition',
      `${i}/${partitions}`,
      '--durable',
      `lat-${i}`,
    ]),
  );
  const signals = await Promise.all(procs);
  await sleep(2000);
  const monitor = new PipelineMonitor(bus, { followTicks: false });
  const feed = child([
    'feed',
    '--port',
    '0',
    '--rate',
    String(rate),
    '--symbols',
    '50',
    '--duration',
    String(SECONDS),
    '--partitions',
    String(partitions),
  ]);
  const feedCpu = new Promise<number>((resolve) => {
    // Read just before it exits: poll while it runs.
    let last = 0;
    const timer = setInterval(() => {
      const c = cpuSeconds(feed.pid);
      if (Number.isFinite(c)) last = c;
    }, 200);
    feed.once('exit', () => {
      clearInterval(timer);
      resolve(last);
    });
  });
  await exited(feed);
  await sleep(500);
  monitor.close();
  const cpu = signals.reduce((sum, s) => sum + cpuSeconds(s.pid), 0);
  for (const s of signals) s.kill('SIGTERM');
  await Promise.all(signals.map(exited));
  return { ...monitor.latency(true), cpu, feedCpu: await feedCpu };
}

const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

// Intake: the same stored ticks, one reader against two.
if (PARTS.includes('intake')) await intakeTable();

async function intakeTable(): Promise<void> {
  await resetStreams();
  // Exchange times from an hour ago, 100× faster than the wall clock: none in the future.
  const start = new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const feed = child([
    'feed',
    '--port',
    '0',
    '--pace',
    'afap',
    '--count',
    String(N),
    '--symbols',
    '50',
    '--partitions',
    '2',
    '--start',
    start,
    '--time-scale',
    '100',
  ]);
  await exited(feed);
  const stored = (await bus.jsm.streams.info('TICKS')).state.messages;
  const inP0 = (
    await bus.jsm.streams.info('TICKS', { subjects_filter: subjects.ticksOf({ index: 0, count: 2 }) })
  ).state.subjects;
  const p0 = Object.values(inP0 ?? {}).reduce((a, b) => a + b, 0);
  console.error(`bench: ${fmt(stored)} ticks stored, ${fmt(p0)} in partition 0/2; load ${load()}`);
  const raw: number[] = [];
  const rawP0: number[] = [];
  const one: number[] = [];
  const two: number[] = [];
  const twoSummed: number[] = [];
  const rawPair: number[] = [];
  const cpuOne: number[] = [];
  const cpuTwo: number[] = [];
  const projected: number[] = [];
  const serverOne: number[] = [];
  const serverTwo: number[] = [];
  for (let run = 0; run < REPEAT; run++) {
    raw.push(await rawRead(subjects.allTicks, stored));
    rawP0.push(await rawRead(subjects.ticksOf({ index: 0, count: 2 }), p0));
    // Both partitions' filtered reads at once: the server scans the stream for each.
    const pairStarted = performance.now();
    await Promise.all([
      rawRead(subjects.ticksOf({ index: 0, count: 2 }), p0),
      rawRead(subjects.ticksOf({ index: 1, count: 2 }), stored - p0),
    ]);
    rawPair.push(stored / ((performance.now() - pairStarted) / 1000));
    const alone = await intake(1, run, stored);
    one.push(alone.wall);
    cpuOne.push(alone.cpu);
    serverOne.push(alone.serverCpu);
    const both = await intake(2, run, stored);
    two.push(both.wall);
    twoSummed.push(both.summed);
    cpuTwo.push(both.cpu);
    serverTwo.push(both.serverCpu);
    // Each partition's instance alone, one after the other: what two would do with a core each.
    const soloP0 = await intake(2, run, p0, 0);
    const soloP1 = await intake(2, run, stored - p0, 1);
    projected.push(stored / Math.max(p0 / soloP0.wall, (stored - p0) / soloP1.wall));
    console.error(
      `bench: run ${run + 1}: raw ${fmt(raw.at(-1) ?? 0)}/s, raw p0/2 ${fmt(rawP0.at(-1) ?? 0)}/s, raw both ${fmt(rawPair.at(-1) ?? 0)}/s, one signals ${fmt(one.at(-1) ?? 0)}/s, two ${fmt(two.at(-1) ?? 0)}/s (own windows summed ${fmt(twoSummed.at(-1) ?? 0)}/s, each alone projected ${fmt(projected.at(-1) ?? 0)}/s); load ${load()}`,
    );
  }
  const list = (xs: number[]) => xs.map(fmt).join(' · ');
  console.log(`| reader (${fmt(stored)} stored ticks, 50 symbols) | ticks/s, median of ${REPEAT} | runs |`);
  console.log('|---|---|---|');
  console.log(`| raw ordered read, every tick (no work) | ${fmt(median(raw))} | ${list(raw)} |`);
  console.log(`| raw ordered read, partition 0/2's subjects | ${fmt(median(rawP0))} | ${list(rawP0)} |`);
  console.log(
    `| raw ordered reads of 0/2 and 1/2 at once (every tick) | ${fmt(median(rawPair))} | ${list(rawPair)} |`,
  );
  console.log(`| one signals (0/1) | ${fmt(median(one))} | ${list(one)} |`);
  console.log(`| two signals (0/2 + 1/2), first tick to last done | ${fmt(median(two))} | ${list(two)} |`);
  console.log(`| two signals, each one's own rate summed | ${fmt(median(twoSummed))} | ${list(twoSummed)} |`);
  console.log(
    `| each partition's signals alone, one after the other: stored / the slower one's time | ${fmt(median(projected))} | ${list(projected)} |`,
  );
  const secs = (xs: number[]) => `${median(xs).toFixed(1)} s (${xs.map((x) => x.toFixed(1)).join(' · ')})`;
  console.log(
    `CPU, whole run, median: one signals ${secs(cpuOne)}, nats-server ${secs(serverOne)}; two signals together ${secs(cpuTwo)}, nats-server ${secs(serverTwo)}`,
  );
  console.log(
    `each alone, projected on a core each / one: ${(median(projected) / median(one)).toFixed(2)}× (per run: ${projected.map((t, i) => (t / (one[i] ?? 1)).toFixed(2)).join(', ')})`,
  );
  console.log(
    `two / one: ${(median(two) / median(one)).toFixed(2)}× (per run: ${two.map((t, i) => (t / (one[i] ?? 1)).toFixed(2)).join(', ')})\n`,
  );
}

// Latency at increasing rates: one signals (plain subjects) against two partitions.
if (PARTS.includes('latency')) await latencyTable();

async function latencyTable(): Promise<void> {
  const ms = (x: number | undefined) => (x === undefined ? 'n/a' : `${x.toFixed(1)}`);
  const rows: string[] = [];
  for (const rate of RATES) {
    const cells: string[] = [];
    for (const partitions of [1, 2]) {
      const l = await latency(rate, partitions);
      cells.push(`${ms(l.p50)} / ${ms(l.p99)} (n ${fmt(l.n)})`);
      console.error(
        `bench: ${fmt(rate)}/s, ${partitions} signals: ${cells.at(-1)}; CPU signals ${l.cpu.toFixed(1)} s, feed ${l.feedCpu.toFixed(1)} s; load ${load()}`,
      );
    }
    rows.push(`| ${fmt(rate)} | ${cells.join(' | ')} |`);
  }
  console.log('| feed rate, ticks/s | one signals: p50 / p99 ms | two partitions: p50 / p99 ms |');
  console.log('|---|---|---|');
  console.log(rows.join('\n'));
}
await bus.drain();
await server.stop();
rmSync(dir, { recursive: true, force: true });
