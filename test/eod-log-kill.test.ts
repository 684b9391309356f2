import type { ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Bus } from '@tickflow/bus';
import { logPositionFile, readPosition } from '@tickflow/eod/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  archiverCaughtUp,
  runEodFromLog,
  spawnArchiver,
  storeTickBacklog,
  tickSeqsOnDisk,
} from './eod-log-kit.ts';
import { startTestNats, type TestNats, waitFor } from './nats-harness.ts';
import { exitCode } from './tickflow-process.ts';

const DATE = '2026-03-04';
const N = 300_000;

describe('eod archive killed with SIGKILL mid-stream (real processes)', () => {
  let nats: TestNats;
  let bus: Bus;
  let logDir: string;
  const children: ChildProcess[] = [];

  const startArchiver = () => {
    const { child } = spawnArchiver(nats.url, logDir);
    children.push(child);
    return child;
  };

  beforeAll(async () => {
    nats = await startTestNats();
    logDir = join(nats.dir, 'log');
    bus = await Bus.connect({ url: nats.url, name: 'eod-log-kill' });
    // Published before the archiver starts, so it has a long backlog to be killed in; 50 ms apart,
    // the backlog ends before midnight: one date.
    await storeTickBacklog(bus, { date: DATE, n: N, stepUs: 50_000, flushEvery: 10_000, timeoutMs: 60_000 });
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
    await exitCode(first);
    const beforeRestart = tickSeqsOnDisk(logDir, DATE).length;
    expect(beforeRestart).toBeGreaterThan(0);
    expect(beforeRestart).toBeLessThan(N); // killed mid-stream, not after the end

    const second = startArchiver();
    await waitFor('the restarted archiver to catch up', () => archiverCaughtUp(bus, logDir), 60_000);
    second.kill('SIGTERM');
    expect(await exitCode(second)).toBe(0);

    const seqs = tickSeqsOnDisk(logDir, DATE);
    expect(new Set(seqs).size).toBe(N); // every tick is on disk (some perhaps twice: redelivered)
    expect(seqs.reduce((a, b) => Math.min(a, b))).toBe(1);
    expect(seqs.reduce((a, b) => Math.max(a, b))).toBe(N);
    expect(readdirSync(join(logDir, 'TICKS', DATE)).every((f) => f.endsWith('.csv'))).toBe(true);

    const { report } = await runEodFromLog(nats.url, {
      date: DATE,
      logDir,
      dataDir: nats.dir,
      reportsDir: join(nats.dir, 'reports'),
    });
    expect(report.load.ticks).toBe(N);
    expect(report.quality.duplicates).toBe(0);
    expect(report.quality.missingSeqs).toBe(0);
  });
});
