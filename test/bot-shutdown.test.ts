import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, type NatsServerHandle, startNatsServer } from '@tickflow/bus';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from './nats-harness.ts';

const BIN = fileURLToPath(new URL('../services/cli/bin/tickflow.mjs', import.meta.url));

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
    const bot = spawn(
      process.execPath,
      [BIN, 'bot', '--port', String(port), '--log-level', 'warn', ...flags],
      {
        env: { PATH: process.env.PATH ?? '', NATS_URL: server.url },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child = bot;
    let output = '';
    bot.stdout?.on('data', (c: Buffer) => {
      output += c.toString();
    });
    bot.stderr?.on('data', (c: Buffer) => {
      output += c.toString();
    });
    const exited = new Promise<number | null>((r) => bot.once('exit', (code) => r(code)));
    await waitFor(
      'bot healthy',
      async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.ok === true,
      20_000,
    );
    server.process.kill('SIGKILL');
    await new Promise((r) => server?.process.once('exit', r));
    await new Promise((r) => setTimeout(r, 300)); // the bot has seen the disconnect
    const t0 = Date.now();
    bot.kill('SIGTERM');
    const code = await Promise.race([
      exited,
      new Promise<'hung'>((r) => setTimeout(() => r('hung'), 30_000)),
    ]);
    return { code, ms: Date.now() - t0, output };
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
