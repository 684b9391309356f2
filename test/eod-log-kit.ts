import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Bus, encode, subjects } from '@tickflow/bus';
import type { Tick } from '@tickflow/core';
import {
  type EodResult,
  eodSpec,
  LOG_STREAMS,
  logPositionFile,
  readPosition,
  runEod,
} from '@tickflow/eod/internal';
import { createLogger, resolveConfig } from '@tickflow/runtime';
import { waitFor } from './nats-harness.ts';
import { spawnTickflow, type TickflowProcess } from './tickflow-process.ts';

/**
 * Stores ticks 1..n of synth:AAA on `date` from 13:30 UTC, `stepUs` apart, by core publishes (the
 * stream stores them, fast), and waits until TICKS holds all `n`.
 */
export async function storeTickBacklog(
  bus: Bus,
  o: { date: string; n: number; stepUs: number; flushEvery: number; timeoutMs?: number },
): Promise<void> {
  const t0 = Date.parse(`${o.date}T13:30:00Z`) * 1000;
  await bus.ensureStreams();
  for (let i = 1; i <= o.n; i++) {
    const t: Tick = {
      v: 1,
      venue: 'synth',
      symbol: 'AAA',
      seq: i,
      ts: t0 + i * o.stepUs,
      price: (100 + (i % 50) / 10).toFixed(1),
      size: '1',
      recvTs: t0 + i * o.stepUs + 10,
    };
    bus.nc.publish(subjects.tick(t.venue, t.symbol), encode(t));
    if (i % o.flushEvery === 0) await bus.nc.flush();
  }
  await waitFor(
    'the ticks stored',
    async () => (await bus.jsm.streams.info('TICKS')).state.messages === o.n,
    o.timeoutMs,
  );
}

/** Runs `tickflow eod archive` into `logDir` (segments closed after 1 s idle, any free port). */
export function spawnArchiver(
  natsUrl: string,
  logDir: string,
  opts: { capture?: boolean; fileSizeLimitKiB?: number } = {},
): TickflowProcess {
  return spawnTickflow(
    ['eod', 'archive', '--log-level', 'warn'],
    {
      HOME: process.env.HOME ?? '',
      NATS_URL: natsUrl,
      TICKFLOW_EOD_LOG_DIR: logDir,
      TICKFLOW_EOD_IDLE_CLOSE_SECONDS: '1',
      TICKFLOW_EOD_ARCHIVE_PORT: '0',
    },
    opts,
  );
}

/** True when the log's position of every logged stream has reached the stream's last sequence. */
export async function archiverCaughtUp(bus: Bus, logDir: string): Promise<boolean> {
  for (const s of LOG_STREAMS) {
    const last = (await bus.jsm.streams.info(s)).state.last_seq;
    if (readPosition(logPositionFile(logDir, s)) < last) return false;
  }
  return true;
}

/**
 * Stream sequences of the whole tick lines in a date's segments: an open segment or a failed write
 * can end in a partial line, which is left out; so is the CSV header.
 */
export function tickSeqsOnDisk(logDir: string, date: string): number[] {
  const dir = join(logDir, 'TICKS', date);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) => {
    const text = readFileSync(join(dir, f), 'utf8');
    return text
      .slice(0, text.lastIndexOf('\n') + 1)
      .split('\n')
      .filter((l) => /^\d+,/.test(l))
      .map((l) => Number(l.slice(0, l.indexOf(','))));
  });
}

/** `eod run --from-log` with these config values (the date, the log and data directories), logging nothing. */
export function runEodFromLog(natsUrl: string, values: Record<string, unknown>): Promise<EodResult> {
  return runEod(
    resolveConfig(eodSpec, { fromLog: true, ...values }, { NATS_URL: natsUrl }),
    createLogger('test', 'silent'),
  );
}
