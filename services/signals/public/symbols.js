import { barTime, getJson } from './api.js';
import { percent, price, sign } from './format.js';
import { drawSparkline } from './sparkline.js';

/** One-minute closes per sparkline: about an hour of exchange time. */
const SPARK_POINTS = 60;

/**
 * The symbol list: last price, change over the sparkline's window, the last decision, and a
 * 1-minute sparkline per symbol. `update` only records; `render` touches the DOM of changed rows
 * that are on screen (a row scrolled out of view is drawn when it comes back), so thousands of
 * symbols cost what the visible few do.
 */
export class SymbolList {
  constructor(tbody, empty, onSelect) {
    this.tbody = tbody;
    this.empty = empty;
    this.onSelect = onSelect;
    this.rows = new Map();
    this.dirty = new Set();
    this.selected = undefined;
    this.seedQueue = [];
    this.seeding = false;
    this.last = undefined; // the greatest symbol listed
    this.observer = new IntersectionObserver((entries) => {
      for (const e of entries) {
        const { symbol } = /** @type {HTMLElement} */ (e.target).dataset;
        const r = this.rows.get(symbol);
        if (!r) continue;
        r.visible = e.isIntersecting;
        if (r.visible && r.stale) this.dirty.add(symbol);
      }
    });
  }

  get size() {
    return this.rows.size;
  }

  symbols() {
    return [...this.rows.keys()].sort();
  }

  /** A signal view from REST or the stream. */
  update(view) {
    const r = this.rows.get(view.symbol) ?? this.add(view.symbol);
    r.view = view;
    const p = view.indicators.price;
    if (Number.isFinite(p) && view.lastTs !== undefined) {
      const t = barTime(view.lastTs, '1m');
      const last = r.points[r.points.length - 1];
      if (last && t === last.time) last.close = p;
      else if (!last || t > last.time) {
        r.points.push({ time: t, open: p, close: p });
        if (r.points.length > SPARK_POINTS) r.points.shift();
      }
    }
    this.touch(view.symbol, r);
  }

  touch(symbol, r) {
    r.stale = true;
    if (r.visible) this.dirty.add(symbol);
  }

  add(symbol) {
    const tr = document.createElement('tr');
    tr.dataset.symbol = symbol;
    tr.innerHTML =
      '<td class="sym"></td><td class="num last"></td><td class="num chg"></td><td class="sig"></td>' +
      '<td><canvas class="spark" width="80" height="22"></canvas></td>';
    tr.querySelector('.sym').textContent = symbol;
    tr.addEventListener('click', () => this.onSelect(symbol));
    // visible until the observer says otherwise: the first render must not wait for it
    const r = { tr, view: undefined, points: [], visible: true, stale: false, decisionId: undefined };
    // Rows stay in symbol order; symbols mostly arrive sorted (/v1/signals), so append then.
    let after;
    if (this.last !== undefined && symbol < this.last) {
      after = [...this.rows.keys()].filter((s) => s > symbol).sort()[0];
    } else this.last = symbol;
    this.tbody.insertBefore(tr, after ? this.rows.get(after).tr : null);
    this.rows.set(symbol, r);
    this.observer.observe(tr);
    if (symbol === this.selected) tr.classList.add('selected');
    this.seedQueue.push(symbol);
    void this.seed();
    return r;
  }

  /** Fills new rows' sparklines from their 1-minute bars, one request at a time. */
  async seed() {
    if (this.seeding) return;
    this.seeding = true;
    try {
      while (this.seedQueue.length) {
        const symbol = this.seedQueue.shift();
        const r = this.rows.get(symbol);
        try {
          const body = await getJson(
            `/v1/bars/${encodeURIComponent(symbol)}?interval=1m&limit=${SPARK_POINTS}`,
          );
          const bars = body.forming ? [...body.bars, body.forming] : body.bars;
          const history = bars.map((b) => ({ time: b.ts / 1_000_000, open: b.open, close: b.close }));
          const newest = history.length ? history[history.length - 1].time : Number.NEGATIVE_INFINITY;
          r.points = [...history, ...r.points.filter((p) => p.time > newest)].slice(-SPARK_POINTS);
          this.touch(symbol, r);
        } catch {
          // the live points still draw; a later reconnect seeds again
        }
      }
    } finally {
      this.seeding = false;
    }
  }

  select(symbol) {
    this.rows.get(this.selected)?.tr.classList.remove('selected');
    this.selected = symbol;
    this.rows.get(symbol)?.tr.classList.add('selected');
  }

  render() {
    this.empty.hidden = this.rows.size > 0;
    for (const symbol of this.dirty) {
      const r = this.rows.get(symbol);
      if (!r?.view || !r.visible) continue;
      r.stale = false;
      const cells = r.tr.children;
      const last = r.view.indicators.price;
      cells[1].textContent = price(last);
      const ref = r.points[0]?.open;
      const chg = ref ? (last - ref) / ref : Number.NaN;
      cells[2].textContent = percent(chg);
      cells[2].className = `num chg ${sign(chg)}`;
      const d = r.view.lastDecision;
      if ((d?.id ?? null) !== r.decisionId) {
        r.decisionId = d?.id ?? null;
        const badge = document.createElement('span');
        badge.className = d ? `badge ${d.action}` : 'muted';
        badge.textContent = d ? d.action : '—';
        cells[3].replaceChildren(badge);
        cells[3].title = d ? `${d.strategy}: ${d.reason}` : '';
      }
      drawSparkline(
        cells[4].firstChild,
        r.points.map((p) => p.close),
      );
    }
    this.dirty.clear();
  }
}
