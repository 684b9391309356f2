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
const DATE = '2026-03-05';
const N = 20_000;
const T0 = Date.parse(`${DATE}T13:30:00Z`) * 1000;
/** The archiver's file size limit (ulimit -f, KiB): the TICKS segment outgrows it after ~3,000 lines. */
const LIMIT_KIB = 256;

describe('eod archive whose disk writes fail (real process, file size limit)', () => {
  let nats: TestNats;
  let bus: Bus;
  let logDir: string;
  const children: ChildProcess[] = [];

  /** Runs `tickflow eod archive`, with writes failing (EFBIG) past LIMIT_KIB when `limited`. */
  const startArchiver = (limited: boolean) => {
    const cmd = [process.execPath, BIN, 'eod', 'archive', '--log-level', 'warn'];
    const child = spawn(
      'bash',
      ['-c', `${limited ? `ulimit -f ${LIMIT_KIB}; ` : ''}exec "$@"`, 'bash', ...cmd],
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          NATS_URL: nats.url,
          TICKFLOW_EOD_LOG_DIR: logDir,
          TICKFLOW_EOD_IDLE_CLOSE_SECONDS: '1',
          TICKFLOW_EOD_ARCHIVE_PORT: '0',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    children.push(child);
    return { child, output: () => output };
  };
  const exited = (c: ChildProcess) =>
    new Promise<number | null>((r) =>
      c.exitCode !== null ? r(c.exitCode) : c.once('exit', (code) => r(code)),
    );
  const ticksDir = () => join(logDir, 'TICKS', DATE);
  /** Stream sequences of the whole tick lines on disk (a failed write can leave a partial one). */
  const writtenSeqs = () =>
    existsSync(ticksDir())
      ? readdirSync(ticksDir()).flatMap((f) => {
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
    bus = await Bus.connect({ url: nats.url, name: 'eod-log-write-failure' });
    await bus.ensureStreams();
    for (let i = 1; i <= N; i++) {
      const t: Tick = {
        v: 1,
        venue: 'synth',
        symbol: 'AAA',
        seq: i,
        ts: T0 + i * 100_000,
        price: (100 + (i % 50) / 10).toFixed(1),
        size: '1',
        recvTs: T0 + i * 100_000 + 10,
      };
      bus.nc.publish(subjects.tick(t.venue, t.symbol), encode(t));
      if (i % 5_000 === 0) await bus.nc.flush();
    }
    await waitFor('the ticks stored', async () => (await bus.jsm.streams.info('TICKS')).state.messages === N);
  });

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await bus?.drain();
    await nats?.stop();
  });

  it('stops with an error, keeps its position behind what it wrote, and a restart loses nothing', async () => {
    const failing = startArchiver(true);
    const code = await Promise.race([
      exited(failing.child),
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
    const onDisk = new Set(writtenSeqs());
    for (let s = 1; s <= position; s++)
      if (!onDisk.has(s)) expect.fail(`seq ${s} is before the position but not on disk`);

    const second = startArchiver(false);
    await waitFor(
      'the restarted archiver to catch up',
      async () => {
        for (const s of LOG_STREAMS) {
          const last = (await bus.jsm.streams.info(s)).state.last_seq;
          if (readPosition(logPositionFile(logDir, s)) < last) return false;
        }
        return true;
      },
      30_000,
    );
    second.child.kill('SIGTERM');
    expect(await exited(second.child)).toBe(0);

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
