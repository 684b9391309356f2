/**
 * `npm run bench:dashboard`: the dashboard under load. Signals, the bot and a seeded synthetic
 * feed run as their own processes (as in the demo) at BENCH_DASH_RATE ticks/s (default 50,000)
 * over BENCH_DASH_SYMBOLS symbols (50) for BENCH_DASH_SECONDS (15) while headless chromium shows
 * the page on 1-second bars. Prints what the page did (stream frames/s, renders/s, long tasks,
 * the round trip of a script call into the page) next to the rate signals applied.
 * A benchmark: it asserts nothing.
 */
import { join } from 'node:path';
import { freePort } from '@tickflow/bus';
import { ServiceProcess } from '../services/cli/src/children.ts';
import { launchChromium } from '../test/browser.ts';
import { startTestNats, waitFor } from '../test/nats-harness.ts';

const RATE = Number(process.env.BENCH_DASH_RATE ?? 50_000);
const SYMBOLS = Number(process.env.BENCH_DASH_SYMBOLS ?? 50);
const SECONDS = Number(process.env.BENCH_DASH_SECONDS ?? 15);

interface Hooks {
  renders: number;
  messages: number;
  symbols: number;
  candles: number;
  longTasks: number;
  longestTaskMs: number;
}

const nats = await startTestNats();
const env = { ...process.env, NATS_URL: nats.url, TICKFLOW_LOG_LEVEL: 'warn' };
const ports = { signals: await freePort(), bot: await freePort(), feed: await freePort() };
const children: ServiceProcess[] = [];
const spawn = (name: string, args: string[]) => {
  const p = ServiceProcess.spawn(name, args, env, join(nats.dir, `${name}.log`));
  children.push(p);
  return p;
};
const browser = await launchChromium();
try {
  await spawn('bot', ['--port', String(ports.bot)]).waitHealthy(ports.bot);
  const signals = spawn('signals', [
    ...['--port', String(ports.signals)],
    ...['--bot-url', `http://127.0.0.1:${ports.bot}`, '--feed-url', `http://127.0.0.1:${ports.feed}`],
  ]);
  await signals.waitHealthy(ports.signals);
  const base = `http://127.0.0.1:${ports.signals}`;
  const applied = async () =>
    ((await (await fetch(`${base}/v1/dashboard/feed`)).json()) as { signals: { consumed: number } }).signals
      .consumed;
  const page = await browser.context.newPage();
  await page.goto(`${base}/#BTC-USD/1s`);
  const hooks = () =>
    page.evaluate(() => ({ ...(globalThis as unknown as { __tickflow: Hooks }).__tickflow }));
  spawn('feed', [
    ...['--port', String(ports.feed), '--rate', String(RATE), '--symbols', String(SYMBOLS)],
    ...['--duration', String(SECONDS + 5), '--time-scale', '1'],
  ]);
  await waitFor('symbols listed', async () => (await hooks()).symbols >= Math.min(SYMBOLS, 5), 30_000);
  await new Promise((r) => setTimeout(r, 2000)); // warm-up
  const before = await hooks();
  const appliedBefore = await applied();
  const started = performance.now();
  const roundTrips: number[] = [];
  while (performance.now() - started < SECONDS * 1000) {
    const t = performance.now();
    await page.evaluate(() => 1);
    roundTrips.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 100));
  }
  const secs = (performance.now() - started) / 1000;
  const after = await hooks();
  const appliedRate = Math.round(((await applied()) - appliedBefore) / secs);
  roundTrips.sort((a, b) => a - b);
  const q = (p: number) =>
    roundTrips[Math.min(roundTrips.length - 1, Math.floor(p * roundTrips.length))] ?? 0;
  const per = (k: keyof Hooks) => Math.round((after[k] - before[k]) / secs);
  console.log(
    [
      `feed target ${RATE.toLocaleString('en-US')} ticks/s over ${SYMBOLS} symbols; measured ${secs.toFixed(1)} s`,
      `signals applied ${appliedRate.toLocaleString('en-US')} ticks/s`,
      `page: ${per('messages')} stream frames/s, ${per('renders')} renders/s, ${after.symbols} symbols, ${after.candles} candles`,
      `page: long tasks (> 50 ms) ${after.longTasks - before.longTasks}, longest ${after.longestTaskMs} ms`,
      `page: script round trip p50 ${q(0.5).toFixed(1)} ms, p99 ${q(0.99).toFixed(1)} ms, max ${q(1).toFixed(1)} ms`,
    ].join('\n'),
  );
} finally {
  await browser.close();
  for (const p of children.reverse()) await p.stop();
  await nats.stop();
}
