import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

export class NatsServerNotFoundError extends Error {
  override name = 'NatsServerNotFoundError';
  constructor() {
    super('nats-server not found on PATH; install it with: sudo apt-get install -y nats-server');
  }
}

export class NatsServerStartError extends Error {
  override name = 'NatsServerStartError';
}

/** Finds `nats-server` on PATH (and in /usr/sbin, where Debian puts it, often off a user's PATH). */
export function findNatsServer(env: Record<string, string | undefined> = process.env): string | undefined {
  const dirs = [...(env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin'].filter(Boolean);
  for (const dir of dirs) {
    const candidate = join(dir, 'nats-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** A free TCP port on loopback (asked of the kernel, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface NatsServerHandle {
  url: string;
  port: number;
  storeDir: string;
  process: ChildProcess;
  /** The server's log since it started (its last 256 KiB): errors such as permission violations. */
  log(): string;
  stop(): Promise<void>;
}

/**
 * Starts a private nats-server with JetStream on a free loopback port, its store in `storeDir`.
 * `config` is the text of a server configuration file (accounts, permissions, TLS) written next
 * to the store; the address, port and store given here override it.
 * Resolves once the server says it is ready; `stop()` sends SIGTERM and waits for the exit.
 */
export async function startNatsServer(opts: {
  storeDir: string;
  port?: number;
  config?: string;
  /** Extra environment for the server (a configuration's `$VARIABLE`s it does not define). */
  env?: Record<string, string>;
}): Promise<NatsServerHandle> {
  const bin = findNatsServer();
  if (!bin) throw new NatsServerNotFoundError();
  mkdirSync(opts.storeDir, { recursive: true });
  const port = opts.port ?? (await freePort());
  const args = ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', opts.storeDir];
  if (opts.config !== undefined) {
    const file = `${opts.storeDir.replace(/\/+$/, '')}.conf`;
    writeFileSync(file, opts.config);
    args.push('-c', file);
  }
  const child = spawn(bin, args, {
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  // Drained all along (a full pipe would block the server); the last 256 KiB are kept for log().
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-256 * 1024);
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new NatsServerStartError(`nats-server not ready after 10 s:\n${log}`)),
      10_000,
    );
    const ready = () => {
      if (!log.includes('Server is ready')) return;
      clearTimeout(timer);
      child.stderr?.off('data', ready);
      resolve();
    };
    child.stderr?.on('data', ready);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new NatsServerStartError(`nats-server exited with code ${code}:\n${log}`));
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir: opts.storeDir,
    process: child,
    log: () => log,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
