import { freePort } from '@tickflow/bus';
import { describe, expect, it } from 'vitest';
import { runTickflow } from './tickflow-process.ts';

/** Runs the real `tickflow` command (trimmed environment). */
const tickflow = runTickflow;

describe('tickflow HTTP access flags', () => {
  it('lists the access-control flags and their variables in every service’s --help', () => {
    for (const cmd of [['signals'], ['bot'], ['feed'], ['eod', 'serve'], ['eod', 'archive']]) {
      const help = tickflow([...cmd, '--help']).out;
      for (const s of [
        '--tokens <value>',
        'TICKFLOW_TOKENS_FILE',
        '--open-routes',
        '--insecure',
        '--cors-origins',
      ])
        expect(help, `${cmd.join(' ')}: ${s}`).toContain(s);
      for (const s of ['--rate-limit <n>', '--tls-cert', '--tls-key']) expect(help).toContain(s);
    }
  });

  it('refuses to listen beyond loopback without tokens: exit 2 before connecting, naming --tokens and --insecure', async () => {
    const nats = `nats://127.0.0.1:${await freePort()}`;
    for (const cmd of [['signals'], ['bot'], ['feed'], ['eod', 'serve'], ['eod', 'archive']]) {
      const r = tickflow([...cmd, '--host', '0.0.0.0', '--port', '0'], {
        NATS_URL: nats,
        TICKFLOW_DATA_DIR: '/tmp/tickflow-cli-http-test',
      });
      expect(r.code, `${cmd.join(' ')}: ${r.err}`).toBe(2);
      expect(r.err).toContain('--host 0.0.0.0 listens beyond loopback without authentication');
      expect(r.err).toContain('--insecure');
      expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
    }
  });

  it('goes past the check with --insecure (then stops at the missing broker, exit 1)', async () => {
    const nats = `nats://127.0.0.1:${await freePort()}`;
    const r = tickflow(['bot', '--host', '0.0.0.0', '--port', '0', '--insecure', '--nats-wait-s', '1'], {
      NATS_URL: nats,
    });
    expect(r.code).toBe(1);
    expect(r.err).toContain('does not answer');
  });

  it('names a missing tokens file with exit 2', () => {
    const r = tickflow(['feed', '--tokens', '/nonexistent/tokens']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--tokens /nonexistent/tokens');
  });
});
