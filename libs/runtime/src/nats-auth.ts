import { natsAuthSpec } from './common-spec.ts';
import { ConfigError, readSettingFile } from './config.ts';

/** The resolved settings busAuthFrom reads (all optional, so a test's hand-made config may omit them). */
export type NatsAuthConfig = { natsUrl: string; natsWaitS?: number } & Partial<
  Record<keyof typeof natsAuthSpec, string | undefined>
>;

/** What Bus.connect takes (`{ url, auth }`), structurally the same as @tickflow/bus's BusAuth. */
export interface BusConnectSettings {
  url: string;
  /** How long the first connect keeps trying (`--nats-wait-s`); Bus.connect's default when absent. */
  connectTimeoutMs?: number;
  auth: {
    user?: string;
    pass?: string;
    token?: string;
    nkeySeed?: string;
    creds?: string;
    tls?: { ca?: string; cert?: string; key?: string };
    inboxPrefix?: string;
  };
}

/**
 * The URL and credentials for Bus.connect, reading the secret and certificate files now: a
 * missing or unreadable one, or two ways of authenticating at once, is a ConfigError naming the flags.
 */
export function busAuthFrom(c: NatsAuthConfig): BusConnectSettings {
  const problems: string[] = [];
  const read = (path: string | undefined, flag: string): string | undefined => {
    if (path === undefined) return undefined;
    try {
      return readSettingFile(path, flag);
    } catch (err) {
      problems.push(...(err as ConfigError).problems);
      return undefined;
    }
  };
  if (c.natsPassword !== undefined && c.natsPasswordFile !== undefined)
    problems.push('--nats-password and --nats-password-file: give one, not both');
  if (c.natsToken !== undefined && c.natsTokenFile !== undefined)
    problems.push('--nats-token and --nats-token-file: give one, not both');
  const password = c.natsPassword ?? firstLine(read(c.natsPasswordFile, 'nats-password-file'));
  const token = c.natsToken ?? firstLine(read(c.natsTokenFile, 'nats-token-file'));
  const nkeySeed = firstLine(read(c.natsNkey, 'nats-nkey'));
  const creds = read(c.natsCreds, 'nats-creds');
  const ways = [
    c.natsUser !== undefined && '--nats-user',
    token !== undefined && '--nats-token(-file)',
    c.natsNkey !== undefined && '--nats-nkey',
    c.natsCreds !== undefined && '--nats-creds',
  ].filter(Boolean);
  if (ways.length > 1) problems.push(`${ways.join(', ')}: choose one way to authenticate to NATS`);
  if (password !== undefined && c.natsUser === undefined)
    problems.push('--nats-password(-file) needs --nats-user');
  if ((c.natsTlsCert === undefined) !== (c.natsTlsKey === undefined))
    problems.push('--nats-tls-cert and --nats-tls-key: give both (client certificate and its key)');
  const tls = {
    ca: read(c.natsTlsCa, 'nats-tls-ca'),
    cert: read(c.natsTlsCert, 'nats-tls-cert'),
    key: read(c.natsTlsKey, 'nats-tls-key'),
  };
  if (problems.length) throw new ConfigError(problems);
  const auth: BusConnectSettings['auth'] = {};
  if (c.natsUser !== undefined) Object.assign(auth, { user: c.natsUser, pass: password ?? '' });
  if (token !== undefined) auth.token = token;
  if (nkeySeed !== undefined) auth.nkeySeed = nkeySeed;
  if (creds !== undefined) auth.creds = creds;
  if (c.natsInboxPrefix !== undefined) auth.inboxPrefix = c.natsInboxPrefix;
  if (tls.ca || tls.cert) auth.tls = Object.fromEntries(Object.entries(tls).filter(([, v]) => v));
  return {
    url: c.natsUrl,
    auth,
    ...(c.natsWaitS === undefined ? {} : { connectTimeoutMs: c.natsWaitS * 1000 }),
  };
}

/**
 * The environment that passes these settings on to a child `tickflow` process (the demo's
 * services): file paths and values under their env names, never on a command line.
 */
export function natsAuthEnv(c: NatsAuthConfig): Record<string, string> {
  const env: Record<string, string> = { NATS_URL: c.natsUrl };
  if (c.natsWaitS !== undefined) env.TICKFLOW_NATS_WAIT_S = String(c.natsWaitS);
  for (const [key, field] of Object.entries(natsAuthSpec)) {
    const value = c[key as keyof typeof natsAuthSpec];
    if (value !== undefined && field.env) env[field.env] = value;
  }
  return env;
}

/** A secret file's first line: `echo s3cret > file` leaves a newline that is not part of it. */
function firstLine(text: string | undefined): string | undefined {
  return text?.split(/\r?\n/)[0];
}
