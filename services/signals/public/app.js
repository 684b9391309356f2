import { getJson } from './api.js';
import { tokenProblem, withToken } from './auth.js';
import { BotPanel } from './bot-panel.js';
import { PriceChart } from './chart.js';
import { FeedPanel } from './feed-panel.js';
import { poll, setBadge } from './figures.js';
import { price } from './format.js';
import { LiveStream } from './stream.js';
import { SymbolList } from './symbols.js';

/** Renders at most this often, however fast frames arrive (the server coalesces to 100 ms too). */
const RENDER_MS = 100;
/** The chart re-reads exact bars at least this often (see reloadSoon). */
const RELOAD_MS = 5000;

/** @type {(sel: string) => HTMLElement} */
const $ = (sel) => document.querySelector(sel);
/** @type {NodeListOf<HTMLButtonElement>} */
const intervalButtons = document.querySelectorAll('#intervals > button');

// Counters for tests and curious humans: read-only figures of what the page has done.
const hooks = {
  connects: 0,
  messages: 0,
  signals: 0,
  decisions: 0,
  renders: 0,
  symbols: 0,
  candles: 0,
  markers: 0,
  overlays: 0,
  selected: '',
  interval: '',
  status: 'connecting',
  /** Main-thread tasks over 50 ms (the browser's "long task"): the page's responsiveness. */
  longTasks: 0,
  longestTaskMs: 0,
  /** Samples on the bot's equity curve. */
  equityPoints: 0,
  /** Indicator lines the user switched off. */
  hiddenOverlays: 0,
};
Object.assign(window, { __tickflow: hooks });
if (PerformanceObserver.supportedEntryTypes?.includes('longtask')) {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      hooks.longTasks++;
      hooks.longestTaskMs = Math.max(hooks.longestTaskMs, Math.round(e.duration));
    }
  }).observe({ type: 'longtask' });
}

const [hashSymbol, hashInterval] = decodeURIComponent(location.hash.slice(1)).split('/');
let interval = ['1s', '1m', '5m'].includes(hashInterval) ? hashInterval : '1m';
let selected = hashSymbol || undefined;

const chart = new PriceChart($('#chart'));
const list = new SymbolList($('#symbols tbody'), $('#symbols-empty'), (s) => void select(s));
const bot = new BotPanel($('#bot-panel'));
const feed = new FeedPanel($('#feed-panel'));

async function select(symbol, fit = true) {
  selected = symbol;
  list.select(symbol);
  history.replaceState(null, '', `#${encodeURIComponent(symbol)}/${interval}`);
  $('#chart-title').textContent = symbol;
  for (const b of intervalButtons) {
    b.classList.toggle('active', b.dataset.interval === interval);
  }
  try {
    await chart.show(symbol, interval);
  } catch {
    // no history yet: the stream fills the chart, the periodic reload completes it
  }
  chart.render();
  if (fit) chart.fit();
}

for (const b of intervalButtons) {
  b.addEventListener('click', () => {
    interval = b.dataset.interval;
    if (selected) void select(selected);
  });
}

/** Reads every symbol's current state (at start and after a reconnect: frames may have been missed). */
async function loadSymbols() {
  const { signals } = await getJson('/v1/signals');
  for (const view of signals) list.update(view);
  if (!selected && signals.length) await select(signals[0].symbol);
  else if (selected && !chart.symbol) await select(selected);
}

/**
 * Stream frames sample the price every 100 ms, so a closed candle misses the highs and lows
 * between samples: when a new candle opens, re-read the exact bars (at most once a second).
 */
let reloadTimer;
function reloadSoon() {
  if (reloadTimer !== undefined) return;
  reloadTimer = setTimeout(() => {
    reloadTimer = undefined;
    chart.reload().catch(() => {});
  }, 1000);
}

const stream = new LiveStream({
  url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/v1/stream`,
  subscribe: '*',
  onStatus: (status, text) => {
    hooks.status = status;
    const problem = status === 'live' ? undefined : tokenProblem();
    setBadge($('#conn'), problem ?? text, status === 'live' ? 'ok' : status === 'down' ? 'bad' : 'warn');
  },
  onOpen: (reconnected) => {
    hooks.connects++;
    loadSymbols()
      .then(() => (reconnected ? chart.reload() : undefined))
      .catch(() => {}); // the next reconnect or reload tries again
  },
  onMessage: (msg) => {
    hooks.messages++;
    if (msg.type === 'signal') {
      hooks.signals++;
      list.update(msg.signal);
      if (chart.onSignal(msg.signal)) reloadSoon();
      if (!selected) void select(msg.signal.symbol);
    } else if (msg.type === 'decision') {
      hooks.decisions++;
      chart.onDecision(msg.decision);
    } else if (msg.type === 'dropped') {
      // decisions were lost on the way: read them from the stream's history
      chart.reload().catch(() => {});
    }
  },
});

/** One button per indicator line on the chart; rebuilt only when the set of lines changes. */
let toggleNames = '';
function renderToggles() {
  const names = [...chart.overlays.keys()].sort();
  if (names.join() === toggleNames) return;
  toggleNames = names.join();
  const box = $('#overlay-toggles');
  box.replaceChildren(
    ...names.map((name) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = name;
      b.dataset.overlay = name;
      b.classList.toggle('off', chart.hidden.has(name));
      b.addEventListener('click', () => {
        b.classList.toggle('off', !chart.toggle(name));
        hooks.hiddenOverlays = chart.hidden.size;
      });
      return b;
    }),
  );
}

function renderLegend() {
  const v = chart.lastView ?? list.rows.get(chart.symbol)?.view;
  if (!v) {
    $('#legend').textContent = '';
    return;
  }
  const parts = Object.entries(v.indicators).map(([k, x]) => `${k} ${price(x)}`);
  $('#legend').textContent = parts.join(' · ');
}

let lastRender = 0;
function frame(now) {
  if (now - lastRender >= RENDER_MS) {
    lastRender = now;
    list.render();
    chart.render();
    renderLegend();
    renderToggles();
    $('#symbol-count').textContent = list.size ? `(${list.size})` : '';
    hooks.renders++;
    hooks.equityPoints = bot.equity.length;
    hooks.symbols = list.size;
    hooks.candles = chart.candles.points.length;
    hooks.markers = chart.markerCount;
    hooks.overlays = chart.overlays.size;
    hooks.selected = chart.symbol ?? '';
    hooks.interval = chart.interval;
  }
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);

stream.start();
setInterval(() => {
  if (!document.hidden && hooks.status === 'live') void chart.reload().catch(() => {});
}, RELOAD_MS);
poll(async () => {
  const { latest } = await getJson('/v1/dashboard/report');
  const link = /** @type {HTMLAnchorElement} */ ($('#report-link'));
  link.hidden = !latest;
  if (latest) {
    link.href = withToken(latest.href);
    link.textContent = `EOD report ${latest.date}`;
  }
}, 30_000);
poll(() => bot.refresh(), 1000);
poll(() => feed.refresh(), 1000);
