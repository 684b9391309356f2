import { type ChildProcess, spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/tickflow.mjs', import.meta.url));

export class ChildFailedError extends Error {
  override name = 'ChildFailedError';
}

/** A service running as its own process (`tickflow <service> ...`), its output in a log file. */
export class ServiceProcess {
  readonly exited: Promise<number | null>;
  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly logFile: string,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static spawn(
    name: string,
    args: string[],
    env: Record<string, string | undefined>,
    logFile: string,
  ): ServiceProcess {
    const fd = openSync(logFile, 'w');
    const child = spawn(process.execPath, [BIN, name, ...args], { env, stdio: ['ignore', fd, fd] });
    return new ServiceProcess(name, child, logFile);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Last lines of its log, for error messages. */
  tail(lines = 15): string {
    try {
      return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** Polls `GET /healthz` until it answers 200; fails fast if the process exits first. */
  async waitHealthy(port: number, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new ChildFailedError(`${this.name} exited during start-up:\n${this.tail()}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new ChildFailedError(`${this.name} not healthy after ${timeoutMs / 1000} s:\n${this.tail()}`);
  }

  /** SIGTERM (graceful: stop intake, drain, close), SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<number | null> {
    if (this.running) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      const code = await this.exited;
      clearTimeout(timer);
      return code;
    }
    return this.exited;
  }
}
