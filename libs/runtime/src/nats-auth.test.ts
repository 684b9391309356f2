import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commonSpec } from './common-spec.ts';
import { ConfigError, resolveConfig } from './config.ts';
import { busAuthFrom, natsAuthEnv } from './nats-auth.ts';

const dir = mkdtempSync(join(tmpdir(), 'tickflow-nats-auth-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const resolve = (flags: Record<string, string>, env: Record<string, string> = {}) =>
  resolveConfig(commonSpec, flags, env);

describe('busAuthFrom', () => {
  it('reads user and password from flags and files, the file trimmed of its newline', () => {
    const c = resolve({ natsUser: 'feed', natsPasswordFile: file('pw', 's3cret\n') });
    expect(busAuthFrom(c)).toEqual({
      url: 'nats://127.0.0.1:4222',
      auth: { user: 'feed', pass: 's3cret' },
      connectTimeoutMs: 30_000,
    });
  });

  it('takes the settings from the environment (the nats CLI names)', () => {
    const c = resolve({}, { NATS_USER: 'bot', NATS_PASSWORD: 'pw-env', NATS_CA: file('ca.pem', 'PEM') });
    expect(busAuthFrom(c).auth).toEqual({ user: 'bot', pass: 'pw-env', tls: { ca: 'PEM' } });
  });

  it('reads a token file, an NKey seed file and a creds file', () => {
    expect(busAuthFrom(resolve({ natsTokenFile: file('tok', 'tok-1\n') })).auth).toEqual({ token: 'tok-1' });
    expect(busAuthFrom(resolve({ natsNkey: file('u.nk', 'SUAAA\n') })).auth).toEqual({ nkeySeed: 'SUAAA' });
    expect(busAuthFrom(resolve({ natsCreds: file('u.creds', 'JWT+SEED') })).auth).toEqual({
      creds: 'JWT+SEED',
    });
  });

  it('takes the inbox prefix and refuses one with a wildcard', () => {
    expect(busAuthFrom(resolve({ natsInboxPrefix: '_INBOX_feed' })).auth).toEqual({
      inboxPrefix: '_INBOX_feed',
    });
    expect(() => resolve({ natsInboxPrefix: '_INBOX.*' })).toThrow(
      /--nats-inbox-prefix: expected subject tokens/,
    );
  });

  it('does not repeat a password or token of a refused URL', () => {
    expect(() => resolve({ natsUrl: 'http://feed:pw-123@h:4222' })).toThrow(
      /got "http:\/\/feed:\*\*\*@h:4222"/,
    );
    expect(() => resolve({ natsUrl: 'http://tok-123@h:4222' })).toThrow(/got "http:\/\/\*\*\*@h:4222"/);
  });

  it('refuses a missing file naming its flag', () => {
    const c = resolve({ natsUser: 'feed', natsPasswordFile: join(dir, 'absent') });
    expect(() => busAuthFrom(c)).toThrow(ConfigError);
    expect(() => busAuthFrom(c)).toThrow(/--nats-password-file .*absent: ENOENT/);
  });

  it('refuses two ways of authenticating at once, and a password without a user', () => {
    expect(() => busAuthFrom(resolve({ natsUser: 'a', natsToken: 't' }))).toThrow(/choose one way/);
    expect(() => busAuthFrom(resolve({ natsPassword: 'p' }))).toThrow(/needs --nats-user/);
    expect(() => busAuthFrom(resolve({ natsTlsCert: file('c.pem', 'C') }))).toThrow(/give both/);
  });

  it('passes the settings on to a child process as environment, never as flags', () => {
    const c = resolve({ natsUser: 'feed', natsPasswordFile: '/run/secrets/pw' });
    expect(natsAuthEnv(c)).toEqual({
      NATS_URL: 'nats://127.0.0.1:4222',
      NATS_USER: 'feed',
      NATS_PASSWORD_FILE: '/run/secrets/pw',
      TICKFLOW_NATS_WAIT_S: '30',
    });
  });

  it('keeps trying the first connect for --nats-wait-s seconds (0: until NATS answers)', () => {
    expect(busAuthFrom(resolve({ natsWaitS: '5' })).connectTimeoutMs).toBe(5000);
    expect(busAuthFrom(resolve({}, { TICKFLOW_NATS_WAIT_S: '0' })).connectTimeoutMs).toBe(0);
  });
});
