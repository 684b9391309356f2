import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bus, type BusAuth, BusAuthError, BusConnectError, startNatsServer } from '@tickflow/bus';
import { nkeys } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeOperatorSetup, makeTestPki, type TestPki } from './nats-secure-kit.ts';

/**
 * Every way libs/bus authenticates, each against a real nats-server configured for it: the bus
 * connects (both its connections: the read-back one carries a ConfirmingPublisher's checks), and
 * wrong credentials give one clear error with no secret in it.
 */
let dir: string;
let pki: TestPki;
const stops: Array<() => Promise<void>> = [];
const buses: Bus[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tickflow-nats-auth-'));
  pki = makeTestPki(dir);
});

afterAll(async () => {
  for (const b of buses) await b.drain().catch(() => {});
  for (const stop of stops) await stop();
  rmSync(dir, { recursive: true, force: true });
});

async function serverWith(name: string, config: string): Promise<{ url: string; port: number }> {
  const server = await startNatsServer({ storeDir: join(dir, name), config });
  stops.push(() => server.stop());
  return server;
}

/** Connects, creates the streams, and publishes one tick confirmed on the read-back connection. */
async function connectsAndPublishes(url: string, auth?: BusAuth): Promise<Bus> {
  const bus = await Bus.connect({ url, name: 'auth-test', ...(auth ? { auth } : {}) });
  buses.push(bus);
  await bus.ensureStreams();
  const publisher = bus.confirmingPublisher({ confirmEvery: 1 });
  publisher.publish('ticks.auth.BTC-USD', new TextEncoder().encode('{}'), 'auth:BTC-USD:1');
  await publisher.close();
  expect(publisher.stats.outboxMessages).toBe(0);
  expect((await bus.jsm.streams.info('TICKS')).state.messages).toBeGreaterThanOrEqual(1);
  return bus;
}

async function refusal(url: string, auth?: BusAuth): Promise<Error> {
  const err = await Bus.connect({
    url,
    name: 'auth-test',
    connectTimeoutMs: 3000,
    ...(auth ? { auth } : {}),
  }).then(
    (b) => {
      buses.push(b);
      throw new Error('connected with credentials the server should refuse');
    },
    (e: unknown) => e as Error,
  );
  return err;
}

describe('user and password', () => {
  const config = 'authorization { users = [ { user: "feed", password: "s3cret-pw" } ] }';

  it('connects with --nats-user and a password', async () => {
    const { url } = await serverWith('userpass', config);
    await connectsAndPublishes(url, { user: 'feed', pass: 's3cret-pw' });
  });

  it('connects with the credentials in the URL and shows the URL redacted', async () => {
    const { port } = await serverWith('userpass-url', config);
    const bus = await connectsAndPublishes(`nats://feed:s3cret-pw@127.0.0.1:${port}`);
    expect(bus.url).toBe(`nats://feed:***@127.0.0.1:${port}`);
  });

  it('refuses a wrong password with one clear line and no secret in it', async () => {
    const { port } = await serverWith('userpass-wrong', config);
    const err = await refusal(`nats://feed:wrong-pw-123@127.0.0.1:${port}`);
    expect(err).toBeInstanceOf(BusAuthError);
    expect(err.message).toBe(
      `NATS at nats://feed:***@127.0.0.1:${port} refused the credentials (Authorization Violation)`,
    );
    expect(err.message).not.toContain('wrong-pw-123');
  });
});

describe('token', () => {
  const config = 'authorization { token: "tok-0123456789" }';

  it('connects with a token, given or in the URL', async () => {
    const { url, port } = await serverWith('token', config);
    await connectsAndPublishes(url, { token: 'tok-0123456789' });
    const bus = await connectsAndPublishes(`nats://tok-0123456789@127.0.0.1:${port}`);
    expect(bus.url).toBe(`nats://***@127.0.0.1:${port}`);
  });

  it('refuses a missing or wrong token', async () => {
    const { url } = await serverWith('token-wrong', config);
    expect(await refusal(url)).toBeInstanceOf(BusAuthError);
    const wrong = await refusal(url, { token: 'tok-wrong-999' });
    expect(wrong).toBeInstanceOf(BusAuthError);
    expect(wrong.message).not.toContain('tok-wrong-999');
  });
});

describe('NKey', () => {
  it('connects with a user seed and is refused with another one', async () => {
    const user = nkeys.createUser();
    const { url } = await serverWith(
      'nkey',
      `authorization { users = [ { nkey: ${user.getPublicKey()} } ] }`,
    );
    await connectsAndPublishes(url, { nkeySeed: new TextDecoder().decode(user.getSeed()) });
    const stranger = new TextDecoder().decode(nkeys.createUser().getSeed());
    const err = await refusal(url, { nkeySeed: stranger });
    expect(err).toBeInstanceOf(BusAuthError);
    expect(err.message).not.toContain(stranger);
  });
});

describe('creds (operator JWT)', () => {
  it('connects with a .creds file and is refused one from an unknown account', async () => {
    const setup = await makeOperatorSetup();
    const { url } = await serverWith('creds', setup.serverConfig);
    await connectsAndPublishes(url, { creds: setup.creds });
    expect(await refusal(url, { creds: setup.strangerCreds })).toBeInstanceOf(BusAuthError);
  });
});

describe('TLS', () => {
  const tlsBlock = (verify: boolean) =>
    `tls { cert_file: "${pki.serverCert}", key_file: "${pki.serverKey}", ca_file: "${pki.ca}", verify: ${verify} }`;
  const pem = (f: string) => readFileSync(f, 'utf8');

  it('connects to a TLS server trusting its CA, and refuses a server its CA did not sign', async () => {
    const { url, port } = await serverWith('tls', tlsBlock(false));
    await connectsAndPublishes(url, { tls: { ca: pem(pki.ca) } });
    await connectsAndPublishes(`tls://127.0.0.1:${port}`, { tls: { ca: pem(pki.ca) } });
    const err = await refusal(url, { tls: { ca: pem(pki.otherCa) } });
    expect(err).toBeInstanceOf(BusConnectError);
    expect(err.message).toMatch(/failed the TLS handshake \(unable to verify the first certificate/);
  });

  it('connects with a client certificate where the server verifies clients (mTLS), not without', async () => {
    const { url } = await serverWith('mtls', tlsBlock(true));
    await connectsAndPublishes(url, {
      tls: { ca: pem(pki.ca), cert: pem(pki.clientCert), key: pem(pki.clientKey) },
    });
    const err = await refusal(url, { tls: { ca: pem(pki.ca) } });
    expect(err).toBeInstanceOf(BusConnectError);
    expect(err.message).toContain('--nats-tls-cert');
  });
});
