import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, type NatsServerHandle, startNatsServer } from '@tickflow/bus';
import { afterEach, describe, expect, it } from 'vitest';
import { botHealthy } from './bot-kit.ts';
import { exitCode, spawnTickflow } from './tickflow-process.ts';

/** A stop request must end the process in bounded time even when the broker is gone for good. */
describe('bot told to stop with its nats-server gone', () => {
  let server: NatsServerHandle | undefined;
  let child: ChildProcess | undefined;
  let dir = '';
  afterEach(async () => {
    child?.kill('SIGKILL');
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Starts a bot, SIGKILLs its server, SIGTERMs it; resolves with its exit code, stderr and time. */
  const stopWithoutBroker = async (flags: string[]) => {
    dir = mkdtempSync(join(tmpdir(), 'tickflow-shutdown-'));
    server = await startNatsServer({ storeDir: join(dir, 'nats') });
    const port = await freePort();
    const bot = spawnTickflow(
      ['bot', '--port', String(port), '--log-level', 'warn', ...flags],
      { NATS_URL: server.url },
      { capture: true },
    );
    child = bot.child;
    const exited = exitCode(bot.child);
    await botHealthy(port);
    server.process.kill('SIGKILL');
    await new Promise((r) => server?.process.once('exit', r));
    await new Promise((r) => setTimeout(r, 300)); // the bot has seen the disconnect
    const t0 = Date.now();
    bot.child.kill('SIGTERM');
    const code = await Promise.race([
      exited,
      new Promise<'hung'>((r) => setTimeout(() => r('hung'), 30_000)),
    ]);
    return { code, ms: Date.now() - t0, output: bot.output() };
  };

  it('exits within its default bound (10 s), non-zero, saying where it stopped', async () => {
    const { code, ms, output } = await stopWithoutBroker([]);
    expect(code).not.toBe('hung');
    expect(ms).toBeLessThan(11_500);
    expect(code).not.toBe(0);
    expect(output).toContain('stop incomplete');
  }, 60_000);

  it('exits within --shutdown-timeout-ms', async () => {
    const { code, ms } = await stopWithoutBroker(['--shutdown-timeout-ms', '1500']);
    expect(code).not.toBe('hung');
    expect(ms).toBeLessThan(3_000);
    expect(code).not.toBe(0);
  }, 60_000);
});
