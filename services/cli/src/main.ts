import {
  BusAuthError,
  BusConnectError,
  NatsServerNotFoundError,
  StreamApplyRefusedError,
  StreamSubjectsError,
} from '@tickflow/bus';
import { PartitionSpecError } from '@tickflow/core';
import { ReplayColumnError, ReplayFileError, SourceConfigError } from '@tickflow/feed';
import { ConfigError, PortUnavailableError, unknownEnv } from '@tickflow/runtime';
import { StrategyConfigError, StrategyFileError } from '@tickflow/strategy';
import { ALL_SPECS, buildProgram } from './commands.ts';

/** Entry point of the `tickflow` command: refuses bad configuration before anything starts. */
async function main(): Promise<void> {
  const unknown = unknownEnv(process.env, ALL_SPECS);
  if (unknown.length) {
    process.stderr.write(
      `tickflow: unknown environment variable(s): ${unknown.join(', ')} (typo? see tickflow <command> --help)\n`,
    );
    process.exit(2);
  }
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (err) {
    if (
      err instanceof ConfigError ||
      err instanceof PortUnavailableError ||
      // Refused credentials are a configuration problem: a restart would be refused the same way.
      err instanceof BusAuthError ||
      err instanceof SourceConfigError ||
      err instanceof ReplayColumnError ||
      err instanceof PartitionSpecError ||
      err instanceof StrategyFileError ||
      err instanceof StrategyConfigError ||
      // A stream that lacks tickflow's subjects, or a stream change refused: the operator decides.
      err instanceof StreamSubjectsError ||
      err instanceof StreamApplyRefusedError
    ) {
      process.stderr.write(`tickflow: ${err.message}\n`);
      process.exit(2);
    }
    // A replay file that is unreadable or damaged part-way (what it gave was published): exit 1.
    if (
      err instanceof BusConnectError ||
      err instanceof NatsServerNotFoundError ||
      err instanceof ReplayFileError
    ) {
      process.stderr.write(`tickflow: ${err.message}\n`);
      process.exit(1);
    }
    // Anything else (a broker request that timed out while a service was starting, say): one
    // clear line and exit 1 for the supervisor to restart it, not an unhandled stack trace.
    process.stderr.write(`tickflow: stopped by an error it could not recover from: ${describe(err)}\n`);
    process.exit(1);
  }
}

/** `Name: message`, then each cause's, so the line says what failed and why. */
function describe(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e !== undefined && depth < 5; depth++) {
    parts.push(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join(' <- ');
}

await main();
