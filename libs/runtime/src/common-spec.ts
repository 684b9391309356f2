import type { Field } from './config.ts';
import { bool, choice, int, optionalStr, str, urlList } from './config-fields.ts';
import { LOG_LEVELS } from './logger.ts';

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
  natsWaitS: int({
    flag: 'nats-wait-s',
    env: 'TICKFLOW_NATS_WAIT_S',
    description:
      'seconds a starting process keeps trying while NATS does not answer (a broker restarting) before it exits 1; 0 = until it answers',
    default: 30,
    min: 0,
    max: 86_400,
  }),
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
