import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bus, encode, subjects } from '@tickflow/bus';
import type { Tick } from '@tickflow/core';
import { eodSpec, LOG_STREAMS, logPositionFile, readPosition, runEod } from '@tickflow/eod';
import { createLogger, resolveConfig } from '@tickflow/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNats, type TestNats, waitFor } from './nats-harness.ts';

const BIN = fileURLToPath(new URL('../services/cli/bin/tickflow.mjs', import.meta.url));
const DATE = '2026-03-04';
const N = 300_000;
const T0 = Date.parse(`${DATE}T13:30:00Z`) * 1000;

describe('eod archive killed with SIGKILL mid-stream (real processes)', () => {
  let nats: TestNats;
  let bus: Bus;
  let logDir: string;
  const children: ChildProcess[] = [];

  const startArchiver = () => {
    const child = spawn(process.execPath, [BIN, 'eod', 'archive', '--log-level', 'warn'], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NATS_URL: nats.url,
        TICKFLOW_EOD_LOG_DIR: logDir,
        TICKFLOW_EOD_IDLE_CLOSE_SECONDS: '1',
        TICKFLOW_EOD_ARCHIVE_PORT: '0',
      },
      stdio: 'ignore',
    });
    children.push(child);
    return child;
  };
  const exited = (c: ChildProcess) =>
    new Promise((r) => (c.exitCode !== null ? r(c.exitCode) : c.once('exit', r)));
  const ticksDir = () => join(logDir, 'TICKS', DATE);
  const writtenSeqs = () =>
    existsSync(ticksDir())
      ? readdirSync(ticksDir()).flatMap((f) => {
          // Whole lines only: an open segment can end in a partial one. The CSV header is skipped.
          const text = readFileSync(join(ticksDir(), f), 'utf8');
          return text
            .slice(0, text.lastIndexOf('\n') + 1)
            .split('\n')
            .filter((l) => /^\d+,/.test(l))
            .map((l) => Number(l.slice(0, l.indexOf(','))));
        })
      : [];

  beforeAll(async () => {
    nats = await startTestNats();
    logDir = join(nats.dir, 'log');
    bus = await Bus.connect({ url: nats.url, name: 'eod-log-kill' });
    await bus.ensureStreams();
    // Published before the archiver starts, so it has a long backlog to be killed in.
    // Core publishes (the stream stores them): a backlog long enough to kill the archiver in.
    for (let i = 1; i <= N; i++) {
      const t: Tick = {
        v: 1,
        venue: 'synth',
        symbol: 'AAA',
        seq: i,
        ts: T0 + i * 50_000, // the backlog ends before midnight: one date
        price: (100 + (i % 50) / 10).toFixed(1),
        size: '1',
        recvTs: T0 + i * 50_000 + 10,
      };
      bus.nc.publish(subjects.tick(t.venue, t.symbol), encode(t));
      if (i % 10_000 === 0) await bus.nc.flush();
    }
    await waitFor(
      'the backlog stored',
      async () => (await bus.jsm.streams.info('TICKS')).state.messages === N,
      60_000,
    );
  });

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await bus?.drain();
    await nats?.stop();
  });

  it('loses nothing and loads every tick once after a restart', async () => {
    const first = startArchiver();
    // Killed right after its first group commit, found by polling its position file tightly and
    // cheaply: the archiver writes ~300,000 ticks/s and a first commit can cover 100,000-200,000,
    // so a 50 ms poll parsing the segments could let it finish the backlog before the kill.
    const deadline = Date.now() + 30_000;
    while (readPosition(logPositionFile(logDir, 'TICKS')) === 0) {
      if (Date.now() > deadline) throw new Error('timed out waiting for ticks on disk');
      await new Promise((r) => setTimeout(r, 1));
    }
    first.kill('SIGKILL');
    await exited(first);
    const beforeRestart = writtenSeqs().length;
    expect(beforeRestart).toBeGreaterThan(0);
    expect(beforeRestart).toBeLessThan(N); // killed mid-stream, not after the end

    const second = startArchiver();
    await waitFor(
      'the restarted archiver to catch up',
      async () => {
        for (const s of LOG_STREAMS) {
          const last = (await bus.jsm.streams.info(s)).state.last_seq;
          if (readPosition(logPositionFile(logDir, s)) < last) return false;
        }
        return true;
      },
      60_000,
    );
    second.kill('SIGTERM');
    expect(await exited(second)).toBe(0);

    const seqs = writtenSeqs();
    expect(new Set(seqs).size).toBe(N); // every tick is on disk (some perhaps twice: redelivered)
    expect(seqs.reduce((a, b) => Math.min(a, b))).toBe(1);
    expect(seqs.reduce((a, b) => Math.max(a, b))).toBe(N);
    expect(readdirSync(ticksDir()).every((f) => f.endsWith('.csv'))).toBe(true);

    const { report } = await runEod(
      resolveConfig(
        eodSpec,
        { date: DATE, fromLog: true, logDir, dataDir: nats.dir, reportsDir: join(nats.dir, 'reports') },
        { NATS_URL: nats.url },
      ),
      createLogger('test', 'silent'),
    );
    expect(report.load.ticks).toBe(N);
    expect(report.quality.duplicates).toBe(0);
    expect(report.quality.missingSeqs).toBe(0);
  });
});
