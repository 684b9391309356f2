import type { ChildProcess } from 'node:child_process';
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

const DATE = '2026-03-05';
const N = 20_000;
/** The archiver's file size limit (ulimit -f, KiB): the TICKS segment outgrows it after ~3,000 lines. */
const LIMIT_KIB = 256;

describe('eod archive whose disk writes fail (real process, file size limit)', () => {
  let nats: TestNats;
  let bus: Bus;
  let logDir: string;
  const children: ChildProcess[] = [];

  /** Runs `tickflow eod archive`, with writes failing (EFBIG) past LIMIT_KIB when `limited`. */
  const startArchiver = (limited: boolean) => {
    const archiver = spawnArchiver(nats.url, logDir, {
      capture: true,
      ...(limited ? { fileSizeLimitKiB: LIMIT_KIB } : {}),
    });
    children.push(archiver.child);
    return archiver;
  };

  beforeAll(async () => {
    nats = await startTestNats();
    logDir = join(nats.dir, 'log');
    bus = await Bus.connect({ url: nats.url, name: 'eod-log-write-failure' });
    await storeTickBacklog(bus, { date: DATE, n: N, stepUs: 100_000, flushEvery: 5_000 });
  });

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await bus?.drain();
    await nats?.stop();
  });

  it('stops with an error, keeps its position behind what it wrote, and a restart loses nothing', async () => {
    const failing = startArchiver(true);
    const code = await Promise.race([
      exitCode(failing.child),
      new Promise((r) => setTimeout(() => r('still running'), 30_000)),
    ]);
    // Still running would mean it took the failed write for a success (a short write, unchecked).
    expect(code).not.toBe('still running');
    expect(code).not.toBe(0);
    expect(failing.output()).toContain('day log write failed');
    expect(failing.output()).toMatch(/EFBIG|too large/i);

    // The position never claims a line that is not on disk.
    const position = readPosition(logPositionFile(logDir, 'TICKS'));
    expect(position).toBeLessThan(N);
    const onDisk = new Set(tickSeqsOnDisk(logDir, DATE));
    for (let s = 1; s <= position; s++)
      if (!onDisk.has(s)) expect.fail(`seq ${s} is before the position but not on disk`);

    const second = startArchiver(false);
    await waitFor('the restarted archiver to catch up', () => archiverCaughtUp(bus, logDir), 30_000);
    second.child.kill('SIGTERM');
    expect(await exitCode(second.child)).toBe(0);

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
