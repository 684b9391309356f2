import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { botBacklog, botSpec, startBot } from '@tickflow/bot';
import { Bus, freePort } from '@tickflow/bus';
import { feedSpec, startFeed } from '@tickflow/feed';
import { createLogger, resolveConfig } from '@tickflow/runtime';
import { signalsSpec, startSignals } from '@tickflow/signals';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type TestBrowser, teardown } from './browser.ts';
import { signalsBacklog, startTestNats, type TestNats, waitFor } from './nats-harness.ts';

const silent = createLogger('test', 'silent');
const ARTIFACTS = 'test-artifacts';
const DATE = '2026-03-02';

/** What the page exposes as window.__tickflow (see services/signals/public/app.js). */
interface Hooks {
  connects: number;
  signals: number;
  decisions: number;
  renders: number;
  symbols: number;
  candles: number;
  markers: number;
  overlays: number;
  hiddenOverlays: number;
  selected: string;
  interval: string;
  status: string;
  equityPoints: number;
}

/** The bits of a browser canvas `candlePixels` uses (the tests' tsconfig has no DOM types). */
interface Canvas {
  width: number;
  height: number;
  getContext(kind: '2d'): {
    getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
  };
}

/** Runs in the page: counts pixels of the up (#26a69a) and down (#ef5350) candle colours. */
function candlePixels(): { up: number; down: number } {
  const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): Iterable<Canvas> } })
    .document;
  const near = (d: Uint8ClampedArray, i: number, rgb: number[]) =>
    Math.abs((d[i] ?? 0) - (rgb[0] ?? 0)) +
      Math.abs((d[i + 1] ?? 0) - (rgb[1] ?? 0)) +
      Math.abs((d[i + 2] ?? 0) - (rgb[2] ?? 0)) <
    30;
  let up = 0;
  let down = 0;
  for (const canvas of doc.querySelectorAll('#chart canvas')) {
    if (!canvas.width || !canvas.height) continue;
    const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 0; i < d.length; i += 4) {
      if (near(d, i, [0x26, 0xa6, 0x9a])) up++;
      else if (near(d, i, [0xef, 0x53, 0x50])) down++;
    }
  }
  return { up, down };
}

describe('dashboard served by signals, in a real Chromium', () => {
  let nats: TestNats;
  let bus: Bus;
  let signals: Awaited<ReturnType<typeof startSignals>>;
  let bot: Awaited<ReturnType<typeof startBot>>;
  let feed: Awaited<ReturnType<typeof startFeed>> | undefined;
  let browser: TestBrowser;
  let page: Page;
  let signalsPort: number;
  let feedPort: number;
  const pageErrors: string[] = [];
  const env = () => ({ NATS_URL: nats.url });

  const startSignalsOn = (port: number) =>
    startSignals(
      resolveConfig(
        signalsSpec,
        {
          port: String(port),
          botUrl: `http://127.0.0.1:${bot.port}`,
          feedUrl: `http://127.0.0.1:${feedPort}`,
          reportsDir: join(nats.dir, 'reports'),
        },
        env(),
      ),
      silent,
    );
  const runFeed = async (count: number, rate: number, start: string, timeScale: number) => {
    await feed?.close();
    feed = await startFeed(
      resolveConfig(
        feedSpec,
        {
          port: String(feedPort),
          count: String(count),
          rate: String(rate),
          symbols: '3',
          start,
          timeScale: String(timeScale),
        },
        env(),
      ),
      silent,
    );
    return feed.done;
  };
  const drained = () =>
    waitFor('signals and bot to drain', async () => {
      const n = (await signalsBacklog(signals.port)) + (await botBacklog(bus, bot.port));
      return n === 0;
    });
  const hooks = () => page.evaluate(() => (globalThis as unknown as { __tickflow: Hooks }).__tickflow);
  // A script error on the page fails at once, naming it, instead of waiting out the timeout.
  const until = (what: string, check: (h: Hooks) => boolean, timeoutMs = 15_000) =>
    waitFor(
      what,
      async () => {
        if (pageErrors.length)
          throw new Error(`page error while waiting for ${what}: ${pageErrors.join('; ')}`);
        return check(await hooks());
      },
      timeoutMs,
    );

  beforeAll(async () => {
    nats = await startTestNats();
    // Two days of reports; the dashboard links the newer.
    for (const date of ['2026-02-27', '2026-03-01']) {
      mkdirSync(join(nats.dir, 'reports', date), { recursive: true });
      writeFileSync(join(nats.dir, 'reports', date, 'report.md'), `# tickflow end of day ${date}\n`);
    }
    feedPort = await freePort();
    bot = await startBot(resolveConfig(botSpec, { port: '0' }, env()), silent);
    signals = await startSignalsOn(0);
    signalsPort = signals.port;
    bus = await Bus.connect({ url: nats.url, name: 'dashboard-test' });
    // Half an hour of a seeded 3-symbol market (13:30–14:00 exchange time) before the page opens.
    await runFeed(6000, 20_000, `${DATE}T13:30:00Z`, 6000);
    await drained();
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });

  afterAll(async () => {
    await teardown([
      ['chromium', () => browser?.close()],
      ['feed', () => feed?.close()],
      ['signals', () => signals?.close()],
      ['bot', () => bot?.close()],
      ['bus', () => bus?.drain()],
      ['nats-server', () => nats?.stop()],
    ]);
  }, 120_000);

  it('serves the page, lightweight-charts from node_modules, the bot through a proxy, and EOD reports', async () => {
    const base = `http://127.0.0.1:${signalsPort}`;
    const index = await fetch(`${base}/`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('<script type="module" src="/app.js">');
    const lib = await fetch(`${base}/vendor/lightweight-charts/lightweight-charts.standalone.production.mjs`);
    expect(lib.status).toBe(200);
    expect(lib.headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${base}/vendor/lightweight-charts/typings.d.ts`)).status).toBe(404);
    const botBody = (await (await fetch(`${base}/v1/dashboard/bot`)).json()) as {
      reachable: boolean;
      pnl: { fills: number };
    };
    expect(botBody.reachable).toBe(true);
    expect(botBody.pnl.fills).toBeGreaterThan(0);
    const report = await fetch(`${base}/reports/2026-03-01/report.md`);
    expect(report.status).toBe(200);
    expect(await report.text()).toBe('# tickflow end of day 2026-03-01\n');
    expect((await fetch(`${base}/reports/2026-03-02/report.md`)).status).toBe(404);
    expect((await fetch(`${base}/reports/2026-03-01/secret.txt`)).status).toBe(400);
    expect((await fetch(`${base}/reports/..%2F..%2Fetc/report.md`)).status).toBe(400);
  });

  it('lists every symbol with its last price and last decision', async () => {
    await page.goto(`http://127.0.0.1:${signalsPort}/`);
    await until('three symbols listed', (h) => h.symbols === 3 && h.status === 'live');
    const rows = page.locator('#symbols tbody tr');
    expect(await rows.count()).toBe(3);
    expect(await rows.locator('td.sym').allTextContents()).toEqual(['BTC-USD', 'ETH-USD', 'SOL-USD']);
    for (const last of await rows.locator('td.last').allTextContents()) expect(last).toMatch(/^[\d,]+\.\d+$/);
    expect(await rows.locator('.sig .badge').count()).toBe(3);
  });

  it('draws the first symbol’s 1-minute candles, its SMA lines, and a marker at each decision', async () => {
    await until('candles, lines and markers', (h) => h.candles >= 20 && h.overlays >= 2 && h.markers >= 1);
    const chart = page.locator('#chart');
    expect(await chart.getAttribute('data-symbol')).toBe('BTC-USD');
    expect(await chart.getAttribute('data-interval')).toBe('1m');
    expect(Number(await chart.getAttribute('data-candles'))).toBeGreaterThanOrEqual(20);
    expect(Number(await chart.getAttribute('data-markers'))).toBeGreaterThanOrEqual(1);
    expect(await chart.getAttribute('data-overlays')).toBe('2'); // sma10 and sma30
    expect(await page.locator('#legend').textContent()).toMatch(
      /^price [\d,.]+ · sma10 [\d,.]+ · sma30 [\d,.]+$/,
    );
    expect(await chart.locator('canvas').count()).toBeGreaterThan(0);
    // The user chooses the lines: a toggle per indicator hides and shows it again.
    const toggle = page.locator('#overlay-toggles button[data-overlay="sma10"]');
    await toggle.click();
    await until('sma10 hidden', (h) => h.hiddenOverlays === 1);
    expect(await toggle.getAttribute('class')).toBe('off');
    await toggle.click();
    await until('sma10 shown again', (h) => h.hiddenOverlays === 0);
    // Drawn, not only held: pixels of the candle colours on the chart's canvases.
    const painted = await page.evaluate(candlePixels);
    expect(painted.up).toBeGreaterThan(200);
    expect(painted.down).toBeGreaterThan(200);
  });

  it('updates live from the WebSocket: new candles, indicator lines and decisions', async () => {
    const before = await hooks();
    // Fifteen more minutes of exchange time over ~1.5 s, so frames arrive while the page watches.
    await runFeed(3000, 2000, `${DATE}T14:00:00Z`, 600);
    await drained();
    await until(
      'live candles, sma lines and decisions',
      (h) => h.candles > before.candles && h.overlays >= 2 && h.decisions > before.decisions,
    );
    expect((await hooks()).signals).toBeGreaterThan(before.signals);
  });

  it('shows the bot’s equity, P&L and positions, the feed’s counters and the latest EOD report', async () => {
    await waitFor('bot and feed panels', async () => {
      if (pageErrors.length) throw new Error(`page error: ${pageErrors.join('; ')}`);
      const state = await page.locator('#bot-state').textContent();
      const positions = await page.locator('#positions tbody tr').count();
      const feedText = await page.locator('#feed-figures').textContent();
      return state === 'trading' && positions > 0 && (feedText ?? '').includes('3,000');
    });
    expect(await page.locator('#bot-figures').textContent()).toContain('equity');
    await until('the equity curve', (h) => h.equityPoints >= 2);
    expect(await page.locator('#rejects tbody').textContent()).toContain('none');
    const report = page.locator('#report-link');
    expect(await report.textContent()).toBe('EOD report 2026-03-01');
    expect(await report.getAttribute('href')).toBe('/reports/2026-03-01/report.md');
    // The screenshot shows BTC-USD with the lines and markers the live update drew.
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}/dashboard.png` });
  });

  it('switches the chart to another symbol and to 1-second bars', async () => {
    await page.locator('#symbols tbody tr[data-symbol="ETH-USD"]').click();
    await page.locator('#intervals button[data-interval="1s"]').click();
    // Both clicks start a load: wait for the 1s one, not the 1m chart the row click drew first.
    await until(
      'ETH-USD 1s candles',
      (h) => h.selected === 'ETH-USD' && h.interval === '1s' && h.candles >= 20,
    );
    expect(await page.locator('#chart').getAttribute('data-interval')).toBe('1s');
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-1s.png` });
    await page.locator('#intervals button[data-interval="1m"]').click();
    await until(
      'ETH-USD 1m candles',
      (h) => h.selected === 'ETH-USD' && h.interval === '1m' && h.candles >= 20 && h.markers >= 1,
    );
  });

  it('reconnects its WebSocket with backoff after signals restarts', async () => {
    const before = await hooks();
    await signals.close();
    await until('the page to see the server go', (h) => h.status === 'down');
    signals = await startSignalsOn(signalsPort);
    await until('a new connection', (h) => h.connects > before.connects && h.status === 'live', 20_000);
    await until('the chart back', (h) => h.candles >= 20);
    expect(pageErrors).toEqual([]);
    // Its own waits add up to 50 s beside a restart: under the 60 s default a slow run timed out
    // (one clean-clone CI run) without saying which wait it was in.
  }, 90_000);
});
