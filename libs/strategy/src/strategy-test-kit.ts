import type { Decision, Tick } from '@tickflow/core';
import type { Strategy } from './strategy.ts';

/** Test helpers (not exported from the package): ticks one second apart from 2026-01-01T00:00Z. */
export const T0 = 1_767_225_600_000_000;
export const NOW = 1_767_230_000_000_123;

export const tick = (seq: number, price: string, symbol = 'BTC-USD', venue = 'synth'): Tick => ({
  v: 1,
  venue,
  symbol,
  seq,
  ts: T0 + seq * 1_000_000,
  price,
  size: '1',
  recvTs: T0 + seq * 1_000_000 + 500,
});

/** Feeds prices as seq 1, 2, … and returns every decision. */
export const run = (strategy: Strategy, prices: readonly string[]): Decision[] =>
  prices.flatMap((p, i) => strategy.onTick(tick(i + 1, p), NOW) ?? []);

/** The parts a golden test pins: seq, action, reason. */
export const golden = (ds: Decision[]) => ds.map((d) => [d.tickSeq, d.action, d.reason]);

/** A deterministic wavy price path (no randomness: the tests must be reproducible). */
export function wave(n: number, start = 100): string[] {
  const out: string[] = [];
  let price = start;
  for (let i = 0; i < n; i++) {
    price += Math.sin(i / 7) * 1.3 + Math.cos(i / 3.1) * 0.9 + Math.sin(i / 29) * 0.6;
    out.push(price.toFixed(2));
  }
  return out;
}
