import { readFileSync } from 'node:fs';
import { isCalendarDate } from '@tickflow/core';
import { type Command, Option } from 'commander';
import { LOG_LEVELS } from './logger.ts';

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

class ValueError extends Error {}

type Common<T> = { flag: string; env?: string; description: string; default: T };

export function int(o: Common<number> & { min?: number; max?: number }): Field<number> {
  return {
    ...o,
    valueName: '<n>',
    parse(raw) {
      if (!/^-?\d+$/.test(raw.trim()))
        throw new ValueError(`expected an integer, got ${JSON.stringify(raw)}`);
      const n = Number(raw);
      if (!Number.isSafeInteger(n)) throw new ValueError(`integer out of range, got ${raw}`);
      return inRange(n, o.min, o.max);
    },
  };
}

export function num(o: Common<number> & { min?: number; max?: number }): Field<number> {
  return {
    ...o,
    valueName: '<x>',
    parse(raw) {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n))
        throw new ValueError(`expected a number, got ${JSON.stringify(raw)}`);
      return inRange(n, o.min, o.max);
    },
  };
}

export function str(o: Common<string> & { pattern?: RegExp; hint?: string }): Field<string> {
  return {
    ...o,
    valueName: '<value>',
    parse(raw) {
      if (o.pattern && !o.pattern.test(raw))
        throw new ValueError(`expected ${o.hint ?? o.pattern}, got ${JSON.stringify(raw)}`);
      return raw;
    },
  };
}

/** A string setting with no default (undefined until given). */
export function optionalStr(
  o: Omit<Common<undefined>, 'default'> & { pattern?: RegExp; hint?: string },
): Field<string | undefined> {
  return { ...str({ ...o, default: '' }), default: undefined };
}

/**
 * A UTC calendar date, YYYY-MM-DD, with no default: `2026-02-30` or `2026-13-45` is refused here,
 * before a command opens anything with it.
 */
export function optionalDate(o: Omit<Common<undefined>, 'default'>): Field<string | undefined> {
  return {
    ...o,
    default: undefined,
    valueName: '<YYYY-MM-DD>',
    parse(raw) {
      if (!isCalendarDate(raw))
        throw new ValueError(`expected a calendar date YYYY-MM-DD, got ${JSON.stringify(raw)}`);
      return raw;
    },
  };
}

export function choice<const C extends readonly string[]>(
  o: Common<C[number]> & { choices: C },
): Field<C[number]> {
  return {
    ...o,
    valueName: `<${o.choices.join('|')}>`,
    parse(raw) {
      if (!o.choices.includes(raw))
        throw new ValueError(`expected one of ${o.choices.join(', ')}, got ${JSON.stringify(raw)}`);
      return raw;
    },
  };
}

export function url(o: Common<string> & { protocols: readonly string[] }): Field<string> {
  return {
    ...o,
    valueName: '<url>',
    parse(raw) {
      checkUrl(raw, o.protocols);
      return raw;
    },
  };
}

/**
 * One URL or several, comma-separated (the seed servers of a NATS cluster), each checked as `url`
 * does. The value stays the comma-separated text, blanks around the commas removed.
 */
export function urlList(o: Common<string> & { protocols: readonly string[] }): Field<string> {
  return {
    ...o,
    valueName: '<url[,url...]>',
    parse(raw) {
      const list = raw.split(',').map((s) => s.trim());
      if (list.some((s) => s === ''))
        throw new ValueError(`expected comma-separated URLs, got ${shownUrl(raw)}`);
      for (const one of list) checkUrl(one, o.protocols);
      return list.join(',');
    },
  };
}

// A URL may carry a password or token (nats://user:pass@host): never repeat it.
function shownUrl(raw: string): string {
  return JSON.stringify(
    raw.replace(/\/\/([^:@/,]*):[^@/,]*@/g, '//$1:***@').replace(/\/\/[^:@/,]+@/g, '//***@'),
  );
}

function checkUrl(raw: string, protocols: readonly string[]): void {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ValueError(`expected a URL, got ${shownUrl(raw)}`);
  }
  if (!protocols.includes(u.protocol.replace(/:$/, '')))
    throw new ValueError(`expected a ${protocols.join('/')} URL, got ${shownUrl(raw)}`);
}

export function bool(o: Common<boolean>): Field<boolean> {
  return {
    ...o,
    parse(raw) {
      const v = raw.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(v)) return true;
      if (['0', 'false', 'no', 'off'].includes(v)) return false;
      throw new ValueError(`expected true or false, got ${JSON.stringify(raw)}`);
    },
  };
}

function inRange(n: number, min?: number, max?: number): number {
  if (min !== undefined && n < min) throw new ValueError(`must be >= ${min}, got ${n}`);
  if (max !== undefined && n > max) throw new ValueError(`must be <= ${max}, got ${n}`);
  return n;
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

/**
 * NATS credentials and TLS settings every service reads the same way. Secrets come from files
 * (or the environment); `--nats-password` / `--nats-token` exist for completeness but a flag value
 * is visible to anyone who can list processes, so prefer the `-file` variants. The environment
 * names follow the `nats` CLI's (NATS_USER, NATS_PASSWORD, NATS_CREDS, NATS_NKEY, NATS_CA, ...).
 */
/** An optional string setting shown in --help as `--flag <placeholder>` (`<path>`, `<name>`). */
function withPlaceholder(valueName: string, o: Parameters<typeof optionalStr>[0]): Field<string | undefined> {
  return { ...optionalStr(o), valueName };
}

export const natsAuthSpec = {
  natsUser: withPlaceholder('<name>', { flag: 'nats-user', env: 'NATS_USER', description: 'NATS user name' }),
  natsPassword: withPlaceholder('<secret>', {
    flag: 'nats-password',
    env: 'NATS_PASSWORD',
    description: 'NATS password (prefer NATS_PASSWORD or --nats-password-file: flags show in ps)',
  }),
  natsPasswordFile: withPlaceholder('<path>', {
    flag: 'nats-password-file',
    env: 'NATS_PASSWORD_FILE',
    description: 'file holding the NATS password',
  }),
  natsToken: withPlaceholder('<secret>', {
    flag: 'nats-token',
    env: 'NATS_TOKEN',
    description: 'NATS token (prefer NATS_TOKEN or --nats-token-file: flags show in ps)',
  }),
  natsTokenFile: withPlaceholder('<path>', {
    flag: 'nats-token-file',
    env: 'NATS_TOKEN_FILE',
    description: 'file holding the NATS token',
  }),
  natsNkey: withPlaceholder('<path>', {
    flag: 'nats-nkey',
    env: 'NATS_NKEY',
    description: 'file holding the NKey user seed (SU...)',
  }),
  natsCreds: withPlaceholder('<path>', {
    flag: 'nats-creds',
    env: 'NATS_CREDS',
    description: 'NATS .creds file (user JWT and seed)',
  }),
  natsTlsCa: withPlaceholder('<path>', {
    flag: 'nats-tls-ca',
    env: 'NATS_CA',
    description: 'CA certificate (PEM) the NATS server certificate must chain to; turns TLS on',
  }),
  natsTlsCert: withPlaceholder('<path>', {
    flag: 'nats-tls-cert',
    env: 'NATS_CERT',
    description: 'client certificate (PEM) for NATS servers that verify clients (mTLS)',
  }),
  natsTlsKey: withPlaceholder('<path>', {
    flag: 'nats-tls-key',
    env: 'NATS_KEY',
    description: 'key (PEM) of --nats-tls-cert',
  }),
  natsInboxPrefix: {
    ...optionalStr({
      flag: 'nats-inbox-prefix',
      env: 'NATS_INBOX_PREFIX',
      description:
        'prefix of the reply subjects (default _INBOX); one per service lets the server keep replies apart (docs/SECURITY.md)',
      pattern: /^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/,
      hint: 'subject tokens without wildcards',
    }),
    valueName: '<prefix>',
  },
};

/** Settings every service reads the same way. */
export const commonSpec = {
  natsUrl: urlList({
    flag: 'nats-url',
    env: 'NATS_URL',
    description:
      'NATS server URL, or the seed servers of a cluster comma-separated (the rest is learned from them)',
    default: 'nats://127.0.0.1:4222',
    protocols: ['nats', 'tls'],
  }),
  ...natsAuthSpec,
  replicas: int({
    flag: 'replicas',
    env: 'TICKFLOW_REPLICAS',
    description:
      'copies of each stream (servers of a NATS cluster) a service creates it with when it is missing; an existing stream is never changed (tickflow streams apply)',
    default: 1,
    min: 1,
    max: 5,
  }),
  host: str({ flag: 'host', env: 'TICKFLOW_HOST', description: 'HTTP listen address', default: '127.0.0.1' }),
  logLevel: choice({
    flag: 'log-level',
    env: 'TICKFLOW_LOG_LEVEL',
    description: 'log level',
    default: 'info',
    choices: LOG_LEVELS,
  }),
  // HTTP access control (docs/SECURITY.md); read by loadHttpSecurity (http-security.ts).
  tokens: optionalStr({
    flag: 'tokens',
    env: 'TICKFLOW_TOKENS_FILE',
    description:
      'file of bearer tokens, one "<token> <scope>[,<scope>] [name]" a line (scopes read, trade, admin); given: every route but --open-routes needs a token',
  }),
  openRoutes: str({
    flag: 'open-routes',
    env: 'TICKFLOW_OPEN_ROUTES',
    description:
      'routes served without a token when --tokens is given, comma-separated; a trailing * matches every route below ("" for none)',
    default: '/healthz,/metrics',
    pattern: /^(\/[^\s,]*(,\/[^\s,]*)*)?$/,
    hint: 'comma-separated paths starting with /',
  }),
  insecure: bool({
    flag: 'insecure',
    env: 'TICKFLOW_INSECURE',
    description: 'serve HTTP beyond loopback (--host) without --tokens: anyone who reaches the port may read',
    default: false,
  }),
  corsOrigins: optionalStr({
    flag: 'cors-origins',
    env: 'TICKFLOW_CORS_ORIGINS',
    description:
      'other web origins (https://host:port) whose pages may call the API and open WebSockets, comma-separated (unset: CORS off)',
    pattern: /^([a-z][a-z0-9+.-]*:\/\/[^\s,/]+(,[a-z][a-z0-9+.-]*:\/\/[^\s,/]+)*)?$/,
    hint: 'comma-separated origins like https://ops.example:8443',
  }),
  rateLimit: int({
    flag: 'rate-limit',
    env: 'TICKFLOW_RATE_LIMIT',
    description: 'HTTP requests per minute per client address; more are answered 429 (0: no limit)',
    default: 1200,
    min: 0,
    max: 10_000_000,
  }),
  rateLimitLoopback: int({
    flag: 'rate-limit-loopback',
    env: 'TICKFLOW_RATE_LIMIT_LOOPBACK',
    description: 'the same for clients on this host (127.0.0.1, ::1) (0: no limit)',
    default: 0,
    min: 0,
    max: 10_000_000,
  }),
  tlsCert: optionalStr({
    flag: 'tls-cert',
    env: 'TICKFLOW_TLS_CERT',
    description: 'PEM certificate (chain) file: serve HTTPS and WSS (with --tls-key)',
  }),
  tlsKey: optionalStr({
    flag: 'tls-key',
    env: 'TICKFLOW_TLS_KEY',
    description: 'PEM private key file of --tls-cert',
  }),
  shutdownTimeoutMs: int({
    flag: 'shutdown-timeout-ms',
    env: 'TICKFLOW_SHUTDOWN_TIMEOUT_MS',
    description:
      'ms a stop request (SIGTERM/SIGINT) may take; past it the service logs what it could not flush and exits 1',
    default: 10_000,
    min: 100,
    max: 600_000,
  }),
};

/** Reads a file named by a setting; a missing or unreadable one is a ConfigError naming the flag. */
export function readSettingFile(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigError([`--${flag} ${path}: ${(cause as Error).message}`]);
  }
}
