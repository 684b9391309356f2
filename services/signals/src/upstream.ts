export type UpstreamResult = { ok: true; status: number; body: string } | { ok: false; error: string };

/**
 * A neighbouring service's HTTP API (the bot, the feed) as the dashboard reads it through signals:
 * one origin for the page (no CORS), a timeout so a dead neighbour never holds a request, and a
 * short cache so any number of open dashboards costs the neighbour one request per path per
 * `cacheMs`.
 */
export class Upstream {
  private readonly cache = new Map<string, { at: number; result: Promise<UpstreamResult> }>();

  constructor(
    readonly base: string,
    private readonly timeoutMs = 1500,
    private readonly cacheMs = 500,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * GETs `path` (relative to the base URL, which may carry a path prefix); never throws.
   * `token`: the caller's bearer token, passed on (one tokens file serves the whole deployment);
   * answers are cached per token, so a caller never gets what another token was given.
   */
  get(path: string, token?: string): Promise<UpstreamResult> {
    const key = token === undefined ? path : `${path} ${token}`;
    const hit = this.cache.get(key);
    if (hit && this.now() - hit.at < this.cacheMs) return hit.result;
    const result = this.fetch(path, token);
    this.cache.set(key, { at: this.now(), result });
    return result;
  }

  /** GETs `path` and parses it as JSON. */
  async json(
    path: string,
    token?: string,
  ): Promise<{ ok: true; body: unknown } | { ok: false; error: string }> {
    const r = await this.get(path, token);
    if (!r.ok) return r;
    if (r.status !== 200) return { ok: false, error: `${path}: HTTP ${r.status}` };
    try {
      return { ok: true, body: JSON.parse(r.body) };
    } catch {
      return { ok: false, error: `${path}: not JSON` };
    }
  }

  private async fetch(path: string, token?: string): Promise<UpstreamResult> {
    const base = this.base.endsWith('/') ? this.base : `${this.base}/`;
    const url = new URL(path.replace(/^\//, ''), base);
    try {
      const res = await fetch(url, {
        signal: AbortSignal.timeout(this.timeoutMs),
        ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
      });
      return { ok: true, status: res.status, body: await res.text() };
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      return { ok: false, error: `${url.href}: ${cause ?? (err as Error).message}` };
    }
  }
}
