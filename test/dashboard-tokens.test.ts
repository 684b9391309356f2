import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { botSpec, startBot } from '@tickflow/bot';
import { freePort } from '@tickflow/bus';
import { feedSpec, startFeed } from '@tickflow/feed';
import { createLogger, resolveConfig } from '@tickflow/runtime';
import { signalsSpec, startSignals } from '@tickflow/signals';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type TestBrowser, teardown } from './browser.ts';
import { startTestNats, type TestNats, waitFor } from './nats-harness.ts';

const silent = createLogger('test', 'silent');
const READ = 'dashboard-read-0123456789abcdef';
const DATE = '2026-03-02';

/**
 * The dashboard with --tokens on signals, the bot and the feed (one tokens file): the page is
 * served without a token, takes one from #token=, sends it to the API and the WebSocket, and
 * signals passes it on to the bot. Under the Content-Security-Policy, with no violation reported.
 */
describe('dashboard with bearer tokens, in a real Chromium', () => {
  let nats: TestNats;
  let signals: Awaited<ReturnType<typeof startSignals>>;
  let bot: Awaited<ReturnType<typeof startBot>>;
  let browser: TestBrowser;
  let page: Page;
  let base: string;
  const problems: string[] = [];

  beforeAll(async () => {
    nats = await startTestNats();
    const tokens = join(nats.dir, 'tokens');
    writeFileSync(tokens, `${READ} read dashboard\n`);
    mkdirSync(join(nats.dir, 'reports', DATE), { recursive: true });
    writeFileSync(join(nats.dir, 'reports', DATE, 'report.md'), `# tickflow end of day ${DATE}\n`);
    const env = { NATS_URL: nats.url, TICKFLOW_TOKENS_FILE: tokens };
    const feedPort = await freePort();
    bot = await startBot(resolveConfig(botSpec, { port: '0' }, env), silent);
    signals = await startSignals(
      resolveConfig(
        signalsSpec,
        {
          port: '0',
          botUrl: `http://127.0.0.1:${bot.port}`,
          feedUrl: `http://127.0.0.1:${feedPort}`,
          reportsDir: join(nats.dir, 'reports'),
        },
        env,
      ),
      silent,
    );
    base = `http://127.0.0.1:${signals.port}`;
    const feed = await startFeed(
      resolveConfig(
        feedSpec,
        {
          port: String(feedPort),
          count: '3000',
          rate: '20000',
          symbols: '3',
          start: `${DATE}T13:30:00Z`,
          timeScale: '6000',
        },
        env,
      ),
      silent,
    );
    await feed.done;
    await feed.close();
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (err) => problems.push(err.message));
    page.on('console', (m) => {
      if (/Content Security Policy|401|403/.test(m.text())) problems.push(m.text());
    });
  });

  afterAll(async () => {
    await teardown([
      ['chromium', () => browser?.close()],
      ['signals', () => signals?.close()],
      ['bot', () => bot?.close()],
      ['nats-server', () => nats?.stop()],
    ]);
  }, 120_000);

  it('serves the page and its code without a token, and the API only with one', async () => {
    expect((await fetch(`${base}/`)).status).toBe(200);
    expect((await fetch(`${base}/app.js`)).status).toBe(200);
    expect((await fetch(`${base}/v1/signals`)).status).toBe(401);
    expect((await fetch(`${base}/v1/dashboard/bot`)).status).toBe(401);
    const csp = (await fetch(`${base}/`)).headers.get('content-security-policy');
    expect(csp).toContain("script-src 'self'");
  });

  it('refuses the bot’s halt to a read token (403) and to no token (401), before reading the body', async () => {
    const halt = (headers: Record<string, string>) =>
      fetch(`http://127.0.0.1:${bot.port}/v1/halt`, { method: 'POST', headers });
    expect((await halt({})).status).toBe(401);
    const under = await halt({ authorization: `Bearer ${READ}` });
    expect(under.status).toBe(403);
    expect(under.headers.get('www-authenticate')).toContain('error="insufficient_scope", scope="trade"');
    expect((await fetch(`http://127.0.0.1:${bot.port}/v1/account`)).status).toBe(401);
  });

  it('says in its badge that a token is needed when opened without one', async () => {
    const bare = await browser.context.newPage();
    try {
      await bare.goto(`${base}/`);
      await waitFor('the badge to ask for a token', async () =>
        ((await bare.locator('#conn').textContent()) ?? '').startsWith('token needed'),
      );
    } finally {
      await bare.close();
    }
  });

  it('takes the token from #token=, drops it from the address, and shows symbols, bot and report', async () => {
    await page.goto(`${base}/#token=${READ}`);
    await waitFor('symbols listed over the authenticated API and WebSocket', async () => {
      const h = await page.evaluate(
        () => (globalThis as unknown as { __tickflow: { symbols: number; status: string } }).__tickflow,
      );
      return h.symbols === 3 && h.status === 'live';
    });
    expect(page.url()).not.toContain(READ);
    // The bot panel reads the bot through signals, which passes the caller's token on.
    await waitFor(
      'the bot panel',
      async () => (await page.locator('#bot-state').textContent()) === 'trading',
    );
    const href = await page.locator('#report-link').getAttribute('href');
    expect(href).toBe(`/reports/${DATE}/report.md?access_token=${READ}`);
    expect((await fetch(`${base}${href}`)).status).toBe(200);
    expect(problems).toEqual([]);
  });
});
