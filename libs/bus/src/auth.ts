import {
  type ConnectionOptions,
  createInbox,
  credsAuthenticator,
  type NatsConnection,
  NatsError,
  nkeyAuthenticator,
} from 'nats';

/** TLS material as PEM text (read from files by the caller, so a missing file names its flag). */
export interface BusTls {
  /** CA certificate(s) the server's certificate must chain to. */
  ca?: string;
  /** Client certificate and its key, for servers that verify clients (mTLS). */
  cert?: string;
  key?: string;
}

/**
 * How to authenticate to NATS: at most one of user/password, token, NKey seed or `.creds` (JWT),
 * plus TLS. Secrets are values, never printed: URLs are redacted and messages scrubbed.
 */
export interface BusAuth {
  user?: string;
  pass?: string;
  token?: string;
  /** An NKey user seed (`SU...`), the text of an `.nk` file. */
  nkeySeed?: string;
  /** The text of a `.creds` file (user JWT and its NKey seed). */
  creds?: string;
  tls?: BusTls;
  /**
   * Prefix of this connection's reply subjects (default `_INBOX`). With one per service, a
   * server can let each service subscribe to its own replies only (docs/nats-permissions.conf).
   */
  inboxPrefix?: string;
}

/**
 * The URL with its password (or a lone token/user part) replaced by `***`: safe for logs and
 * /healthz. A comma-separated seed list (`nats://a:4222,nats://b:4222`) is redacted URL by URL.
 */
export function redactUrl(raw: string): string {
  return splitServers(raw).map(redactOne).join(',');
}

function redactOne(raw: string): string {
  try {
    const u = new URL(raw);
    if (!u.username && !u.password) return raw;
    if (u.password) u.password = '***';
    else u.username = '***';
    return u.toString();
  } catch {
    return raw.replace(/\/\/[^@/]*@/, '//***@');
  }
}

/**
 * The servers of a `--nats-url` value: one URL, or several comma-separated (the seeds of one
 * cluster, as NATS clients take them). Blanks around the commas are dropped.
 */
export function splitServers(raw: string): string[] {
  const list = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  return list.length ? list : [raw];
}

/** The connection options nats.js needs for `url` and `auth`, and the secrets to scrub from messages. */
export interface NatsConnectParts {
  /**
   * The server addresses without credentials (nats.js would take `u:p@` for part of the host):
   * the seeds; nats.js learns the rest of the cluster from the servers it reaches.
   */
  servers: string[];
  options: Partial<ConnectionOptions>;
  /** Every secret in play, to be replaced by `***` in any text shown. */
  secrets: string[];
}

/**
 * Splits credentials out of the URL (`nats://user:pass@host`, `nats://token@host`) into options;
 * explicit `auth` values win over the URL's. A comma-separated list gives several seed servers;
 * the first one that carries credentials supplies them (one user for the whole cluster). A
 * `tls://` URL requires TLS even without a CA file.
 */
export function natsConnectParts(url: string, auth: BusAuth = {}): NatsConnectParts {
  const servers: string[] = [];
  let fromUrl: { user?: string; pass?: string; token?: string } = {};
  const urlSecrets: string[] = [];
  for (const one of splitServers(url)) {
    try {
      const u = new URL(one);
      if (u.username || u.password) {
        const user = decodeURIComponent(u.username);
        const pass = decodeURIComponent(u.password);
        const creds = u.password ? { user, pass } : { token: user };
        if (fromUrl.user === undefined && fromUrl.token === undefined) fromUrl = creds;
        urlSecrets.push(u.password ? pass : user);
        u.username = '';
        u.password = '';
        servers.push(u.toString());
        continue;
      }
    } catch {
      // not a WHATWG-parsable URL (a bare host:port): nats.js takes it as it is
    }
    servers.push(one);
  }
  const options: Partial<ConnectionOptions> = {};
  const explicit = auth.user || auth.token || auth.nkeySeed || auth.creds;
  if (auth.creds) options.authenticator = credsAuthenticator(new TextEncoder().encode(auth.creds));
  else if (auth.nkeySeed)
    options.authenticator = nkeyAuthenticator(new TextEncoder().encode(auth.nkeySeed.trim()));
  else if (auth.token) options.token = auth.token;
  else if (auth.user) Object.assign(options, { user: auth.user, pass: auth.pass ?? '' });
  if (!explicit) {
    if (fromUrl.token) options.token = fromUrl.token;
    else if (fromUrl.user !== undefined) Object.assign(options, { user: fromUrl.user, pass: fromUrl.pass });
  }
  if (auth.tls && (auth.tls.ca || auth.tls.cert || auth.tls.key)) {
    options.tls = {
      ...(auth.tls.ca ? { ca: auth.tls.ca } : {}),
      ...(auth.tls.cert ? { cert: auth.tls.cert } : {}),
      ...(auth.tls.key ? { key: auth.tls.key } : {}),
    };
  } else if (servers.some((one) => /^tls:/i.test(one))) options.tls = {};
  if (auth.inboxPrefix) options.inboxPrefix = auth.inboxPrefix;
  const secrets = [
    options.pass,
    options.token,
    auth.nkeySeed?.trim(),
    auth.creds,
    auth.tls?.key,
    ...urlSecrets,
  ]
    .filter((s): s is string => typeof s === 'string' && s.length > 0)
    // A one-character password would turn every message into stars; such a password is the flaw.
    .filter((s) => s.length > 2);
  return { servers, options, secrets };
}

/**
 * A new reply subject under the connection's inbox prefix. nats.js keeps the prefix in its
 * connection's `options`, which its NatsConnection interface does not declare.
 */
export function inboxFor(nc: NatsConnection): string {
  return createInbox((nc as NatsConnection & { options?: ConnectionOptions }).options?.inboxPrefix);
}

/** `text` with every secret replaced by `***`. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('***');
  return out;
}

/** True when the server refused the credentials (wrong, expired or missing). */
export function isAuthRefusal(err: unknown): boolean {
  return err instanceof NatsError && (err.isAuthError() || err.isAuthTimeout());
}

/** True for a TLS failure node reports (certificate not trusted, expired, wrong host, handshake). */
export function isTlsFailure(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /CERT|TLS|SSL|VERIFY|SELF_SIGNED|ALTNAME/.test(code);
}
