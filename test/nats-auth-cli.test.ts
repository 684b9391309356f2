import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { type NatsServerHandle, startNatsServer } from '@tickflow/bus';
import { feedSpec, startFeed } from '@tickflow/feed';
import { createLogger, resolveConfig } from '@tickflow/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TICKFLOW_BIN } from './tickflow-process.ts';

/** `tickflow` with NATS credentials: refused ones, missing secret files, and no secret ever shown. */
const SECRET = 'feed-s3cret-pw';
let dir: string;
let server: NatsServerHandle;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tickflow-nats-cli-'));
  server = await startNatsServer({
    storeDir: join(dir, 'nats'),
    config: `authorization { users = [ { user: "feed", password: "${SECRET}" } ] }`,
  });
});

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function tickflow(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [TICKFLOW_BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('tickflow with NATS credentials', () => {
  it('documents every NATS credential flag with its environment variable in --help', () => {
    const help = tickflow(['feed', '--help'], {}).out;
    for (const s of [
      '--nats-user',
      'NATS_USER',
      '--nats-password-file',
      'NATS_PASSWORD_FILE',
      '--nats-token-file',
    ]) {
      expect(help).toContain(s);
    }
    for (const s of [
      '--nats-nkey',
      '--nats-creds',
      'NATS_CREDS',
      '--nats-tls-ca',
      '--nats-tls-cert',
      '--nats-tls-key',
    ]) {
      expect(help).toContain(s);
    }
  });

  it('refuses wrong credentials with one line and exit 2, the password not in it', () => {
    const r = tickflow(['feed', '--port', '0', '--log-level', 'silent'], {
      NATS_URL: `nats://feed:wrong-${SECRET}@127.0.0.1:${server.port}`,
    });
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `tickflow: NATS at nats://feed:***@127.0.0.1:${server.port} refused the credentials (Authorization Violation)\n`,
    );
    const fromEnv = tickflow(['signals', '--port', '0', '--log-level', 'silent'], {
      NATS_URL: server.url,
      NATS_USER: 'feed',
      NATS_PASSWORD: `wrong-${SECRET}`,
    });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.err).toContain('refused the credentials');
    expect(fromEnv.err).not.toContain(SECRET);
  });

  it('refuses a missing password file naming the flag, exit 2', () => {
    const r = tickflow(
      ['bot', '--port', '0', '--nats-user', 'feed', '--nats-password-file', join(dir, 'absent')],
      {
        NATS_URL: server.url,
      },
    );
    expect(r.code).toBe(2);
    expect(r.err).toContain(`--nats-password-file ${join(dir, 'absent')}: ENOENT`);
  });

  it('runs the feed with a password file and shows the URL redacted in its log and /healthz', async () => {
    const pw = join(dir, 'feed.pw');
    writeFileSync(pw, `${SECRET}\n`);
    const ok = tickflow(
      ['feed', '--port', '0', '--count', '20', '--nats-user', 'feed', '--nats-password-file', pw],
      {
        NATS_URL: server.url,
      },
    );
    expect(ok.err).toBe('');
    expect(ok.code).toBe(0);

    let logged = '';
    const log = createLogger(
      'feed',
      'info',
      new Writable({
        write(chunk: Buffer, _enc, done) {
          logged += chunk.toString();
          done();
        },
      }),
    );
    const withUrlCreds = `nats://feed:${SECRET}@127.0.0.1:${server.port}`;
    // Only a token holder sees the broker's URL in /healthz (docs/SECURITY.md): give one.
    const tokens = join(dir, 'tokens');
    writeFileSync(tokens, 'health-reader-token-0123456789 read\n');
    const feed = await startFeed(
      resolveConfig(feedSpec, { port: '0', rate: '10', tokens }, { NATS_URL: withUrlCreds }),
      log,
    );
    try {
      const url = `http://127.0.0.1:${feed.port}/healthz`;
      const authorization = 'Bearer health-reader-token-0123456789';
      const health = await (await fetch(url, { headers: { authorization } })).text();
      expect(health).toContain(`nats://feed:***@127.0.0.1:${server.port}`);
      expect(health).not.toContain(SECRET);
      const anonymous = await (await fetch(url)).text();
      expect(anonymous).not.toContain('nats://');
      expect(logged).toContain(`nats://feed:***@127.0.0.1:${server.port}`);
    } finally {
      await feed.close();
    }
    expect(logged).not.toContain(SECRET);
  });
});
