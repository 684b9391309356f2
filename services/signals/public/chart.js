import {
  CandlestickSeries,
  createChart,
  createSeriesMarkers,
  LineSeries,
} from '/vendor/lightweight-charts/lightweight-charts.standalone.production.mjs';
import { barTime, getJson, getJsonOr } from './api.js';
import { SeriesBuffer } from './series-buffer.js';

/** Indicators drawn on the price scale (the others, RSI or MACD, have their own units). */
const OVERLAY = /^(sma\d+|ema\d+|upper|middle|lower)$/;
const COLORS = ['#f0a03c', '#4c8dff', '#c77dff', '#7fe0c9', '#ffd08a', '#ff8fab'];
const MAX_DECISIONS = 1000;
const MARKER = {
  BUY: { position: 'belowBar', shape: 'arrowUp', color: '#26a69a' },
  SELL: { position: 'aboveBar', shape: 'arrowDown', color: '#ef5350' },
  FLAT: { position: 'inBar', shape: 'circle', color: '#b0bec5' },
};

const candle = (b) => ({ time: b.ts / 1_000_000, open: b.open, high: b.high, low: b.low, close: b.close });

/**
 * One symbol's candlesticks (REST history, then live from the stream), its price-scale indicators
 * as lines (each completed bar's values at its close from REST, the forming bar's from the
 * stream), and its decisions as BUY/SELL markers. Stream input only changes buffers; `render()`
 * draws.
 */
export class PriceChart {
  constructor(el) {
    this.el = el;
    this.chart = createChart(el, {
      autoSize: true,
      layout: { background: { color: '#161d26' }, textColor: '#d6dee8', attributionLogo: false },
      grid: { vertLines: { color: '#1f2833' }, horzLines: { color: '#1f2833' } },
      rightPriceScale: { borderColor: '#263140' },
      timeScale: { borderColor: '#263140', timeVisible: true, secondsVisible: false },
    });
    this.series = this.chart.addSeries(CandlestickSeries, {
      upColor: '#26a69a',
      downColor: '#ef5350',
      wickUpColor: '#26a69a',
      wickDownColor: '#ef5350',
      borderVisible: false,
    });
    this.markers = createSeriesMarkers(this.series, []);
    this.candles = new SeriesBuffer(1000);
    this.overlays = new Map();
    /** Indicator lines the user switched off, by name (kept across symbols and intervals). */
    this.hidden = new Set();
    this.decisions = [];
    this.markersDirty = false;
    this.markerCount = 0;
    this.markedAt = undefined;
    this.symbol = undefined;
    this.interval = '1m';
    this.loads = 0;
    this.lastView = undefined;
  }

  /** Switches to `symbol` at `interval` and reads its history. */
  async show(symbol, interval) {
    this.symbol = symbol;
    this.interval = interval;
    this.lastView = undefined;
    for (const o of this.overlays.values()) this.chart.removeSeries(o.series);
    this.overlays.clear();
    this.candles.replace([]);
    this.decisions = [];
    this.markersDirty = true;
    this.chart.applyOptions({ timeScale: { secondsVisible: interval === '1s' } });
    await this.reload();
  }

  /** Reads the exact bars and the decisions again (every few seconds, and after a reconnect). */
  async reload() {
    const { symbol, interval } = this;
    if (!symbol) return;
    const load = ++this.loads;
    const s = encodeURIComponent(symbol);
    const [bars, decisions] = await Promise.all([
      // Bars are not checkpointed: a restarted service has none until new ticks; keep what we drew.
      getJsonOr(`/v1/bars/${s}?interval=${interval}&limit=120`, { bars: [], forming: null }),
      getJson(`/v1/decisions?symbol=${s}&limit=${MAX_DECISIONS}`),
    ]);
    if (load !== this.loads || symbol !== this.symbol || interval !== this.interval) return; // superseded
    const history = bars.bars.map(candle);
    if (bars.forming) history.push(candle(bars.forming));
    // Candles the stream built while the request was out are newer than the reply: keep them.
    const newest = history.length ? history[history.length - 1].time : Number.NEGATIVE_INFINITY;
    this.candles.replace([...history, ...this.candles.points.filter((c) => c.time > newest)]);
    const first = this.candles.points[0]?.time ?? 0;
    const lines = new Map();
    for (const b of bars.bars) {
      for (const [name, value] of Object.entries(b.indicators ?? {})) {
        if (!OVERLAY.test(name) || !Number.isFinite(value)) continue;
        if (!lines.has(name)) lines.set(name, []);
        lines.get(name).push({ time: b.ts / 1_000_000, value });
      }
    }
    for (const [name, points] of lines) {
      const buffer = this.overlay(name).buffer;
      const newest = points[points.length - 1].time;
      buffer.replace([...points, ...buffer.points.filter((p) => p.time > newest)]);
    }
    for (const o of this.overlays.values()) o.buffer.trimBefore(first);
    const seen = new Set(decisions.decisions.map((d) => d.id));
    this.decisions = [...decisions.decisions, ...this.decisions.filter((d) => !seen.has(d.id))].slice(
      -MAX_DECISIONS,
    );
    this.markersDirty = true;
  }

  /**
   * A signal frame: extends the current candle and samples the overlay indicators. Returns true
   * when it opened a new candle, so the caller can read the exact bar that just closed.
   */
  onSignal(view) {
    if (view.symbol !== this.symbol || view.lastTs === undefined) return false;
    const count = this.candles.points.length;
    this.lastView = view;
    const p = view.indicators.price;
    const t = barTime(view.lastTs, this.interval);
    if (Number.isFinite(p)) {
      this.candles.upsert(
        t,
        () => ({ time: t, open: p, high: p, low: p, close: p }),
        (c) => {
          c.high = Math.max(c.high, p);
          c.low = Math.min(c.low, p);
          c.close = p;
        },
      );
    }
    for (const [name, value] of Object.entries(view.indicators)) {
      if (!OVERLAY.test(name) || !Number.isFinite(value)) continue;
      this.overlay(name).buffer.upsert(
        t,
        () => ({ time: t, value }),
        (pt) => {
          pt.value = value;
        },
      );
    }
    return this.candles.points.length > count;
  }

  onDecision(d) {
    if (d.symbol !== this.symbol) return;
    if (this.decisions.some((x) => x.id === d.id)) return;
    this.decisions.push(d);
    if (this.decisions.length > MAX_DECISIONS) this.decisions.shift();
    this.markersDirty = true;
  }

  /** Shows or hides one indicator line; returns whether it is now shown. */
  toggle(name) {
    const shown = this.hidden.has(name);
    if (shown) this.hidden.delete(name);
    else this.hidden.add(name);
    this.overlays.get(name)?.series.applyOptions({ visible: shown });
    return shown;
  }

  overlay(name) {
    let o = this.overlays.get(name);
    if (!o) {
      const series = this.chart.addSeries(LineSeries, {
        color: COLORS[this.overlays.size % COLORS.length],
        lineWidth: 1,
        priceLineVisible: false,
        lastValueVisible: false,
        crosshairMarkerVisible: false,
        title: name,
        visible: !this.hidden.has(name),
      });
      o = { series, buffer: new SeriesBuffer(1000) };
      this.overlays.set(name, o);
    }
    return o;
  }

  /** Pushes what changed to the chart; called at most once per animation frame. */
  render() {
    const hadReset = this.candles.reset;
    this.candles.flush(this.series);
    for (const o of this.overlays.values()) o.buffer.flush(o.series);
    // A decision often arrives before the frame that opens its candle: re-place markers on new candles too.
    const newest = this.candles.points[this.candles.points.length - 1]?.time;
    if (this.markersDirty || hadReset || newest !== this.markedAt) this.renderMarkers();
    this.markedAt = newest;
    this.el.dataset.symbol = this.symbol ?? '';
    this.el.dataset.interval = this.interval;
    this.el.dataset.candles = String(this.candles.points.length);
    this.el.dataset.markers = String(this.markerCount);
    this.el.dataset.overlays = String(this.overlays.size);
  }

  renderMarkers() {
    this.markersDirty = false;
    const times = new Set(this.candles.points.map((c) => c.time));
    // A marker needs a candle at its time: decisions older than the bars held are not drawn.
    // One marker per bar and action (with a count when several): readable at any zoom.
    const byBar = new Map();
    for (const d of this.decisions) {
      const time = barTime(d.tickTs, this.interval);
      if (!times.has(time)) continue;
      const key = `${time}:${d.action}`;
      const m = byBar.get(key);
      if (m) m.n++;
      else byBar.set(key, { time, action: d.action, n: 1 });
    }
    const markers = [...byBar.values()]
      .sort((a, b) => a.time - b.time)
      .map(({ time, action, n }) => ({
        time,
        text: n > 1 ? `${action[0]}×${n}` : action[0],
        ...MARKER[action],
      }));
    this.markers.setMarkers(markers);
    this.markerCount = markers.length;
  }

  fit() {
    this.chart.timeScale().fitContent();
  }
}
