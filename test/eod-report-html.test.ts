import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Tick } from '@tickflow/core';
import { REPORT_JSON_SCHEMA, type Report } from '@tickflow/eod/internal';
import { createHttpApp, createRegistry, listen } from '@tickflow/runtime';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChartDrawn, launchChromium, measureCharts, type TestBrowser } from './browser.ts';
import { closeSwingDay, speedLayer, swing } from './eod-swing-day.ts';

/** What the page drew, measured by Chromium itself. */
interface Drawn {
  charts: Record<string, ChartDrawn>;
  requests: string[];
  errors: string[];
}

describe('report.html in headless Chromium (no server, no network)', () => {
  let browser: TestBrowser;
  let drawn: Drawn;
  let html: string;
  let json: unknown;

  beforeAll(async () => {
    browser = await launchChromium();
    const ticks: Tick[] = [...swing('synth', 'AAA', 0), ...swing('synth', 'BBB', 1)];
    drawn = await closeSwingDay({ ticks, ...speedLayer(ticks) }, async (_report, dir) => {
      const file = join(dir, 'report.html');
      html = readFileSync(file, 'utf8');
      json = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
      const page = await browser.context.newPage();
      const requests: string[] = [];
      const errors: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith('file:')) requests.push(r.url());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await page.goto(pathToFileURL(file).href);
      const charts = await page.evaluate(measureCharts);
      mkdirSync('test-artifacts', { recursive: true });
      await page.screenshot({ path: 'test-artifacts/report.png', fullPage: true });
      await page.close();
      return { charts, requests, errors };
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('draws the equity curve, the volatility by symbol and each symbol’s price with its decisions', () => {
    expect(Object.keys(drawn.charts).sort()).toEqual(['equity', 'price-AAA', 'price-BBB', 'volatility']);
    for (const c of Object.values(drawn.charts)) {
      expect(c.width).toBeGreaterThan(300);
      expect(c.height).toBeGreaterThan(50);
    }
    expect(drawn.charts.equity?.points).toBeGreaterThan(5); // one a minute with fills, 10 minutes
    expect(drawn.charts.volatility?.bars).toBe(2);
    for (const s of ['price-AAA', 'price-BBB']) {
      expect(drawn.charts[s]?.points).toBeGreaterThan(5);
      expect(drawn.charts[s]?.markers).toBeGreaterThan(5); // BUY/SELL markers of its decisions
    }
  });

  it('sits beside a report.json its schema describes, equity curve included', () => {
    expect([...Value.Errors(REPORT_JSON_SCHEMA, json)].map((e) => `${e.instancePath} ${e.message}`)).toEqual(
      [],
    );
    expect((json as Report).profitAndLoss.curve.length).toBe(drawn.charts.equity?.points);
  });

  it('opens with no request beyond the file and no script error', () => {
    expect(drawn.requests).toEqual([]);
    expect(drawn.errors).toEqual([]);
    expect(html).not.toMatch(/<script|<link|https?:\/\//);
  });

  it('draws the same charts when served under the services’ Content-Security-Policy, with no violation', async () => {
    const app = createHttpApp({
      registry: createRegistry('test'),
      health: () => ({ status: 'ok', checks: {} }),
    });
    app.get('/report.html', async (_req, reply) => reply.type('text/html; charset=utf-8').send(html));
    const port = await listen(app, '127.0.0.1', 0);
    const page = await browser.context.newPage();
    const problems: string[] = [];
    // Chromium asks for /favicon.ico (404 here); what matters is a CSP violation or a script error.
    page.on('console', (m) => {
      if (/Content Security Policy/.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    try {
      const res = await page.goto(`http://127.0.0.1:${port}/report.html`);
      expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
      expect(await page.evaluate(measureCharts)).toEqual(drawn.charts);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
      // Chromium keeps its connections (and a spare preconnected one) open for the next page.
      app.server.closeAllConnections();
      await app.close();
    }
  });
});
