import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Bus } from '@tickflow/bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSmallArchive } from './backtest-archive.ts';
import { startTestNats, type TestNats, waitFor } from './nats-harness.ts';
import { exitCode, spawnTickflow, type TickflowProcess } from './tickflow-process.ts';

const DATES = ['2026-04-06', '2026-04-07'];
const GRID = 'fast=2|3,slow=6|12|18';
const PASSWORD = 'queue-pw-0123';

/**
 * `--queue` on a NATS server that wants a user and password: the submitter and `tickflow backtest
 * worker` take the services' NATS options; with no worker the submitter gives up after
 * `--queue-timeout-ms` (exit 3, how many combinations were done) and takes its jobs off the queue.
 */
describe('backtest --queue against an authenticated NATS', () => {
  let nats: TestNats;
  let archiveDir: string;
  let passwordFile: string;
  const workers: TickflowProcess[] = [];

  beforeAll(async () => {
    nats = await startTestNats({
      config: `authorization { users = [ { user: "research", password: "${PASSWORD}" } ] }`,
    });
    archiveDir = await writeSmallArchive(DATES, { perDay: 200, symbols: ['AAA'] });
    passwordFile = join(nats.dir, 'nats-password');
    writeFileSync(passwordFile, `${PASSWORD}\n`);
  });
  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await nats?.stop();
    if (archiveDir) rmSync(dirname(archiveDir), { recursive: true, force: true });
  });

  /** `tickflow backtest --grid … --queue <url>` as a process, with `extra` flags and `env`. */
  const submit = (extra: string[], env: Record<string, string> = {}) => {
    const p = spawnTickflow(
      [
        'backtest',
        '--from',
        DATES[0] as string,
        '--to',
        DATES[1] as string,
        '--grid',
        GRID,
        '--metric',
        'pnl',
        '--archive-dir',
        archiveDir,
        '--db',
        join(nats.dir, 'none.duckdb'),
        '--out',
        join(nats.dir, 'out'),
        '--queue',
        nats.url,
        ...extra,
      ],
      env,
      { capture: true },
    );
    return exitCode(p.child).then((code) => ({ code, output: p.output() }));
  };
  const jobsQueued = async () => {
    const bus = await Bus.connect({
      url: nats.url,
      name: 'test',
      auth: { user: 'research', pass: PASSWORD },
    });
    try {
      return (await bus.jsm.streams.info('BACKTEST_JOBS')).state.messages;
    } finally {
      await bus.drain();
    }
  };

  it('with no worker, gives up after --queue-timeout-ms: exit 3, 0 of 6 done, its jobs taken off the queue', async () => {
    const t0 = Date.now();
    const r = await submit([
      '--nats-user',
      'research',
      '--nats-password-file',
      passwordFile,
      '--queue-timeout-ms',
      '1500',
    ]);
    expect(r.code).toBe(3);
    expect(r.output).toMatch(
      /no result from the work queue at nats:\/\/\S+ for 1\.5 s \(--queue-timeout-ms\): 0 of 6 combinations done, 6 not done/,
    );
    expect(r.output).not.toMatch(/\n\s+at /); // no stack trace
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1500);
    expect(await jobsQueued()).toBe(0);
  });

  it('refuses to submit without the credentials the server wants (exit 1, saying why)', async () => {
    const r = await submit(['--queue-timeout-ms', '1500']);
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/could not reach NATS at nats:\/\/\S+: .*(auth|Authorization)/i);
  });

  it('runs the grid on a worker that authenticates from NATS_* variables, the submitter from flags', async () => {
    const worker = spawnTickflow(
      ['backtest', 'worker', '--nats-url', nats.url, '--log-level', 'info'],
      { NATS_USER: 'research', NATS_PASSWORD: PASSWORD },
      { capture: true },
    );
    workers.push(worker);
    await waitFor('the worker to take jobs', () => {
      if (worker.child.exitCode !== null) throw new Error(`the worker exited: ${worker.output()}`);
      return worker.output().includes('taking backtest jobs');
    });
    const r = await submit(['--nats-user', 'research', '--nats-password', PASSWORD]);
    expect(r.code, r.output).toBe(0);
    expect(worker.output().match(/"msg":"job done"/g)).toHaveLength(6);
    worker.child.kill('SIGTERM');
    expect(await exitCode(worker.child)).toBe(0);
  });
});
