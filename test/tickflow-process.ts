import { type ChildProcess, type SpawnOptions, spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The CLI entry, for tests that run services as real processes (to SIGKILL them for real). */
export const TICKFLOW_BIN = fileURLToPath(new URL('../services/cli/bin/tickflow.mjs', import.meta.url));

/** A `tickflow` child process and what it wrote to stdout and stderr so far (empty unless `capture`). */
export interface TickflowProcess {
  child: ChildProcess;
  output(): string;
}

/**
 * Runs `tickflow <args>` with only PATH from this environment, plus `env`. With
 * `fileSizeLimitKiB` it runs under `ulimit -f` (through bash, which execs it: the pid is the
 * service's), so its writes fail with EFBIG past that size.
 */
export function spawnTickflow(
  args: readonly string[],
  env: Record<string, string>,
  opts: { capture?: boolean; fileSizeLimitKiB?: number } = {},
): TickflowProcess {
  const cmd = [process.execPath, TICKFLOW_BIN, ...args];
  const options: SpawnOptions = {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: opts.capture ? ['ignore', 'pipe', 'pipe'] : 'ignore',
  };
  const child =
    opts.fileSizeLimitKiB === undefined
      ? spawn(cmd[0] as string, cmd.slice(1), options)
      : spawn('bash', ['-c', `ulimit -f ${opts.fileSizeLimitKiB}; exec "$@"`, 'bash', ...cmd], options);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  return { child, output: () => output };
}

/** Resolves with the child's exit code (at once if it has already exited). */
export const exitCode = (c: ChildProcess): Promise<number | null> =>
  new Promise((r) => (c.exitCode !== null ? r(c.exitCode) : c.once('exit', (code) => r(code))));

/** Runs `tickflow <args>` to its end; the environment is trimmed to PATH and HOME plus `env`. */
export function runTickflow(args: readonly string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [TICKFLOW_BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
