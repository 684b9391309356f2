/**
 * Writes data/samples/ticks-sample.csv and ticks-sample.ndjson.gz: 2,000 trades in BTC-USD,
 * ETH-USD and AAPL over one hour from 2026-11-23T14:30:00Z (the US equity open). Seeded, so a
 * re-run writes the same files. Run: `npx tsx scripts/make-sample.ts`.
 */
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { SeededRandom } from '../services/feed/src/random.ts';

const ROWS = 2000;
const START_US = Date.UTC(2026, 10, 23, 14, 30) * 1000;
const HOUR_US = 3_600_000_000;
const OUT = new URL('../data/samples/', import.meta.url);

/** Start price, per-trade volatility, mean size, size step (whole shares for AAPL), first trade id. */
const SYMBOLS = [
  { symbol: 'BTC-USD', price: 87_250, vol: 0.0004, meanSize: 0.08, lot: 0.0001, id: 7_140_000_001 },
  { symbol: 'ETH-USD', price: 3_125, vol: 0.0005, meanSize: 1.2, lot: 0.0001, id: 2_180_000_001 },
  { symbol: 'AAPL', price: 236.4, vol: 0.0002, meanSize: 60, lot: 1, id: 45_000_001 },
];

const rng = new SeededRandom(20261123);
const times = Array.from({ length: ROWS }, () => START_US + Math.floor(rng.next() * HOUR_US)).sort(
  (a, b) => a - b,
);

const iso = (us: number): string =>
  `${new Date(Math.floor(us / 1000)).toISOString().slice(0, 19)}.${String(us % 1_000_000).padStart(6, '0')}Z`;

const csv = ['ts,symbol,price,size,side,trade_id'];
const ndjson: string[] = [];
for (const ts of times) {
  const u = rng.next();
  // 45 % BTC-USD, 35 % ETH-USD, 20 % AAPL.
  const s = SYMBOLS[u < 0.45 ? 0 : u < 0.8 ? 1 : 2] as (typeof SYMBOLS)[number];
  s.price *= 1 + s.vol * rng.normal();
  const price = s.price.toFixed(2);
  // Exponential sizes, rounded to the symbol's lot, never zero.
  const size = Math.max(s.lot, Math.round((-Math.log(1 - rng.next()) * s.meanSize) / s.lot) * s.lot).toFixed(
    4,
  );
  const side = rng.next() < 0.5 ? 'buy' : 'sell';
  const tradeId = String(s.id++);
  csv.push(`${iso(ts)},${s.symbol},${price},${size},${side},${tradeId}`);
  ndjson.push(JSON.stringify({ ts, symbol: s.symbol, price, size, side, tradeId }));
}

writeFileSync(new URL('ticks-sample.csv', OUT), `${csv.join('\n')}\n`);
writeFileSync(new URL('ticks-sample.ndjson.gz', OUT), gzipSync(`${ndjson.join('\n')}\n`, { level: 9 }));
console.log(`wrote ${ROWS} rows to ${OUT.pathname}`);
