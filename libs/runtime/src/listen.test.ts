import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { int } from './config-fields.ts';
import { createHttpApp, listen, PortUnavailableError } from './http.ts';
import { createRegistry } from './metrics.ts';

const portSetting = int({ flag: 'port', env: 'TICKFLOW_FEED_PORT', description: 'HTTP port', default: 8082 });
const app = () =>
  createHttpApp({ registry: createRegistry('test'), health: () => ({ status: 'ok', checks: {} }) });

describe('listen', () => {
  let busy: Server;
  let busyPort: number;
  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    busyPort = (busy.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => busy.close(() => r())));

  it('names the port in use and the flag and variable that change it', async () => {
    const err = await listen(app(), '127.0.0.1', busyPort, portSetting).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PortUnavailableError);
    expect(err).toMatchObject({
      name: 'PortUnavailableError',
      cause: expect.objectContaining({ code: 'EADDRINUSE' }),
    });
    expect((err as Error).message).toBe(
      `port ${busyPort} on 127.0.0.1 is already in use (another tickflow service?): pick another with --port or TICKFLOW_FEED_PORT (0 picks a free one)`,
    );
  });

  it('names the host when the address is not one of this machine', async () => {
    const err = await listen(app(), '192.0.2.1', 0, portSetting).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PortUnavailableError);
    expect((err as Error).message).toMatch(
      /cannot listen on 192\.0\.2\.1:0 \(EADDRNOTAVAIL: .*\): change --host or TICKFLOW_HOST/,
    );
  });

  it('returns the port picked for 0', async () => {
    const a = app();
    const port = await listen(a, '127.0.0.1', 0, portSetting);
    expect(port).toBeGreaterThan(0);
    await a.close();
  });
});
