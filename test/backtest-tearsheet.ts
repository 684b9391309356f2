import { pathToFileURL } from 'node:url';
import { type ChartDrawn, launchChromium, measureCharts } from './browser.ts';

/** What a backtest's report.html drew, measured by headless Chromium itself. */
export interface TearsheetDrawn {
  charts: Record<string, ChartDrawn>;
  /** Requests other than the file itself (a self-contained page makes none). */
  requests: string[];
  /** Page errors and console errors. */
  errors: string[];
}

/** Opens `file` (a report.html) in a fresh headless Chromium, measures its charts, closes it. */
export async function openTearsheet(file: string): Promise<TearsheetDrawn> {
  const browser = await launchChromium();
  try {
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
    return { charts, requests, errors };
  } finally {
    await browser.close();
  }
}
