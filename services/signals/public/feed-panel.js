import { getJson } from './api.js';
import { renderFigures, renderRows, setBadge } from './figures.js';
import { age, count } from './format.js';
import { drawSparkline } from './sparkline.js';

const RATE_POINTS = 120;

/**
 * Feed health as signals sees it: ticks/s published by the feed (its /metrics, proxied) and
 * applied by signals, rejects by code, staleness, backlog. Rates are differences between polls.
 */
export class FeedPanel {
  constructor(root) {
    this.state = root.querySelector('#feed-state');
    this.figures = root.querySelector('#feed-figures');
    this.rejects = root.querySelector('#rejects tbody');
    this.canvas = root.querySelector('#rate-spark');
    this.prev = undefined;
    this.rates = [];
    this.last = undefined;
  }

  async refresh() {
    const body = await getJson('/v1/dashboard/feed');
    const { feed, signals } = body;
    const prev = this.prev;
    this.prev = body;
    const dt = prev ? (signals.serverTime - prev.signals.serverTime) / 1000 : 0;
    const rate = (now, before) =>
      dt > 0 && before !== undefined ? Math.max(0, (now - before) / dt) : Number.NaN;
    const applied = rate(signals.consumed, prev?.signals.consumed);
    const published =
      feed.reachable && prev?.feed.reachable ? rate(feed.published, prev.feed.published) : Number.NaN;
    this.last = { ...body, applied, published };
    if (Number.isFinite(applied)) {
      this.rates.push(applied);
      if (this.rates.length > RATE_POINTS) this.rates.shift();
      drawSparkline(this.canvas, this.rates, '#4c8dff');
    }
    // Stale: the feed says its source went silent, or signals has had no tick for 5 s.
    const quiet = signals.lastTickAgeMs === null || signals.lastTickAgeMs > 5000;
    if (!feed.reachable)
      setBadge(this.state, quiet ? 'feed down' : 'feed unreachable', quiet ? 'bad' : 'warn');
    else if (feed.stale) setBadge(this.state, 'source stale', 'bad');
    else setBadge(this.state, quiet ? 'idle' : 'flowing', quiet ? 'warn' : 'ok');
    this.state.title = feed.error ?? '';
    renderFigures(this.figures, [
      ['feed ticks/s', count(published)],
      ['signals ticks/s', count(applied)],
      ['published', feed.reachable ? count(feed.published) : '—'],
      ['applied by signals', count(signals.consumed)],
      ['decisions', count(signals.decided)],
      ['last tick', signals.lastTickAgeMs === null ? 'never' : `${age(signals.lastTickAgeMs)} ago`],
      ['backlog', count(signals.backlog)],
      ['outbox', feed.reachable ? count(feed.outboxMessages) : '—'],
      ['dup / out of order', feed.reachable ? `${count(feed.duplicates)} / ${count(feed.outOfOrder)}` : '—'],
      ['stream clients', count(signals.clients)],
    ]);
    const codes = Object.entries(feed.rejected ?? {}).sort((a, b) => b[1] - a[1]);
    renderRows(
      this.rejects,
      codes.length
        ? codes.map(([code, n]) => [code, [count(n), 'num']])
        : [
            [
              ['none', 'muted'],
              ['0', 'num'],
            ],
          ],
    );
  }
}
