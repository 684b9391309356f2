import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commonSpec } from './common-spec.ts';
import { ConfigError, resolveConfig } from './config.ts';
import { isLoopbackHost, loadHttpSecurity } from './http-security.ts';

const dir = mkdtempSync(join(tmpdir(), 'tickflow-http-security-'));
const tokensFile = join(dir, 'tokens');
writeFileSync(tokensFile, 'abcdefghijklmnopqrstuvwxyz012345 read dashboard\n');

const load = (flags: Record<string, string | boolean>, env: Record<string, string> = {}) =>
  loadHttpSecurity(resolveConfig(commonSpec, flags, env));

const problemsOf = (f: () => unknown): string[] => {
  try {
    f();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('loadHttpSecurity', () => {
  it('runs open on loopback without tokens, as before', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.0.0.2'])
      expect(isLoopbackHost(host), host).toBe(true);
    const s = load({});
    expect(s.readsNeedToken).toBe(false);
    expect(s.tokens).toBeUndefined();
    expect(s.openRoutes).toEqual(['/healthz', '/metrics']);
    expect(s.corsOrigins).toEqual([]);
  });

  it('refuses to listen beyond loopback without tokens, naming --tokens and --insecure', () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.5', 'myhost.lan']) {
      const problems = problemsOf(() => load({ host }));
      expect(problems, host).toHaveLength(1);
      expect(problems[0]).toMatch(/listens beyond loopback without authentication: give --tokens <file>/);
      expect(problems[0]).toMatch(/--insecure/);
    }
  });

  it('listens beyond loopback with a tokens file, or open when told --insecure', () => {
    const withTokens = load({ host: '0.0.0.0', tokens: tokensFile });
    expect(withTokens.readsNeedToken).toBe(true);
    expect(withTokens.tokens?.size).toBe(1);
    expect(load({ host: '0.0.0.0', insecure: true }).readsNeedToken).toBe(false);
    expect(load({ host: '0.0.0.0' }, { TICKFLOW_INSECURE: 'true' }).readsNeedToken).toBe(false);
  });

  it('keeps an older single token as an admin token that leaves reads open', () => {
    const s = loadHttpSecurity(resolveConfig(commonSpec, {}, {}), { token: 'secret', flag: 'admin-token' });
    expect(s.readsNeedToken).toBe(false);
    expect([...(s.tokens?.find('secret')?.scopes ?? [])]).toEqual(['trade']);
    expect(
      problemsOf(() =>
        loadHttpSecurity(resolveConfig(commonSpec, { host: '0.0.0.0' }, {}), {
          token: 'secret',
          flag: 'admin-token',
        }),
      ),
    ).toHaveLength(1);
  });

  it('names a missing tokens file, a bad origin and half a TLS pair', () => {
    expect(problemsOf(() => load({ tokens: join(dir, 'nope') }))[0]).toMatch(/^--tokens .*nope: ENOENT/);
    expect(problemsOf(() => load({ corsOrigins: 'https://ops.example/path' }))[0]).toMatch(/--cors-origins/);
    expect(problemsOf(() => load({ tlsCert: tokensFile }))).toEqual([
      '--tls-cert and --tls-key go together: give both or neither',
    ]);
  });

  it('reads open routes and CORS origins as comma-separated lists', () => {
    const s = load({ openRoutes: '/healthz,/docs*', corsOrigins: 'https://a.example,http://b.example:8080' });
    expect(s.openRoutes).toEqual(['/healthz', '/docs*']);
    expect(s.corsOrigins).toEqual(['https://a.example', 'http://b.example:8080']);
    expect(load({ openRoutes: '' }).openRoutes).toEqual([]);
  });
});
