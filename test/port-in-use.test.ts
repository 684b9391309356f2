import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNats, type TestNats } from './nats-harness.ts';
import { exitCode, spawnTickflow } from './tickflow-process.ts';

describe('every service started on a port already in use', () => {
  let nats: TestNats;
  let busy: Server;
  let port: number;
  let dir: string;
  beforeAll(async () => {
    nats = await startTestNats();
    dir = mkdtempSync(join(tmpdir(), 'tickflow-port-'));
    busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    port = (busy.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise<void>((r) => busy.close(() => r()));
    await nats?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const cases: [string, string[], string][] = [
    ['feed', ['feed', '--count', '10'], 'TICKFLOW_FEED_PORT'],
    ['signals', ['signals'], 'TICKFLOW_SIGNALS_PORT'],
    ['bot', ['bot'], 'TICKFLOW_BOT_PORT'],
    ['eod archive', ['eod', 'archive', '--log-dir', 'LOG'], 'TICKFLOW_EOD_ARCHIVE_PORT'],
    ['eod serve', ['eod', 'serve', '--data-dir', 'DATA', '--reports-dir', 'REPORTS'], 'TICKFLOW_EOD_PORT'],
  ];
  it.each(cases)(
    '%s exits 2 naming the port and the flag that changes it, without a stack',
    async (_, args, env) => {
      const where = join(dir, env);
      const argv = args.map((a) => (a === 'LOG' || a === 'DATA' || a === 'REPORTS' ? join(where, a) : a));
      const p = spawnTickflow([...argv, '--port', String(port)], { NATS_URL: nats.url }, { capture: true });
      expect(await exitCode(p.child)).toBe(2);
      expect(p.output()).toContain(
        `tickflow: port ${port} on 127.0.0.1 is already in use (another tickflow service?): pick another with --port or ${env} (0 picks a free one)`,
      );
      expect(p.output()).not.toMatch(/\n\s+at /);
      if (env === 'TICKFLOW_EOD_ARCHIVE_PORT') {
        // It listens before opening the log: nothing written by the process that could not start.
        expect(() => readdirSync(join(where, 'LOG'))).toThrow(/ENOENT/);
      }
    },
  );
});
