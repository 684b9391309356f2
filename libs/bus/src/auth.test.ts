import { describe, expect, it } from 'vitest';
import { natsConnectParts, redactUrl, scrub } from './auth.ts';

describe('redactUrl', () => {
  it('hides the password of a URL and keeps the user', () => {
    expect(redactUrl('nats://feed:s3cret@nats.example:4222')).toBe('nats://feed:***@nats.example:4222');
  });

  it('hides a token given as the URL user', () => {
    expect(redactUrl('tls://tok-abc@nats.example:4222')).toBe('tls://***@nats.example:4222');
  });

  it('leaves a URL without credentials as it is', () => {
    expect(redactUrl('nats://127.0.0.1:4222')).toBe('nats://127.0.0.1:4222');
  });

  it('redacts every URL of a seed list', () => {
    expect(redactUrl('nats://u:pw-one@a:4222,nats://b:4222,nats://tok-two@c:4222')).toBe(
      'nats://u:***@a:4222,nats://b:4222,nats://***@c:4222',
    );
  });
});

describe('natsConnectParts', () => {
  it('moves user and password out of the URL, decoded', () => {
    const p = natsConnectParts('nats://us%40er:p%3Ass@h:4222');
    expect(p.servers).toEqual(['nats://h:4222']);
    expect(p.options).toMatchObject({ user: 'us@er', pass: 'p:ss' });
    expect(p.secrets).toContain('p:ss');
  });

  it('gives nats.js every seed of a list, credentials taken out of each', () => {
    const p = natsConnectParts('nats://u:pw-1@a:4222, nats://b:4222,nats://u:pw-1@c:4222');
    expect(p.servers).toEqual(['nats://a:4222', 'nats://b:4222', 'nats://c:4222']);
    expect(p.options).toMatchObject({ user: 'u', pass: 'pw-1' });
    expect(p.secrets).toContain('pw-1');
  });

  it('takes the credentials of the first seed that has them and scrubs the others too', () => {
    const p = natsConnectParts('nats://a:4222,nats://tok-first@b:4222,nats://tok-second@c:4222');
    expect(p.options.token).toBe('tok-first');
    expect(p.secrets).toEqual(expect.arrayContaining(['tok-first', 'tok-second']));
  });

  it('requires TLS when any seed is a tls:// URL', () => {
    expect(natsConnectParts('nats://a:4222,tls://b:4222').options.tls).toEqual({});
  });

  it('takes a lone URL user as a token', () => {
    const p = natsConnectParts('nats://tok-123@h:4222');
    expect(p.options.token).toBe('tok-123');
    expect(p.options.user).toBeUndefined();
  });

  it('prefers explicit credentials to those in the URL', () => {
    const p = natsConnectParts('nats://a:url-pw@h:4222', { token: 'tok-given' });
    expect(p.options).toMatchObject({ token: 'tok-given' });
    expect(p.options.user).toBeUndefined();
    expect(p.secrets).toEqual(expect.arrayContaining(['tok-given', 'url-pw']));
  });

  it('requires TLS for a tls:// URL and passes the CA and client certificate', () => {
    expect(natsConnectParts('tls://h:4222').options.tls).toEqual({});
    expect(natsConnectParts('nats://h:4222').options.tls).toBeUndefined();
    const p = natsConnectParts('nats://h:4222', { tls: { ca: 'CA', cert: 'CERT', key: 'KEY' } });
    expect(p.options.tls).toEqual({ ca: 'CA', cert: 'CERT', key: 'KEY' });
    expect(p.secrets).toContain('KEY');
  });

  it('passes the inbox prefix on', () => {
    expect(natsConnectParts('nats://h', { inboxPrefix: '_INBOX_feed' }).options.inboxPrefix).toBe(
      '_INBOX_feed',
    );
  });

  it('builds an authenticator for an NKey seed or a creds file', () => {
    expect(natsConnectParts('nats://h', { nkeySeed: 'SUAXXX' }).options.authenticator).toBeTypeOf('function');
    expect(natsConnectParts('nats://h', { creds: 'CREDS' }).options.authenticator).toBeTypeOf('function');
  });
});

describe('scrub', () => {
  it('replaces every occurrence of each secret', () => {
    expect(scrub('pw=abc123 again abc123', ['abc123'])).toBe('pw=*** again ***');
  });
});
