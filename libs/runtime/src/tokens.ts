import { createHash, timingSafeEqual } from 'node:crypto';
import { ConfigError, readSettingFile } from './config.ts';

/**
 * What a bearer token may do, each level including the ones before it: `read` (every GET and
 * WebSocket), `trade` (any state change: POST /v1/halt, /v1/resume), `admin` (everything).
 */
export const SCOPES = ['read', 'trade', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** Tokens are URL- and WebSocket-subprotocol-safe (`openssl rand -hex 32` is one), 16 to 512 chars. */
const TOKEN = /^[A-Za-z0-9._~-]{16,512}$/;

export interface TokenEntry {
  /** Who holds it, for answers (a 403 names it); never the token itself. */
  name: string;
  scopes: ReadonlySet<Scope>;
}

/** True when `scopes` grant `needed` (a higher level grants the lower ones). */
export function grants(scopes: ReadonlySet<Scope>, needed: Scope): boolean {
  const level = SCOPES.indexOf(needed);
  for (const s of scopes) if (SCOPES.indexOf(s) >= level) return true;
  return false;
}

const digest = (token: string) => createHash('sha256').update(token, 'utf8').digest();

/**
 * The tokens a service accepts, kept only as SHA-256 digests. `find` compares the candidate's
 * digest with every entry's through `timingSafeEqual`, without stopping at a match: the time taken
 * tells neither how much of a token matched nor its length (every digest is 32 bytes).
 */
export class TokenStore {
  private readonly entries: { digest: Buffer; entry: TokenEntry }[] = [];

  add(token: string, entry: TokenEntry): void {
    this.entries.push({ digest: digest(token), entry });
  }

  get size(): number {
    return this.entries.length;
  }

  find(candidate: string): TokenEntry | undefined {
    const d = digest(candidate);
    let found: TokenEntry | undefined;
    for (const e of this.entries) {
      if (timingSafeEqual(d, e.digest)) found ??= e.entry;
    }
    return found;
  }
}

/**
 * Parses a tokens file: one token per line, `<token> <scope>[,<scope>…] [name]`, blank lines and
 * `#` comments ignored. Every bad line is named (by number, never by its token) in one ConfigError.
 */
export function parseTokens(text: string, source: string, store = new TokenStore()): TokenStore {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) continue;
    const problem = addLine(line, i + 1, store, seen);
    if (problem) problems.push(`${source} line ${i + 1}: ${problem}`);
  }
  if (problems.length) throw new ConfigError(problems);
  if (store.size === 0) throw new ConfigError([`${source}: no tokens in the file`]);
  return store;
}

/** Adds one line's token to `store`; returns what is wrong with the line, if anything. */
function addLine(line: string, n: number, store: TokenStore, seen: Set<string>): string | undefined {
  const [token = '', scopeList = '', name = `line ${n}`, ...extra] = line.split(/\s+/);
  if (extra.length) return 'expected "<token> <scopes> [name]", got more fields';
  if (!TOKEN.test(token)) return 'a token is 16 to 512 characters of A-Z a-z 0-9 . _ ~ -';
  const scopes = scopeList.split(',').filter(Boolean);
  const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (!scopes.length || unknown.length)
    return `scopes must be a comma-separated list of ${SCOPES.join(', ')}, got ${JSON.stringify(scopeList)}`;
  const d = digest(token).toString('hex');
  if (seen.has(d)) return 'the same token appears twice';
  seen.add(d);
  store.add(token, { name, scopes: new Set(scopes as Scope[]) });
  return undefined;
}

/** Reads and parses `--tokens <file>`; missing, unreadable or malformed: ConfigError naming it. */
export function loadTokens(path: string, flag = 'tokens'): TokenStore {
  return parseTokens(readSettingFile(path, flag), `--${flag} ${path}`);
}
