import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@tickflow/core';
import { type ReplayOptions, ReplaySource } from './replay.ts';
import type { RawTrade, SourceEvent } from './types.ts';

/** Helpers shared by the replay tests (not exported from the package). */

/** 2026-11-23T14:30:00Z in epoch µs. */
export const T0 = 1_795_444_200_000_000;
/** The `recvTs` every trade gets from {@link CLOCK}. */
export const RECV_TS = 1_800_000_000_000_000;
export const CLOCK = new ManualClock(RECV_TS);

/** A temp directory for one test file's inputs; `cleanup()` removes it. */
export async function tempDir(): Promise<{ path: (name: string) => string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'tickflow-replay-'));
  return { path: (name) => join(dir, name), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export async function writeLines(file: string, lines: readonly string[] | Buffer): Promise<string> {
  await writeFile(file, Buffer.isBuffer(lines) ? lines : `${lines.join('\n')}\n`);
  return file;
}

/** Runs a replay to the end; events flattened, batches kept for pacing and batching checks. */
export async function replay(
  options: ReplayOptions,
): Promise<{ events: SourceEvent[]; batches: SourceEvent[][]; source: ReplaySource }> {
  const source = new ReplaySource({ clock: CLOCK, speed: 0, ...options });
  const batches: SourceEvent[][] = [];
  for await (const batch of source.batches()) batches.push(batch);
  return { events: batches.flat(), batches, source };
}

export const tradesOf = (events: readonly SourceEvent[]): RawTrade[] =>
  events.flatMap((e) => (e.kind === 'trade' ? [e.trade] : []));

export const invalidsOf = (events: readonly SourceEvent[]) =>
  events.flatMap((e) => (e.kind === 'invalid' ? [e] : []));

/** ISO-8601 UTC with six fraction digits. */
export const isoOf = (us: number): string =>
  `${new Date(Math.floor(us / 1000)).toISOString().slice(0, 19)}.${String(us % 1_000_000).padStart(6, '0')}Z`;
