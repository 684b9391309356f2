import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Bus, freePort } from '@tickflow/bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signalsBacklog, startTestNats, type TestNats, waitFor } from './nats-harness.ts';

const BIN = fileURLToPath(new URL('../services/cli/bin/tickflow.mjs', import.meta.url));
/** The stop bound the processes are given (TICKFLOW_SHUTDOWN_TIMEOUT_MS); the default is 10 s. */
const BOUND_MS = Number(process.env.SHUTDOWN_TEST_BOUND_MS ?? 3000);

interface Child {
  proc: ChildProcess;
  out: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(args: string[], url: string): Child {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', NATS_URL: url };
  if (!process.env.SHUTDOWN_TEST_DEFAULT) env.TICKFLOW_SHUTDOWN_TIMEOUT_MS = String(BOUND_MS);
  const proc = spawn(process.execPath, [BIN, ...args, '--log-level', 'info'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  proc.stderr?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { proc, out: () => out, exited };
}

/** SIGTERM, then how long until the process is gone (SIGKILL after 30 s so the test ends). */
async function stopTimed(c: Child): Promise<{ ms: number; code: number | null }> {
  const t0 = Date.now();
  c.proc.kill('SIGTERM');
  const killer = setTimeout(() => c.proc.kill('SIGKILL'), 30_000);
  const { code } = await c.exited;
  clearTimeout(killer);
  return { ms: Date.now() - t0, code };
}

describe('a stop request never hangs, even with the broker gone', () => {
  let nats: TestNats;
  const children: Child[] = [];

  beforeAll(async () => {
    nats = await startTestNats();
  });
  afterAll(async () => {
    for (const c of children) c.proc.kill('SIGKILL');
    await nats?.stop();
  });

  it('with the broker up, feed and signals stop cleanly: exit 0, nothing reported left', async () => {
    const signalsPort = await freePort();
    const feed = run(['feed', '--port', '0', '--rate', '2000', '--symbols', '3'], nats.url);
    const signals = run(['signals', '--port', String(signalsPort)], nats.url);
    children.push(feed, signals);
    await waitFor(
      'signals consuming',
      async () => (await signalsBacklog(signalsPort).catch(() => 1e9)) < 1e9,
    );
    await new Promise((r) => setTimeout(r, 500));
    const [f, s] = await Promise.all([stopTimed(feed), stopTimed(signals)]);
    expect([f.code, s.code]).toEqual([0, 0]);
    expect(feed.out() + signals.out()).not.toMatch(/work left/);
  });

  it('feed and signals exit within the bound after SIGTERM, non-zero, naming what they left', async () => {
    const signalsPort = await freePort();
    const feed = run(['feed', '--port', '0', '--rate', '2000', '--symbols', '3'], nats.url);
    const signals = run(['signals', '--port', String(signalsPort)], nats.url);
    children.push(feed, signals);
    const bus = await Bus.connect({ url: nats.url, name: 'shutdown-test' });
    await waitFor(
      'the feed publishing',
      async () => ((await bus.jsm.streams.info('TICKS').catch(() => undefined))?.state.messages ?? 0) > 100,
    );
    await waitFor(
      'signals consuming',
      async () => (await signalsBacklog(signalsPort).catch(() => 1e9)) < 1e9,
    );
    await bus.drain();

    nats.server.process.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    const [f, s] = await Promise.all([stopTimed(feed), stopTimed(signals)]);

    expect(f.ms).toBeLessThan(BOUND_MS + 2000);
    expect(s.ms).toBeLessThan(BOUND_MS + 2000);
    // The feed had unconfirmed ticks in its outbox: it says how many and exits non-zero.
    expect(f.code).not.toBe(0);
    expect(feed.out()).toMatch(/"outboxMessages":[1-9][^\n]*did not finish within/);
    // Signals could not store its last checkpoint: non-zero as well.
    expect(s.code).not.toBe(0);
    expect(signals.out()).toMatch(/did not finish within/);
  });
});
