import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';

/**
 * Typed configuration: every setting is declared once (flag, environment variable, default,
 * validation, help text) and resolved with precedence flags > environment > default. Invalid values
 * and unknown `TICKFLOW_*` variables are refused at start, all problems listed in one error.
 */
export interface Field<T> {
  /** Long flag without dashes, e.g. `port` for `--port`. */
  flag: string;
  /** Environment variable, e.g. `TICKFLOW_SIGNALS_PORT`. */
  env?: string;
  description: string;
  default: T;
  /** Placeholder in --help (`<n>`, `<url>`); absent for boolean switches. */
  valueName?: string;
  parse(raw: string): T;
}

export type Spec = Record<string, Field<unknown>>;
export type ConfigOf<S extends Spec> = { [K in keyof S]: S[K] extends Field<infer T> ? T : never };

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

const camel = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** Declares every field of `spec` as an option of `cmd`, with its env variable and default in --help. */
export function addOptions(cmd: Command, spec: Spec): Command {
  for (const field of Object.values(spec)) {
    const flags = field.valueName ? `--${field.flag} ${field.valueName}` : `--${field.flag}`;
    const extra: string[] = [];
    if (field.env) extra.push(`env ${field.env}`);
    if (field.default !== undefined && field.default !== false)
      extra.push(`default ${String(field.default)}`);
    const desc = extra.length ? `${field.description} (${extra.join('; ')})` : field.description;
    cmd.addOption(new Option(flags, desc));
  }
  return cmd;
}

/** Resolves flags > env > defaults; throws ConfigError naming every bad value and where it came from. */
export function resolveConfig<S extends Spec>(
  spec: S,
  flags: Record<string, unknown>,
  env: Record<string, string | undefined>,
): ConfigOf<S> {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, field] of Object.entries(spec)) {
    const fromFlag = flags[camel(field.flag)];
    const fromEnv = field.env ? env[field.env] : undefined;
    try {
      if (fromFlag !== undefined) out[key] = fromFlag === true ? true : field.parse(String(fromFlag));
      else if (fromEnv !== undefined && fromEnv !== '') out[key] = field.parse(fromEnv);
      else out[key] = field.default;
    } catch (err) {
      const where = fromFlag !== undefined ? `--${field.flag}` : `${field.env}`;
      problems.push(`${where}: ${(err as Error).message}`);
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return out as ConfigOf<S>;
}

/** `TICKFLOW_*` variables that no spec declares: most likely typos, refused so they are not ignored. */
export function unknownEnv(env: Record<string, string | undefined>, specs: Spec[]): string[] {
  const known = new Set(specs.flatMap((s) => Object.values(s).flatMap((f) => (f.env ? [f.env] : []))));
  return Object.keys(env).filter((k) => k.startsWith('TICKFLOW_') && !known.has(k));
}

/** Reads a file named by a setting; a missing or unreadable one is a ConfigError naming the flag. */
export function readSettingFile(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigError([`--${flag} ${path}: ${(cause as Error).message}`]);
  }
}
