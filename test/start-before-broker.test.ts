import { freePort } from '@tickflow/bus';
import { afterEach, describe, expect, it } from 'vitest';
import { restartableNats, waitFor } from './nats-harness.ts';
import { exitCode, spawnTickflow, type TickflowProcess } from './tickflow-process.ts';

/**
 * A service started while its broker is away (a host coming up, the broker restarting) keeps
 * trying for --nats-wait-s seconds instead of exiting at the first refused connection.
 */
describe('a service started before its broker', () => {
  const nats = restartableNats('tickflow-start-before-');
  let proc: TickflowProcess | undefined;
  afterEach(async () => {
    if (proc && proc.child.exitCode === null) {
      proc.child.kill('SIGTERM');
      await exitCode(proc.child);
    }
    proc = undefined;
    await nats.cleanup();
  });

  for (const service of ['signals', 'bot'] as const) {
    it(`${service} waits for NATS, then serves`, async () => {
      const natsPort = await freePort();
      const port = await freePort();
      proc = spawnTickflow(
        [service, '--port', String(port), '--nats-wait-s', '30'],
        { NATS_URL: `nats://127.0.0.1:${natsPort}`, TICKFLOW_LOG_LEVEL: 'warn' },
        { capture: true },
      );
      await waitFor('the refused first connect logged', async () =>
        /does not answer/.test(proc?.output() ?? ''),
      );
      expect(proc.child.exitCode).toBeNull();
      await nats.start(natsPort);
      await waitFor(
        `${service} answering /healthz`,
        async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.ok === true,
        30_000,
      );
      expect(proc.output()).toMatch(/NATS at nats:\/\/127\.0\.0\.1:\d+ answered after/);
    }, 60_000);
  }

  it('exits 1 naming --nats-wait-s when NATS never answers in that time', async () => {
    const natsPort = await freePort();
    proc = spawnTickflow(
      ['bot', '--port', '0', '--nats-wait-s', '2'],
      { NATS_URL: `nats://127.0.0.1:${natsPort}` },
      {
        capture: true,
      },
    );
    const started = Date.now();
    expect(await exitCode(proc.child)).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(proc.output()).toMatch(
      /does not answer \(CONNECTION_REFUSED\) after \d+ s of trying \(--nats-wait-s\)/,
    );
  }, 30_000);
});
