import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bus, type NatsServerHandle, startNatsServer } from '@tickflow/bus';

export interface TestNats {
  url: string;
  server: NatsServerHandle;
  /** A fresh temp directory for this suite (JetStream store, DuckDB file, reports). */
  dir: string;
  stop(): Promise<void>;
}

/** A server configuration for startTestNats: accounts, permissions, TLS. */
export interface TestNatsConfig {
  /** Text of the configuration file (written as `<dir>/nats.conf`). */
  config?: string;
  /** Files copied into the suite's directory first (name → source), for the config to `include`. */
  files?: Record<string, string>;
  /** Environment of the server: the `$VARIABLE`s the configuration reads. */
  env?: Record<string, string>;
}

/**
 * Starts a private nats-server for one suite: free loopback port, JetStream in a temp dir (never
 * the machine's own broker on :4222), configured by `opts` when given. `stop()` kills it and
 * removes the directory.
 */
export async function startTestNats(opts: TestNatsConfig = {}): Promise<TestNats> {
  const dir = mkdtempSync(join(tmpdir(), 'tickflow-test-'));
  for (const [name, source] of Object.entries(opts.files ?? {})) copyFileSync(source, join(dir, name));
  const server = await startNatsServer({
    storeDir: join(dir, 'nats'),
    ...(opts.config !== undefined ? { config: opts.config } : {}),
    ...(opts.env ? { env: opts.env } : {}),
  });
  return {
    url: server.url,
    server,
    dir,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it returns true or the timeout passes (then throws with `what`). */
export async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 30_000,
  pollMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** Signals' backlog (TICKS messages not yet handled), from its /readyz. */
export async function signalsBacklog(port: number): Promise<number> {
  const body = (await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()) as { backlog: number | null };
  return body.backlog ?? Number.POSITIVE_INFINITY;
}

/**
 * A nats-server that a test can SIGKILL (or stop) and start again on the same port and store, and
 * the Bus connections made to it. Its temp directory is made at the first `start()`; `cleanup()`
 * (for afterEach) closes the connections (a drain bounded to 2 s: a test that failed with the
 * broker down would hang it), stops the server and removes the directory.
 */
export interface RestartableNats {
  /** The server last started. */
  readonly server: NatsServerHandle | undefined;
  /** Starts a server (on `port`, else a free one) on the store; resolves when it answers. */
  start(port?: number): Promise<NatsServerHandle>;
  connect(url: string, name: string): Promise<Bus>;
  cleanup(): Promise<void>;
}

export function restartableNats(prefix: string): RestartableNats {
  let dir: string | undefined;
  let server: NatsServerHandle | undefined;
  const buses: Bus[] = [];
  return {
    get server() {
      return server;
    },
    async start(port) {
      dir ??= mkdtempSync(join(tmpdir(), prefix));
      server = await startNatsServer({ storeDir: join(dir, 'nats'), ...(port ? { port } : {}) });
      return server;
    },
    async connect(url, name) {
      const bus = await Bus.connect({ url, name });
      buses.push(bus);
      return bus;
    },
    async cleanup() {
      for (const b of buses.splice(0)) {
        await Promise.race([b.drain().catch(() => {}), new Promise((r) => setTimeout(r, 2000))]);
        await b.nc.close();
      }
      await server?.stop();
      server = undefined;
      if (dir) rmSync(dir, { recursive: true, force: true });
      dir = undefined;
    },
  };
}
