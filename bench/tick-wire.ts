/**
 * `node --import tsx bench/tick-wire.ts`: the tick wire layout's hot paths over 1 M ticks — the
 * feed's JSON encoder, the signals' byte decoder, the archiver's byte scan into a CSV line, and the
 * general CSV line. Prints CPU ns per tick (process.cpuUsage: on a shared machine wall time mostly
 * measures the other processes), the median of `BENCH_RUNS` (default 5) passes after one warm-up.
 * A benchmark, not a test: it asserts nothing.
 */
import { decodeTick, encodeValidTick } from '@tickflow/bus';
import type { Tick } from '@tickflow/core';
import { LineBuffer, scanTickLayout, tickCsvLine, writeScannedTick } from '@tickflow/eod/internal';

const N = Number(process.env.BENCH_WIRE_TICKS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** Feed-like ticks: 50 symbols, prices on a cent grid, two of three with a side. */
function tick(i: number): Tick {
  const side = i % 3 === 0 ? undefined : i % 3 === 1 ? 'buy' : 'sell';
  return {
    v: 1,
    venue: 'synth',
    symbol: i % 7 === 0 ? `S${i % 50}-USD` : `S${i % 50}`,
    seq: Math.floor(i / 50) + 1,
    ts: 1_770_000_000_000_000 + i * 10,
    price: (100 + (i % 10_000) / 100).toFixed(2),
    size: `${(i % 13) + 1}.${i % 1000}`,
    ...(side ? { side } : {}),
    recvTs: 1_770_000_000_000_000 + i * 10 + 7,
  };
}

const ticks = Array.from({ length: N }, (_, i) => tick(i));
const messages = ticks.map((t) => encodeValidTick(t));
let sink = 0;

const cases: Record<string, () => void> = {
  encodeValidTick: () => {
    for (let i = 0; i < N; i++) sink += (encodeValidTick(ticks[i] as Tick) as Uint8Array).length;
  },
  decodeTick: () => {
    for (let i = 0; i < N; i++) sink += (decodeTick(messages[i] as Uint8Array) as Tick).seq;
  },
  'scanTickLayout+writeScannedTick': () => {
    const out = new LineBuffer(4 << 20);
    for (let i = 0; i < N; i++) {
      const m = messages[i] as Uint8Array;
      if (scanTickLayout(m) < 0) throw new Error(`tick ${i} left the fast path`);
      writeScannedTick(out, i + 1, m);
      if (out.length > 3 << 20) {
        sink += out.length;
        out.length = 0;
      }
    }
  },
  tickCsvLine: () => {
    for (let i = 0; i < N; i++) sink += tickCsvLine(i + 1, ticks[i] as Tick).length;
  },
};

const results: Record<string, number[]> = {};
for (const name of Object.keys(cases)) results[name] = [];
for (let run = 0; run <= RUNS; run++)
  for (const [name, fn] of Object.entries(cases)) {
    const start = process.cpuUsage();
    fn();
    const used = process.cpuUsage(start);
    const ns = ((used.user + used.system) * 1000) / N;
    if (run > 0) results[name]?.push(ns);
  }
for (const [name, xs] of Object.entries(results))
  console.log(
    `${name.padEnd(34)} ${median(xs).toFixed(1).padStart(7)} CPU ns/tick  (runs: ${xs.map((x) => x.toFixed(1)).join(', ')})`,
  );
if (sink === 0) console.log('');
