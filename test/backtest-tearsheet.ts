import { pathToFileURL } from 'node:url';
import { launchChromium } from './browser.ts';

/** What a backtest's report.html drew, measured by headless Chromium itself. */
export interface TearsheetDrawn {
  charts: Record<string, { width: number; height: number; points: number; paths: number; bars: number }>;
  /** Requests other than the file itself (a self-contained page makes none). */
  requests: string[];
  /** Page errors and console errors. */
  errors: string[];
}

/** The bits of the DOM `measure` uses (the tests' tsconfig has no DOM types). */
interface Element {
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { width: number; height: number };
  querySelectorAll(selector: string): Element[] & Iterable<Element>;
  points?: { numberOfItems: number };
}

/** Runs in the page: each `svg[data-chart]`'s rendered size and the shapes it drew. */
function measure(): TearsheetDrawn['charts'] {
  const doc = (globalThis as unknown as { document: Element }).document;
  const out: TearsheetDrawn['charts'] = {};
  for (const svg of doc.querySelectorAll('svg[data-chart]')) {
    const box = svg.getBoundingClientRect();
    let points = 0;
    for (const line of svg.querySelectorAll('polyline')) points += line.points?.numberOfItems ?? 0;
    out[svg.getAttribute('data-chart') ?? ''] = {
      width: box.width,
      height: box.height,
      points,
      paths: [...svg.querySelectorAll('polyline, path')].length,
      bars: [...svg.querySelectorAll('rect.bar')].filter((r) => r.getBoundingClientRect().width > 0).length,
    };
  }
  return out;
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
    const charts = await page.evaluate(measure);
    return { charts, requests, errors };
  } finally {
    await browser.close();
  }
}
