import { ConfigError, readSettingFile } from './config.ts';
import { loadTokens, TokenStore } from './tokens.ts';

/** The HTTP access-control settings of commonSpec, as resolved. */
export interface HttpSecurityConfig {
  host: string;
  tokens: string | undefined;
  openRoutes: string;
  insecure: boolean;
  corsOrigins: string | undefined;
  rateLimit: number;
  rateLimitLoopback: number;
  tlsCert: string | undefined;
  tlsKey: string | undefined;
}

/** What createHttpApp enforces (see http-auth.ts and http-hardening.ts). */
export interface HttpSecurity {
  /** Accepted tokens; undefined when none is configured (then state changes answer 403). */
  tokens?: TokenStore;
  /** Reads need a token too: true when a tokens file is given. */
  readsNeedToken: boolean;
  /** Route patterns served without a token (exact, or a prefix when ending in `*`). */
  openRoutes: string[];
  /** Origins allowed for CORS and WebSocket upgrades besides the service's own. */
  corsOrigins: string[];
  /** Requests per minute per client address (0: no limit), and for loopback clients. */
  rateLimit: number;
  rateLimitLoopback: number;
  https?: { cert: Buffer; key: Buffer };
}

/** Loopback only, so a service on its defaults is open to this host alone. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Settings for a service on its defaults: loopback, no tokens, healthz and metrics open. */
export function defaultHttpSecurity(): HttpSecurity {
  return {
    readsNeedToken: false,
    openRoutes: ['/healthz', '/metrics'],
    corsOrigins: [],
    rateLimit: 1200,
    rateLimitLoopback: 0,
  };
}

const list = (raw: string | undefined) =>
  (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * Reads the tokens file and TLS files and checks the combination. A service asked to listen beyond
 * loopback without tokens is refused (ConfigError, exit 2) unless `--insecure` says so. `legacy`
 * is a single token from an older flag (the bot's `--admin-token`): it grants `trade` (what it allowed: halt and resume) but does not
 * close reads by itself, as before.
 */
export function loadHttpSecurity(
  config: HttpSecurityConfig,
  legacy?: { token: string; flag: string },
): HttpSecurity {
  const problems: string[] = [];
  let tokens: TokenStore | undefined;
  if (config.tokens !== undefined) tokens = loadTokens(config.tokens);
  if (legacy) {
    tokens ??= new TokenStore();
    tokens.add(legacy.token, { name: `--${legacy.flag}`, scopes: new Set(['trade']) });
  }
  if (!isLoopbackHost(config.host) && config.tokens === undefined && !config.insecure) {
    problems.push(
      `--host ${config.host} listens beyond loopback without authentication: give --tokens <file> ` +
        '(docs/SECURITY.md), or --insecure to let anyone who reaches the port read',
    );
  }
  const corsOrigins = list(config.corsOrigins);
  for (const origin of corsOrigins) {
    let parsed: string | undefined;
    try {
      parsed = new URL(origin).origin;
    } catch {
      // reported below
    }
    if (parsed !== origin)
      problems.push(`--cors-origins: ${JSON.stringify(origin)} is not an origin like https://host:8443`);
  }
  if ((config.tlsCert === undefined) !== (config.tlsKey === undefined))
    problems.push('--tls-cert and --tls-key go together: give both or neither');
  if (problems.length) throw new ConfigError(problems);
  const https =
    config.tlsCert !== undefined && config.tlsKey !== undefined
      ? {
          cert: Buffer.from(readSettingFile(config.tlsCert, 'tls-cert')),
          key: Buffer.from(readSettingFile(config.tlsKey, 'tls-key')),
        }
      : undefined;
  return {
    ...(tokens ? { tokens } : {}),
    readsNeedToken: config.tokens !== undefined,
    openRoutes: list(config.openRoutes),
    corsOrigins,
    rateLimit: config.rateLimit,
    rateLimitLoopback: config.rateLimitLoopback,
    ...(https ? { https } : {}),
  };
}
