import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, closeSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type NatsServerHandle, startNatsServer } from '@tickflow/bus';

/** The `tickflow` command the demo runs too (its bundle, or the sources when they are newer). */
export const TICKFLOW_BIN = fileURLToPath(new URL('../../services/cli/bin/tickflow.mjs', import.meta.url));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the campaign counts per victim. */
export interface VictimStats {
  /** SIGKILLs the campaign sent. */
  kills: number;
  /** Exits nobody asked for (crashes, or gave up on a broker that was down): restarted too. */
  ownExits: number;
  /** Exit codes of those exits, for the table. */
  ownExitCodes: (number | string)[];
}

/** One service run as `tickflow <args>`, restarted with the same arguments after each kill or exit. */
export class ServiceProcess {
  readonly stats: VictimStats = { kills: 0, ownExits: 0, ownExitCodes: [] };
  private child: ChildProcess | undefined;
  private exited: Promise<{ code: number | null; signal: string | null }> = Promise.resolve({
    code: null,
    signal: null,
  });
  /** True once it answered /healthz (or said it is running) since its last start. */
  up = false;
  private expectingExit = false;
  private stopped = false;
  private logOffset = 0;

  constructor(
    readonly name: string,
    private readonly args: string[],
    private readonly env: Record<string, string | undefined>,
    readonly logFile: string,
    /** HTTP port whose /healthz says it is up; 0: up once `readyLine` appears in its log. */
    private readonly port: number,
    private readonly readyLine = '',
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts it (appending to its log) and watches it: an exit nobody asked for restarts it. */
  start(): void {
    appendFileSync(this.logFile, `\n=== chaos: start ${this.name} at ${new Date().toISOString()}\n`);
    this.logOffset = statSync(this.logFile).size;
    const fd = openSync(this.logFile, 'a');
    const child = spawn(process.execPath, [TICKFLOW_BIN, ...this.args], {
      env: this.env,
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    this.child = child;
    this.up = false;
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal: signal ?? null })),
    );
    void this.exited.then(({ code, signal }) => {
      if (this.child !== child || this.expectingExit || this.stopped) return;
      this.stats.ownExits++;
      this.stats.ownExitCodes.push(code ?? signal ?? '?');
      appendFileSync(this.logFile, `\n=== chaos: ${this.name} exited by itself (${code ?? signal})\n`);
      setTimeout(() => {
        if (!this.stopped && this.child === child) this.start();
      }, 1000);
    });
    void this.watchUp(child);
  }

  private async watchUp(child: ChildProcess): Promise<void> {
    while (this.child === child && this.running) {
      if (await this.isUp()) {
        this.up = true;
        return;
      }
      await sleep(200);
    }
  }

  private async isUp(): Promise<boolean> {
    if (this.port > 0) {
      try {
        return (await fetch(`http://127.0.0.1:${this.port}/healthz`)).ok;
      } catch {
        return false;
      }
    }
    return readFileSync(this.logFile).subarray(this.logOffset).includes(this.readyLine);
  }

  /** Waits until it is up, failing with its log's tail when it takes longer than `timeoutMs`. */
  async waitUp(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.up) {
      if (Date.now() > deadline)
        throw new Error(`${this.name} not up after ${timeoutMs} ms:\n${this.tail()}`);
      await sleep(100);
    }
  }

  /** SIGKILL, then the same command again. */
  async killAndRestart(): Promise<void> {
    this.expectingExit = true;
    this.stats.kills++;
    appendFileSync(this.logFile, `\n=== chaos: SIGKILL ${this.name} at ${new Date().toISOString()}\n`);
    this.child?.kill('SIGKILL');
    await this.exited;
    this.expectingExit = false;
    this.start();
  }

  /** SIGTERM; SIGKILL after `graceMs`. Says how it ended and how long the stop took. */
  async stop(
    graceMs = 15_000,
  ): Promise<{ code: number | null; signal: string | null; ms: number; hung: boolean }> {
    this.stopped = true;
    const t0 = Date.now();
    if (!this.running) return { ...(await this.exited), ms: 0, hung: false };
    this.child?.kill('SIGTERM');
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      appendFileSync(
        this.logFile,
        `\n=== chaos: ${this.name} still running ${graceMs} ms after SIGTERM: SIGKILL\n`,
      );
      this.child?.kill('SIGKILL');
    }, graceMs);
    const end = await this.exited;
    clearTimeout(timer);
    return { ...end, ms: Date.now() - t0, hung };
  }

  tail(lines = 20): string {
    try {
      return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }
}

/** The private nats-server: the same port and store across its kills. */
export class Broker {
  readonly stats: VictimStats = { kills: 0, ownExits: 0, ownExitCodes: [] };
  up = false;

  private constructor(
    private handle: NatsServerHandle,
    readonly storeDir: string,
  ) {
    this.up = true;
  }

  static async start(storeDir: string): Promise<Broker> {
    rmSync(storeDir, { recursive: true, force: true });
    return new Broker(await startNatsServer({ storeDir }), storeDir);
  }

  get url(): string {
    return this.handle.url;
  }

  get port(): number {
    return this.handle.port;
  }

  async killAndRestart(): Promise<void> {
    this.stats.kills++;
    this.up = false;
    const exited = new Promise<void>((r) => {
      if (this.handle.process.exitCode !== null || this.handle.process.signalCode !== null) r();
      else this.handle.process.once('exit', () => r());
    });
    this.handle.process.kill('SIGKILL');
    await exited;
    // The port may linger a moment after the kill: try again rather than give up.
    for (let attempt = 1; ; attempt++) {
      try {
        this.handle = await startNatsServer({ storeDir: this.storeDir, port: this.port });
        this.up = true;
        return;
      } catch (err) {
        if (attempt >= 10) throw err;
        await sleep(500);
      }
    }
  }

  stop(): Promise<void> {
    return this.handle.stop();
  }
}
