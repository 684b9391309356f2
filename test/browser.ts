import { existsSync } from 'node:fs';
import { type BrowserContext, chromium } from 'playwright-core';

/** Debian's chromium (`apt-get install chromium`); .ci/run installs it when missing. */
export const CHROMIUM = '/usr/bin/chromium';

/** Flags for a quiet, offline, sandbox-less headless Chromium in a container. */
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** How long `close()` waits for chromium to end politely before it kills the process. */
const CLOSE_GRACE_MS = 10_000;

/**
 * Launches headless Debian chromium (playwright gives it a fresh temp profile and removes it).
 * `close()` asks chromium to end and, should it not within CLOSE_GRACE_MS (seen once under a
 * full-suite load: the teardown waited out the 60 s hook timeout), kills the process, so a
 * slow browser never fails a test whose assertions passed. Throws when chromium is missing:
 * the page tests must fail, not skip, then.
 */
export async function launchChromium(): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: install it with apt-get install -y chromium`);
  }
  // A server rather than launch(): only a BrowserServer can kill its process.
  const server = await chromium.launchServer({ executablePath: CHROMIUM, headless: true, args: ARGS });
  const browser = await chromium.connect(server.wsEndpoint());
  const context = await browser.newContext({ viewport: { width: 1440, height: 860 } });
  return {
    context,
    async close() {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), CLOSE_GRACE_MS);
      });
      const ended = await Promise.race([
        browser
          .close()
          .then(() => server.close())
          .then(() => 'closed' as const),
        late,
      ]);
      clearTimeout(timer);
      if (ended === 'late') {
        console.warn(`chromium did not close within ${CLOSE_GRACE_MS} ms: killing it`);
        // The kill waits for the process to exit; bounded too, so a stuck exit cannot hang a teardown.
        const killed = await Promise.race([
          server.kill().then(() => true),
          new Promise<false>((r) => setTimeout(() => r(false), CLOSE_GRACE_MS).unref()),
        ]);
        if (!killed) console.warn(`chromium still running ${CLOSE_GRACE_MS} ms after its kill`);
      }
    },
  };
}

/** What one `svg[data-chart]` drew, measured by Chromium itself. */
export interface ChartDrawn {
  width: number;
  height: number;
  /** Points of its polylines. */
  points: number;
  /** BUY/SELL/FLAT markers (`path.marker`). */
  markers: number;
  /** Polylines and paths of any kind. */
  paths: number;
  /** Bars (`rect.bar`) with a visible width. */
  bars: number;
  /** Heat-map cells (`rect.cell`) with a visible area. */
  cells: number;
}

/** The bits of the DOM `measureCharts` uses (the tests' tsconfig has no DOM types). */
interface Element {
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { width: number; height: number };
  querySelectorAll(selector: string): Element[] & Iterable<Element>;
  points?: { numberOfItems: number };
}

/** Runs in the page (`page.evaluate(measureCharts)`): each `svg[data-chart]`'s size and shapes. */
export function measureCharts(): Record<string, ChartDrawn> {
  const doc = (globalThis as unknown as { document: Element }).document;
  const out: Record<string, ChartDrawn> = {};
  for (const svg of doc.querySelectorAll('svg[data-chart]')) {
    const box = svg.getBoundingClientRect();
    let points = 0;
    for (const line of svg.querySelectorAll('polyline')) points += line.points?.numberOfItems ?? 0;
    out[svg.getAttribute('data-chart') ?? ''] = {
      width: box.width,
      height: box.height,
      points,
      markers: [...svg.querySelectorAll('path.marker')].length,
      paths: [...svg.querySelectorAll('polyline, path')].length,
      bars: [...svg.querySelectorAll('rect.bar')].filter((r) => r.getBoundingClientRect().width > 0).length,
      cells: [...svg.querySelectorAll('rect.cell')].filter((r) => {
        const b = r.getBoundingClientRect();
        return b.width > 0 && b.height > 0;
      }).length,
    };
  }
  return out;
}

/**
 * Runs teardown steps in turn, each given at most `ms`: one that overruns is named on stderr and
 * the others still run (a suite whose assertions passed must not fail on a slow stop, and the
 * next overrun says which step it was; a 60 s hook timeout once hid that).
 */
export async function teardown(steps: [string, () => Promise<unknown> | undefined][], ms = 15_000) {
  for (const [name, step] of steps) {
    const t0 = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((r) => {
      timer = setTimeout(() => r('late'), ms);
    });
    const outcome = await Promise.race([Promise.resolve(step()).then(() => 'done' as const), late]);
    clearTimeout(timer);
    if (outcome === 'late')
      console.warn(`teardown: ${name} still not done after ${Date.now() - t0} ms; going on`);
  }
}
