/**
 * `npm run bench`: each figure next to its raw baseline measured in the same run, with peak RSS.
 * A benchmark, not a test: it prints numbers and asserts nothing. Medians of `RUNS` runs, since
 * this machine has two noisy cores. Results and the command go to docs/BENCHMARKS.md by hand.
 */
import { createReadStream, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  Bus,
  DurablePublisher,
  decode,
  encode,
  readStream,
  startNatsServer,
  subjects,
  tickMsgId,
} from '@tickflow/bus';
import { type Tick, validateTick } from '@tickflow/core';
import { feedSpec, startFeed } from '@tickflow/feed';
import { EMA, RollingStdDev, RSI, SMA } from '@tickflow/indicators';
import { createLogger, resolveConfig } from '@tickflow/runtime';
import { signalsSpec, startSignals } from '@tickflow/signals';
import type { MsgHdrs } from 'nats';
import * as ts from 'trading-signals';
import { measureArchive, measureEod } from '../services/eod/bench/eod.ts';
import { describeGrid, measureGrid } from './backtest-grid.ts';
import { describeReplay, measureReplay, replayRate } from './backtest-replay.ts';
import { feedShapedTicks, type ShapedTick } from './feed-shaped.ts';
import { type LatencyRow, latencyRounds } from './latency.ts';
import { measureRest } from './rest.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const N = Number(process.env.BENCH_TICKS ?? 100_000);
const FEED_N = Number(process.env.BENCH_FEED_TICKS ?? 1_000_000);
const REPLAY_N = Number(process.env.BENCH_REPLAY_ROWS ?? 500_000);
const SIGNALS_N = Number(process.env.BENCH_SIGNALS_TICKS ?? 500_000);
const EOD_N = Number(process.env.BENCH_EOD_TICKS ?? 10_000_000);
/** The larger day, to show the close's time linear and its memory flat (0 skips it). */
const EOD_LARGE_N = Number(process.env.BENCH_EOD_LARGE_TICKS ?? 50_000_000);
/** Disk a day of the bench's log, DuckDB file and archive takes, per tick (measured: ~180 B at 10 M). */
const EOD_DISK_BYTES_PER_TICK = 250;
const GRID_N = Number(process.env.BENCH_GRID_TICKS ?? 1_000_000);
const BACKTEST_REPLAY_N = Number(process.env.BENCH_REPLAY_TICKS ?? 3_000_000);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const rssMiB = () => Math.round(process.memoryUsage().rss / 2 ** 20);
let peakRss = 0;
const track = () => {
  peakRss = Math.max(peakRss, rssMiB());
};

function tick(i: number): Tick {
  return {
    v: 1,
    venue: 'bench',
    symbol: `S${i % 50}`,
    seq: Math.floor(i / 50) + 1,
    ts: 1_770_000_000_000_000 + i,
    price: (100 + (i % 1000) / 100).toFixed(2),
    size: '1.250',
    recvTs: 1_770_000_000_000_000 + i,
  };
}

async function timed(fn: () => Promise<number> | number): Promise<number> {
  const start = performance.now();
  const n = await fn();
  track();
  return n / ((performance.now() - start) / 1000);
}

/**
 * Messages in TICKS. Under a flood of core publishes the server answers JetStream API requests
 * late (seconds, on a slow day here): a request that times out is asked again, not a failed bench.
 */
/** Where a long bench is, on stderr (the table comes at the end, on stdout). */
const progress = (section: string) =>
  console.error(`bench: ${new Date().toISOString().slice(11, 19)} ${section}`);

async function storedTicks(bus: Bus): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      return (await bus.jsm.streams.info('TICKS')).state.messages;
    } catch (err) {
      if (attempt >= 10 || (err as { code?: string }).code !== 'TIMEOUT') throw err;
    }
  }
}

async function main(): Promise<void> {
  Error.stackTraceLimit = 0; // as in the feed process (see DESIGN.md pitfalls)
  const dir = mkdtempSync(join(tmpdir(), 'tickflow-bench-'));
  const server = await startNatsServer({ storeDir: join(dir, 'nats') });
  const bus = await Bus.connect({ url: server.url, name: 'bench' });
  await bus.ensureStreams();
  const payloads = Array.from({ length: N }, (_, i) => tick(i));
  const rows: [string, string, string][] = [];
  try {
    progress('core NATS pub/sub');
    // Raw: core NATS publish → subscriber in the same process (no JetStream).
    const core: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      core.push(
        await timed(async () => {
          let got = 0;
          const done = new Promise<void>((resolve) => {
            const off = bus.subscribe(`bench.core.${r}`, () => {
              if (++got === N) {
                off();
                resolve();
              }
            });
          });
          await bus.flush();
          for (const t of payloads) bus.nc.publish(`bench.core.${r}`, encode(t));
          await done;
          return N;
        }),
      );
    }
    progress('JetStream durable publisher');
    // The per-message JetStream publisher signals and the bot use (≤ 1,000 awaiting PubAck).
    const durable: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      durable.push(
        await timed(async () => {
          const publisher = new DurablePublisher(bus.js, { maxInFlight: 1000 });
          for (const t of payloads) {
            const venue = `bench${r}`;
            await publisher.publish(
              subjects.tick(venue, t.symbol),
              { ...t, venue },
              tickMsgId(venue, t.symbol, t.seq),
            );
          }
          await publisher.settle();
          return N;
        }),
      );
    }
    progress('feed synthetic → TICKS, raw stored publishes');
    // Feed end to end: synthetic (as fast as possible) → pipeline → ConfirmingPublisher → TICKS,
    // timed until the stream confirmed the last tick; next to core publishes of the same encoded
    // ticks without headers, timed until the stream stored them all (no confirmation at all).
    const feedRates: number[] = [];
    const rawStored: number[] = [];
    const rawWithIds: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const venue = `feedbench${r}`;
      const before = await storedTicks(bus);
      const feed = await startFeed(
        resolveConfig(
          feedSpec,
          {
            port: '0',
            venue,
            count: String(FEED_N),
            pace: 'afap',
            symbols: '50',
            start: '2026-01-05T14:30:00Z',
            timeScale: '1000',
            spikePct: '0',
          },
          { NATS_URL: server.url },
        ),
        createLogger('bench', 'warn'),
      );
      const stats = await feed.done;
      // From the first tick to the stream's confirmation of the last (start-up excluded).
      feedRates.push(
        stats.published /
          (((stats.finishedAt ?? Date.now()) - (stats.firstEventsAt ?? stats.startedAt)) / 1000),
      );
      await feed.close();
      track();
      const stored = (await storedTicks(bus)) - before;
      if (stored !== FEED_N) throw new Error(`ledger: published ${FEED_N}, TICKS holds ${stored} new`);

      // 10,000 of the feed's own kind of ticks cycled (feed-shaped.ts): the stream stores every
      // copy (no msg ids), memory stays small.
      const shaped = feedShapedTicks(`rawbench${r}`);
      const base = await storedTicks(bus);
      rawStored.push(
        await timed(async () => {
          for (let i = 0; i < FEED_N; i++) {
            const t = shaped[i % 10_000] as ShapedTick;
            bus.nc.publish(t.subject, t.data);
            if (i % 10_000 === 0) await new Promise((res) => setImmediate(res));
          }
          while ((await storedTicks(bus)) - base < FEED_N) {
            await new Promise((res) => setTimeout(res, 5));
          }
          return FEED_N;
        }),
      );
      // The same core publishes each carrying a unique `Nats-Msg-Id` (pre-encoded, as the feed
      // sends them), no confirmation: the ceiling of any design that keeps an id on every tick,
      // since the server then tracks each id for the duplicate window. Same sizes as the feed's.
      const ceiling = feedShapedTicks(`ceilbench${r}`);
      const idBase = await storedTicks(bus);
      rawWithIds.push(
        await timed(async () => {
          for (let i = 0; i < FEED_N; i++) {
            const t = ceiling[i % 10_000] as ShapedTick;
            const id = Buffer.from(`NATS/1.0\r\nNats-Msg-Id: ${t.idPrefix}${i + 1}\r\n\r\n`, 'latin1');
            bus.nc.publish(t.subject, t.data, {
              // Only encode() is called on headers during a publish (see msg-id-header.ts).
              headers: { encode: () => id } as unknown as MsgHdrs,
            });
            if (i % 10_000 === 0) await new Promise((res) => setImmediate(res));
          }
          while ((await storedTicks(bus)) - idBase < FEED_N) {
            await new Promise((res) => setTimeout(res, 5));
          }
          return FEED_N;
        }),
      );
    }
    rows.push([
      'feed synthetic → TICKS, confirmed (ticks/s)',
      Math.round(median(feedRates)).toLocaleString('en-US'),
      `raw core publish stored by the stream ${Math.round(median(rawStored)).toLocaleString('en-US')} (${((median(feedRates) / median(rawStored)) * 100).toFixed(0)} %)`,
    ]);
    rows.push([
      'core publishes with a Nats-Msg-Id each, stored, unconfirmed (ticks/s)',
      Math.round(median(rawWithIds)).toLocaleString('en-US'),
      `${((median(rawWithIds) / median(rawStored)) * 100).toFixed(0)} % of raw; the feed reaches ${((median(feedRates) / median(rawWithIds)) * 100).toFixed(0)} % of this`,
    ]);
    progress('feed replay');
    // Replay: a CSV file → feed → TICKS at --speed 0, next to reading the same file's lines raw.
    const csv = join(dir, 'replay.csv');
    const lines = ['ts,symbol,price,size,side,trade_id'];
    for (let i = 0; i < REPLAY_N; i++) {
      lines.push(
        `${1_770_000_000_000_000 + i * 1000},S${i % 20}-USD,${(100 + (i % 500) / 100).toFixed(2)},0.5,buy,${i}`,
      );
    }
    writeFileSync(csv, `${lines.join('\n')}\n`);
    const replayRates: number[] = [];
    const readRates: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      readRates.push(
        await timed(async () => {
          let n = 0;
          for await (const _ of createInterface({ input: createReadStream(csv) })) n++;
          return n - 1;
        }),
      );
      const feed = await startFeed(
        resolveConfig(
          feedSpec,
          { port: '0', source: 'replay', file: csv, speed: '0', venue: `replay${r}`, spikePct: '0' },
          { NATS_URL: server.url },
        ),
        createLogger('bench', 'warn'),
      );
      const stats = await feed.done;
      await feed.close();
      if (stats.published !== REPLAY_N) throw new Error(`replay published ${stats.published} of ${REPLAY_N}`);
      replayRates.push(
        stats.published /
          (((stats.finishedAt ?? Date.now()) - (stats.firstEventsAt ?? stats.startedAt)) / 1000),
      );
      track();
    }
    rows.push([
      'feed replay CSV → TICKS, confirmed (ticks/s)',
      Math.round(median(replayRates)).toLocaleString('en-US'),
      `raw readline of the same file ${Math.round(median(readRates)).toLocaleString('en-US')} lines/s`,
    ]);
    rows.push([
      'per-message awaited-window publish (ticks/s)',
      Math.round(median(durable)).toLocaleString('en-US'),
      `raw core pub→sub ${Math.round(median(core)).toLocaleString('en-US')} (${((median(durable) / median(core)) * 100).toFixed(0)} %)`,
    ]);

    progress('codec');
    // JSON codec + validation (what every consumer does per tick) vs bare JSON.parse.
    const encoded = payloads.map((t) => encode(t));
    const parseOnly: number[] = [];
    const decodeValidate: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const text = new TextDecoder();
      parseOnly.push(
        await timed(() => encoded.reduce((n, b) => n + (JSON.parse(text.decode(b)) ? 1 : 0), 0)),
      );
      decodeValidate.push(
        await timed(() =>
          encoded.reduce(
            (n, b) => n + (validateTick(decode(b), { now: Number.MAX_SAFE_INTEGER }).ok ? 1 : 0),
            0,
          ),
        ),
      );
    }
    rows.push([
      'decode + validateTick (ticks/s)',
      Math.round(median(decodeValidate)).toLocaleString('en-US'),
      `raw JSON.parse ${Math.round(median(parseOnly)).toLocaleString('en-US')}`,
    ]);

    progress('signals consumption, eod archive');
    // Signals: consume a TICKS stream of SIGNALS_N ticks (50 symbols) with every update and
    // decision, timed until the durable consumer's backlog is 0; next to an ordered read of the
    // same stream (no processing, no acks). A separate broker, so only these ticks are in it.
    const consumeRates: number[] = [];
    const runningRates: number[] = [];
    const startupMs: number[] = [];
    const archiveRates: number[] = [];
    const readRates2: number[] = [];
    const sdir = join(dir, 'signals');
    const sserver = await startNatsServer({ storeDir: sdir });
    try {
      const feed = await startFeed(
        resolveConfig(
          feedSpec,
          {
            port: '0',
            count: String(SIGNALS_N),
            pace: 'afap',
            symbols: '50',
            start: '2026-01-05T14:30:00Z',
            timeScale: '1000',
            spikePct: '0',
          },
          { NATS_URL: sserver.url },
        ),
        createLogger('bench', 'warn'),
      );
      await feed.done;
      await feed.close();
      const sbus = await Bus.connect({ url: sserver.url, name: 'bench-signals' });
      for (let r = 0; r < RUNS; r++) {
        readRates2.push(
          await timed(async () => (await readStream(sbus.js, sbus.jsm, 'TICKS', () => {})).count),
        );
        const durable = `bench-signals-${r}`;
        const started = performance.now();
        const signals = await startSignals(
          resolveConfig(signalsSpec, { port: '0', durable }, { NATS_URL: sserver.url }),
          createLogger('bench', 'warn'),
        );
        let firstAt = 0;
        let firstApplied = 0;
        while (signals.service.lastApplied < SIGNALS_N) {
          if (!firstAt && signals.service.lastApplied > 0) {
            firstAt = performance.now();
            firstApplied = signals.service.lastApplied;
          }
          await new Promise((res) => setTimeout(res, 5));
        }
        const end = performance.now();
        consumeRates.push(SIGNALS_N / ((end - started) / 1000));
        // From the first tick applied (seen within 5 ms): the rate once running, start-up apart.
        if (firstAt) runningRates.push((SIGNALS_N - firstApplied) / ((end - firstAt) / 1000));
        startupMs.push((firstAt || end) - started);
        await signals.close();
        track();
      }
      await sbus.drain();
      // The day log's writer on the same stream: it must keep up with the feed.
      for (let r = 0; r < RUNS; r++) archiveRates.push(await measureArchive(sserver.url, SIGNALS_N));
      track();
    } finally {
      await sserver.stop();
    }
    rows.push([
      'signals consumption, all updates + decisions (ticks/s)',
      Math.round(median(consumeRates)).toLocaleString('en-US'),
      `raw ordered read of the same stream ${Math.round(median(readRates2)).toLocaleString('en-US')} (${((median(consumeRates) / median(readRates2)) * 100).toFixed(0)} %); timed from the start, start-up included`,
    ]);
    rows.push([
      'signals consumption once running (ticks/s)',
      Math.round(median(runningRates)).toLocaleString('en-US'),
      `${((median(runningRates) / median(readRates2)) * 100).toFixed(0)} % of the raw ordered read; start-up to the first tick applied ${Math.round(median(startupMs))} ms (settles DECISIONS 1 s: a predecessor's last decisions may still be landing)`,
    ]);
    rows.push([
      'eod archive: TICKS → fsynced day log (ticks/s)',
      Math.round(median(archiveRates)).toLocaleString('en-US'),
      `raw ordered read of the same stream ${Math.round(median(readRates2)).toLocaleString('en-US')}; the feed's target 150,000`,
    ]);

    progress('indicators');
    // SMA20 update vs a bare loop summing the same prices (the floor of any O(1) indicator).
    const prices = Float64Array.from({ length: 2_000_000 }, (_, i) => 100 + Math.sin(i / 100));
    const sma: number[] = [];
    const loop: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      loop.push(
        await timed(() => {
          let s = 0;
          for (const p of prices) s += p;
          return s > 0 ? prices.length : 0;
        }),
      );
      sma.push(
        await timed(() => {
          const ind = new SMA(20);
          for (const p of prices) ind.update(p);
          return prices.length;
        }),
      );
    }
    rows.push([
      'SMA20 update (prices/s)',
      Math.round(median(sma)).toLocaleString('en-US'),
      `raw summing loop ${Math.round(median(loop)).toLocaleString('en-US')}`,
    ]);

    // The indicator bundle DESIGN names (SMA20 + EMA20 + stddev20 + RSI14), ours next to
    // trading-signals on the same prices (its stddev comes with BollingerBands(20)).
    const walk = Float64Array.from(
      { length: 1_000_000 },
      (_, i) => 100 * Math.exp(0.01 * Math.sin(i / 50) + (i % 7) * 1e-4),
    );
    const oursBundle: number[] = [];
    const theirs: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      oursBundle.push(
        await timed(() => {
          const a = new SMA(20);
          const b = new EMA(20);
          const c = new RollingStdDev(20);
          const d = new RSI(14);
          for (const p of walk) {
            a.update(p);
            b.update(p);
            c.update(p);
            d.update(p);
          }
          return walk.length;
        }),
      );
      theirs.push(
        await timed(() => {
          const a = new ts.SMA(20);
          const b = new ts.EMA(20);
          const c = new ts.BollingerBands(20);
          const d = new ts.RSI(14);
          for (const p of walk) {
            a.add(p);
            b.add(p);
            c.add(p);
            d.add(p);
          }
          return walk.length;
        }),
      );
    }
    rows.push([
      'indicator bundle SMA20+EMA20+stddev20+RSI14 (prices/s)',
      Math.round(median(oursBundle)).toLocaleString('en-US'),
      `trading-signals 8.3 same inputs ${Math.round(median(theirs)).toLocaleString('en-US')} (${(median(oursBundle) / median(theirs)).toFixed(1)}×)`,
    ]);
  } finally {
    await bus.drain();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  // Tick → decision latency (separate processes; the measuring one is fresh, see latency.ts), next
  // to the raw core round trip at the same rate
  // and to the stage's floor: null-signals.ts reading TICKS the same way and doing no work. A p99
  // from ~2,000 decisions moves by 2× between runs here, so 10,000/s takes 3 rounds (medians).
  const ms = (x: number | undefined) => (x === undefined ? 'n/a' : `${x.toFixed(2)} ms`);
  const p99s = (ls: LatencyRow[], of: (l: LatencyRow) => LatencyRow['raw']) =>
    median(ls.map((l) => of(l).p99 ?? 0));
  for (const [rate, rounds] of [
    [10_000, 3],
    [50_000, 1],
  ] as const) {
    progress(`tick→decision latency at ${rate}/s, ${rounds} round(s), signals and the floor`);
    const measured = latencyRounds(rate, rounds, ['signals', 'null-jetstream']);
    track();
    const ours = measured.filter((l) => l.stage === 'signals');
    const floor = measured.filter((l) => l.stage === 'null-jetstream');
    const raw = p99s([...ours, ...floor], (l) => l.raw);
    const last = ours[ours.length - 1] as LatencyRow;
    rows.push([
      `tick→decision at ${rate.toLocaleString('en-US')}/s p50 / p99 / p99.9${rounds > 1 ? ` (median of ${rounds})` : ''}`,
      `${ms(median(ours.map((l) => l.pipeline.p50 ?? 0)))} / ${ms(p99s(ours, (l) => l.pipeline))} / ${ms(median(ours.map((l) => l.pipeline.p999 ?? 0)))}`,
      `raw core round trip p99 ${ms(raw)} (ratio ${(p99s(ours, (l) => l.pipeline) / raw).toFixed(1)}×, target ≤ 2×); floor, a no-work consumer of TICKS: p99 ${ms(p99s(floor, (l) => l.pipeline))} (${(p99s(floor, (l) => l.pipeline) / raw).toFixed(1)}×); a core round trip during the last run ${ms(last.during.p50)} / ${ms(last.during.p99)} / ${ms(last.during.p999)}`,
    ]);
  }
  // REST throughput and memory with 5,000 symbols (signals as its own process).
  progress('REST and signals RSS');
  const rest = await measureRest();
  rows.push([
    'GET /v1/signals/:symbol, autocannon 10 connections (req/s)',
    Math.round(rest.signals).toLocaleString('en-US'),
    `bare node:http with the same body ${Math.round(rest.raw).toLocaleString('en-US')} (${((rest.signals / rest.raw) * 100).toFixed(0)} %)`,
  ]);
  rows.push(['signals RSS with 5,000 symbols (MiB)', rest.rss5000.toFixed(0), 'target ≤ 300']);
  // End of day over a synthetic day log of EOD_N ticks (one run: at 10 M it takes minutes).
  progress(`end of day, ${EOD_N} ticks`);
  const eod = await measureEod(EOD_N);
  track();
  const rate = (n: number) => `${(n / 1e6).toFixed(2)} M rows/s`;
  const { loadMs } = eod;
  rows.push([
    `eod run --from-log, ${EOD_N.toLocaleString('en-US')} ticks, end to end (s)`,
    (eod.totalMs / 1000).toFixed(1),
    `target ≤ 10 s; steps ${Object.entries(eod.steps)
      .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}`)
      .join(
        ', ',
      )}; reconciliation ${eod.clean ? 'clean' : 'BREAKS'} (${eod.decisions.toLocaleString('en-US')} decisions, ${eod.fills.toLocaleString('en-US')} fills)`,
  ]);
  rows.push([
    'eod load: day log → DuckDB, committed (ticks/s)',
    `${((EOD_N / loadMs) * 1000).toLocaleString('en-US', { maximumFractionDigits: 0 })}`,
    `target ≥ 1.5 M/s; raw DuckDB, same rows: appender ${rate(eod.raw.appenderRowsPerS)}, read_csv of the log ${rate(eod.raw.readCsvRowsPerS)}, read_json of the same rows ${rate(eod.raw.readJsonRowsPerS)}, read_parquet ${rate(eod.raw.readParquetRowsPerS)}`,
  ]);
  const per10M = (ms: number, n: number) => ((ms / 1000) * (10_000_000 / n)).toFixed(1);
  rows.push([
    `eod run peak RSS, ${EOD_N.toLocaleString('en-US')} ticks (MiB)`,
    String(eod.peakRssMib),
    `budget ${eod.budgetMib} MiB (--memory-budget-mib); ${per10M(eod.totalMs, EOD_N)} s and ${eod.cpuS} CPU-s per 10 M ticks`,
  ]);
  // The larger day, if the disk holds it (the log, the DuckDB file and the archive are written).
  const free = statfsSync(tmpdir());
  const fits = Math.floor((free.bavail * free.bsize * 0.8) / EOD_DISK_BYTES_PER_TICK);
  const largeN = Math.min(EOD_LARGE_N, fits);
  if (EOD_LARGE_N > 0 && largeN > EOD_N) {
    if (largeN < EOD_LARGE_N) progress(`the disk holds ${largeN} ticks of a day, not ${EOD_LARGE_N}`);
    progress(`end of day, ${largeN} ticks`);
    const large = await measureEod(largeN, { raw: false });
    rows.push([
      `eod run --from-log, ${largeN.toLocaleString('en-US')} ticks, peak RSS (MiB)`,
      String(large.peakRssMib),
      `${EOD_N.toLocaleString('en-US')} ticks: ${eod.peakRssMib} MiB; budget ${large.budgetMib} MiB; reconciliation ${large.clean ? 'clean' : 'BREAKS'}`,
    ]);
    rows.push([
      `eod run --from-log, ${largeN.toLocaleString('en-US')} ticks, s per 10 M ticks`,
      per10M(large.totalMs, largeN),
      `${EOD_N.toLocaleString('en-US')} ticks: ${per10M(eod.totalMs, EOD_N)} s per 10 M (total ${(large.totalMs / 1000).toFixed(1)} s, ${large.cpuS} CPU-s against ${eod.cpuS})`,
    ]);
  }
  // One worker's backtest replay from Parquet against DuckDB's read_parquet of the same rows.
  progress(`backtest replay, ${BACKTEST_REPLAY_N} ticks, ${RUNS} round(s)`);
  const replay = await measureReplay({ ticks: BACKTEST_REPLAY_N, runs: RUNS });
  track();
  rows.push([
    `backtest replay from Parquet, ${replay.ticks.toLocaleString('en-US')} ticks, engine + broker (ticks/s)`,
    Math.round(replayRate(replay)).toLocaleString('en-US'),
    describeReplay(replay),
  ]);
  // The backtest grid on worker threads against the same 16 combinations one after another.
  progress(`backtest grid, 16 combinations × ${GRID_N} ticks, ${RUNS} round(s)`);
  const grid = await measureGrid({ ticksPerJob: GRID_N, runs: RUNS });
  track();
  rows.push([
    `backtest --grid, ${grid.combinations} combinations × ${grid.ticksPerJob.toLocaleString('en-US')} ticks, ${grid.workers} threads (s)`,
    (median(grid.gridMs) / 1000).toFixed(2),
    `the same one after another in one thread: ${describeGrid(grid)}`,
  ]);
  const w = Math.max(...rows.map((r) => r[0].length));
  console.log(
    `tickflow bench — median of ${RUNS} runs; feed ${FEED_N.toLocaleString('en-US')} ticks, replay ${REPLAY_N.toLocaleString('en-US')} rows, others ${N.toLocaleString('en-US')}; node ${process.version}`,
  );
  for (const [name, ours, base] of rows)
    console.log(`${name.padEnd(w)}  ${ours.padStart(30)}   baseline: ${base}`);
  console.log(`peak RSS ${peakRss} MiB`);
}

await main();
