import { type HttpApp, presentedToken } from '@tickflow/runtime';
import { parsePromText, sumBy, sumOf } from '../prom-text.ts';
import { DashboardBotBody, DashboardFeedBody } from '../schemas.ts';
import type { SignalsService } from '../signals.ts';
import type { StreamHub } from '../stream-hub.ts';
import type { Upstream } from '../upstream.ts';

export interface DashboardApiOptions {
  signals: SignalsService;
  hub: StreamHub;
  backlog: () => Promise<number>;
  bot: Upstream;
  feed: Upstream;
}

/**
 * What the dashboard's bot and feed panels show, read server-side from the bot's REST API and the
 * feed's /metrics (same origin for the page, so no CORS), plus signals' own intake figures.
 * An unreachable neighbour is reported (`reachable: false`), never an error status.
 */
export function dashboardApiRoutes(opts: DashboardApiOptions) {
  return async (app: HttpApp) => {
    app.get('/v1/dashboard/bot', { schema: { response: { 200: DashboardBotBody } } }, async (req) => {
      // The caller's token, passed on to the bot (it checks it against its own --tokens).
      const token = presentedToken(req) || undefined;
      const [account, pnl, positions] = await Promise.all([
        opts.bot.json('/v1/account', token),
        opts.bot.json('/v1/pnl', token),
        opts.bot.json('/v1/positions', token),
      ]);
      if (!account.ok) return { url: opts.bot.base, reachable: false, error: account.error };
      if (!pnl.ok) return { url: opts.bot.base, reachable: false, error: pnl.error };
      if (!positions.ok) return { url: opts.bot.base, reachable: false, error: positions.error };
      return {
        url: opts.bot.base,
        reachable: true,
        account: account.body,
        pnl: pnl.body,
        positions: (positions.body as { positions?: unknown }).positions ?? [],
      };
    });

    app.get('/v1/dashboard/feed', { schema: { response: { 200: DashboardFeedBody } } }, async (req) => {
      const [metrics, backlog] = await Promise.all([
        opts.feed.get('/metrics', presentedToken(req) || undefined),
        opts.backlog().catch(() => Number.NaN),
      ]);
      const s = opts.signals;
      const signals = {
        consumed: s.consumed,
        decided: s.decided,
        lastTickAgeMs: s.lastTickAt ? Math.max(0, Date.now() - s.lastTickAt / 1000) : null,
        backlog: Number.isFinite(backlog) ? backlog : null,
        clients: opts.hub.stats.clients,
        serverTime: Date.now(),
      };
      if (!metrics.ok)
        return { feed: { url: opts.feed.base, reachable: false, error: metrics.error }, signals };
      if (metrics.status !== 200) {
        const error = `/metrics: HTTP ${metrics.status}`;
        return { feed: { url: opts.feed.base, reachable: false, error }, signals };
      }
      const m = parsePromText(metrics.body);
      const feed = {
        url: opts.feed.base,
        reachable: true,
        published: sumOf(m, 'tickflow_feed_ticks_published_total'),
        confirmed: sumOf(m, 'tickflow_feed_confirmed_total'),
        rejected: sumBy(m, 'tickflow_feed_ticks_rejected_total', 'code'),
        duplicates: sumOf(m, 'tickflow_feed_duplicates_dropped_total'),
        outOfOrder: sumOf(m, 'tickflow_feed_out_of_order_total'),
        outboxMessages: sumOf(m, 'tickflow_feed_outbox_messages'),
        resent: sumOf(m, 'tickflow_feed_resent_total'),
        dropped: sumOf(m, 'tickflow_feed_dropped_total'),
        stale: sumOf(m, 'tickflow_feed_source_stale') > 0,
      };
      return { feed, signals };
    });
  };
}
