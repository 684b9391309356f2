import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Bus } from '@tickflow/bus';
import { eodArchiveSpec, logPositionFile, readPosition, startLogArchiver } from '@tickflow/eod/internal';
import { createLogger, resolveConfig } from '@tickflow/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiverCaughtUp, runEodFromLog, storeTickBacklog, tickSeqsOnDisk } from './eod-log-kit.ts';
import { startTestNats, type TestNats, waitFor } from './nats-harness.ts';

const DATE = '2026-03-06';
const N = 20_000;
/** Free space left on the small filesystem: the tick log (~1.3 MB) outgrows it after ~4,000 lines. */
const FREE_BYTES = 256 * 1024;

/** Mounts a 4 MiB tmpfs at `dir` (we run as root); false where mounting is not allowed. */
function mountSmallDisk(dir: string): boolean {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Fills the filesystem of `dir` up to `free` bytes left. */
function fill(dir: string, free: number): string {
  const { bavail, bsize } = statfsSync(dir);
  const file = join(dir, 'filler');
  writeFileSync(file, Buffer.alloc(Math.max(0, bavail * bsize - free)));
  return file;
}

const lines: string[] = [];
const log = createLogger('test', 'info', { write: (l: string) => void lines.push(l) });

describe('eod archive on a full disk (a real 4 MiB tmpfs, real nats-server)', () => {
  let nats: TestNats;
  let bus: Bus;
  let disk: string;
  let mounted = false;

  beforeAll(async () => {
    nats = await startTestNats();
    disk = join(nats.dir, 'disk');
    mounted = mountSmallDisk(disk);
    bus = await Bus.connect({ url: nats.url, name: 'eod-log-disk-full' });
    await storeTickBacklog(bus, { date: DATE, n: N, stepUs: 100_000, flushEvery: 5_000 });
  });

  afterAll(async () => {
    await bus?.drain();
    if (mounted) execFileSync('umount', ['-l', disk]);
    await nats?.stop();
  });

  it('says the disk is full, alarms in /healthz and /metrics, loses nothing and resumes by itself', async (ctx) => {
    if (!mounted) ctx.skip(); // mount(8) not permitted here: see the injected-failure test
    const logDir = join(disk, 'log');
    const filler = fill(disk, FREE_BYTES);
    const archiver = await startLogArchiver(
      resolveConfig(
        eodArchiveSpec,
        { logDir, idleCloseSeconds: '1', port: '0', spaceRetryMs: '100' },
        { NATS_URL: nats.url },
      ),
      log,
    );
    const get = async (path: string) => {
      const r = await fetch(`http://127.0.0.1:${archiver.port}${path}`);
      return { status: r.status, body: await r.text() };
    };
    let exited = false;
    void archiver.done.then(
      () => (exited = true),
      () => (exited = true),
    );
    try {
      // Full: a clear error, /healthz degraded, the metrics say so; the archiver keeps running.
      await waitFor('the archiver to find the disk full', () =>
        lines.some((l) => l.includes('day log disk full')),
      );
      const error = JSON.parse(lines.find((l) => l.includes('day log disk full')) as string);
      expect(error).toMatchObject({ level: 50, stream: 'TICKS', err: { code: 'ENOSPC' } });
      const health = await get('/healthz');
      expect(health.status).toBe(200);
      expect(JSON.parse(health.body)).toMatchObject({
        status: 'degraded',
        checks: { TICKS: { ok: false, detail: expect.stringMatching(/disk full since .*ENOSPC/) } },
      });
      const metrics = (await get('/metrics')).body;
      expect(metrics).toMatch(/tickflow_eod_archive_disk_full\{stream="TICKS"[^}]*\} 1/);
      expect(metrics).toMatch(/tickflow_eod_archive_disk_full_total\{stream="TICKS"[^}]*\} [1-9]/);

      // Nothing before the position is missing from the disk, and the position is short of the end.
      const position = readPosition(logPositionFile(logDir, 'TICKS'));
      expect(position).toBeLessThan(N);
      const onDisk = new Set(tickSeqsOnDisk(logDir, DATE));
      for (let s = 1; s <= position; s++)
        if (!onDisk.has(s)) expect.fail(`seq ${s} is before the position but not on disk`);
      await new Promise((r) => setTimeout(r, 500));
      expect(readPosition(logPositionFile(logDir, 'TICKS'))).toBe(position);
      expect(exited).toBe(false);

      // Space returns: the archiver resumes by itself and catches up.
      rmSync(filler);
      await waitFor('the archiver to catch up', () => archiverCaughtUp(bus, logDir));
      expect(lines.some((l) => l.includes('day log has space again'))).toBe(true);
      expect(JSON.parse((await get('/healthz')).body)).toMatchObject({ status: 'ok' });
      expect((await get('/metrics')).body).toMatch(/tickflow_eod_archive_disk_full\{stream="TICKS"[^}]*\} 0/);
      expect(exited).toBe(false);
    } finally {
      await archiver.close();
    }

    // Every tick is in the log, each counted once (what was written past the position is kept once).
    const { report } = await runEodFromLog(nats.url, {
      date: DATE,
      skipBackfill: true,
      logDir,
      dataDir: join(nats.dir, 'eod'),
      reportsDir: join(nats.dir, 'reports'),
      skipArchive: true,
    });
    expect(report.load.ticks).toBe(N);
    expect(report.quality).toMatchObject({ duplicates: 0, missingSeqs: 0 });
  }, 90_000);
});
