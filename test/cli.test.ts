import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bus, freePort, startNatsServer } from '@tickflow/bus';
import { describe, expect, it } from 'vitest';
import { runTickflow } from './tickflow-process.ts';

const BIN = fileURLToPath(new URL('../services/cli/bin/tickflow.mjs', import.meta.url));

/** Runs the real `tickflow` command (trimmed environment). */
const tickflow = runTickflow;

describe('tickflow CLI', () => {
  it('lists its subcommands and each one has --help naming its environment variables', () => {
    const top = tickflow(['--help']);
    expect(top.code).toBe(0);
    for (const cmd of ['demo', 'feed', 'signals', 'bot', 'eod']) expect(top.out).toContain(cmd);
    const feed = tickflow(['feed', '--help']);
    expect(feed.out).toContain('--rate <n>');
    expect(feed.out).toContain('TICKFLOW_FEED_RATE');
    expect(tickflow(['eod', 'run', '--help']).out).toContain('TICKFLOW_DATA_DIR');
  });

  it('refuses an invalid flag value before starting, naming the flag', () => {
    const r = tickflow(['feed', '--rate', 'fast', '--symbols', '0']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--rate: expected an integer');
    expect(r.err).toContain('--symbols: must be >= 1');
  });

  it('refuses an invalid environment value, naming the variable, and lets a flag win over it', () => {
    const bad = tickflow(['signals', '--port', '0'], { TICKFLOW_SIGNALS_FAST: 'ten' });
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('TICKFLOW_SIGNALS_FAST: expected an integer');
    const overridden = tickflow(['signals', '--fast', 'x'], { TICKFLOW_SIGNALS_FAST: '5' });
    expect(overridden.err).toContain('--fast: expected an integer');
  });

  it('refuses an unknown TICKFLOW_ variable as a likely typo', () => {
    const r = tickflow(['feed'], { TICKFLOW_FEED_RAET: '10' });
    expect(r.code).toBe(2);
    expect(r.err).toContain('TICKFLOW_FEED_RAET');
  });

  it('says clearly when the NATS server it was given does not answer', async () => {
    const port = await freePort();
    const r = tickflow(['demo', '--duration', '1', '--nats-wait-s', '1'], {
      NATS_URL: `nats://127.0.0.1:${port}`,
      TICKFLOW_DATA_DIR: '/tmp/tickflow-cli-test',
    });
    expect(r.code).toBe(1);
    expect(r.err).toContain(`NATS at nats://127.0.0.1:${port} does not answer`);
  });
  it('stops with one clear line and exit 1, not a stack trace, when the broker cannot serve it', async () => {
    // Another stream already holds the bot's subjects: its streams cannot be set up.
    const dir = mkdtempSync(join(tmpdir(), 'tickflow-cli-'));
    const server = await startNatsServer({ storeDir: dir });
    const bus = await Bus.connect({ url: server.url, name: 'cli-test' });
    try {
      await bus.jsm.streams.add({ name: 'SQUATTER', subjects: ['fills.>'] });
      const r = await new Promise<{ code: number | null; err: string }>((resolve) => {
        const c = spawn(process.execPath, [BIN, 'bot', '--port', '0', '--log-level', 'silent'], {
          env: { PATH: process.env.PATH ?? '', NATS_URL: server.url },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let err = '';
        c.stderr.on('data', (d: Buffer) => (err += d.toString()));
        c.on('exit', (code) => resolve({ code, err }));
      });
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/^tickflow: stopped by an error it could not recover from: StreamSetupError: /);
      expect(r.err).not.toMatch(/\n\s+at /);
    } finally {
      await bus.drain();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
