import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { botBacklog } from '@tickflow/bot';
import {
  Bus,
  freePort,
  type NatsServerHandle,
  NatsServerNotFoundError,
  redactUrl,
  startNatsServer,
} from '@tickflow/bus';
import { Dec } from '@tickflow/core';
import { eodSpec, lastCompletedUtcDay } from '@tickflow/eod/cli';
import {
  busAuthFrom,
  type ConfigOf,
  commonSpec,
  createLogger,
  int,
  natsAuthEnv,
  natsAuthSpec,
  num,
  optionalStr,
  resolveConfig,
  urlList,
} from '@tickflow/runtime';
import { backtestSpec } from './backtest/spec.ts';
import { ServiceProcess } from './children.ts';
import { writeDemoStrategies } from './demo-strategies.ts';
import { PipelineMonitor } from './monitor.ts';
import { printSummary } from './summary.ts';

export const demoSpec = {
  natsUrl: urlList({
    flag: 'nats-url',
    env: 'NATS_URL',
    description: 'use this NATS server (or comma-separated cluster seeds) instead of starting a private one',
    default: '',
    protocols: ['nats', 'tls'],
  }),
  // Credentials for --nats-url, passed on to the services through their environment.
  ...natsAuthSpec,
  natsWaitS: commonSpec.natsWaitS,
  logLevel: commonSpec.logLevel,
  duration: num({
    flag: 'duration',
    env: 'TICKFLOW_DEMO_DURATION',
    description: 'seconds of live feed',
    default: 20,
    min: 1,
    max: 86_400,
  }),
  rate: int({
    flag: 'rate',
    env: 'TICKFLOW_DEMO_RATE',
    description: 'ticks per second',
    default: 5000,
    min: 1,
    max: 1_000_000,
  }),
  symbols: int({
    flag: 'symbols',
    env: 'TICKFLOW_DEMO_SYMBOLS',
    description: 'number of symbols',
    default: 5,
    min: 1,
    max: 5000,
  }),
  seed: int({
    flag: 'seed',
    env: 'TICKFLOW_DEMO_SEED',
    description: 'random seed of the market',
    default: 42,
    min: 0,
  }),
  strategies: optionalStr({
    flag: 'strategies',
    env: 'TICKFLOW_DEMO_STRATEGIES',
    description:
      "strategy config (JSON) for signals and the end of day; default: the demo's mix of built-ins with warm-up, cooldown and notional sizing (written to <data-dir>/demo-strategies.json)",
  }),
  dataDir: eodSpec.dataDir,
  reportsDir: eodSpec.reportsDir,
  date: {
    ...eodSpec.date,
    description: 'trading date the compressed session simulates (default: the last completed UTC day)',
  },
};
export type DemoConfig = ConfigOf<typeof demoSpec>;

/** A US-equities-like session, 13:30–20:00 UTC, compressed into the demo's duration. */
const SESSION_OPEN = 'T13:30:00Z';
const SESSION_SECONDS = 6.5 * 3600;

const say = (line: string) => process.stdout.write(`${line}\n`);

async function portFor(preferred: number): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolvePort) => {
    const srv = createServer();
    srv.once('error', () => void freePort().then(resolvePort));
    srv.listen(preferred, '127.0.0.1', () => srv.close(() => resolvePort(preferred)));
  });
}

/**
 * The demo: a private nats-server (or NATS_URL), then signals, bot and feed as separate processes
 * for a compressed session with live progress, then the end-of-day run into DuckDB and its report.
 * Returns the exit code: 0 when the report's P&L equals the bot's and reconciliation is clean.
 */
export async function runDemo(c: DemoConfig): Promise<number> {
  const dataDir = resolve(c.dataDir);
  const logDir = join(dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  let server: NatsServerHandle | undefined;
  let natsUrl = c.natsUrl;
  if (!natsUrl) {
    const storeDir = join(dataDir, 'nats');
    // The demo's private broker: each run is a fresh session, so the previous run's store goes.
    rmSync(storeDir, { recursive: true, force: true });
    try {
      server = await startNatsServer({ storeDir });
    } catch (err) {
      if (err instanceof NatsServerNotFoundError) {
        process.stderr.write(
          'tickflow demo: nats-server not found; install it with: sudo apt-get install -y nats-server\n',
        );
        return 1;
      }
      throw err;
    }
    natsUrl = server.url;
    say(`● private nats-server on ${natsUrl} (JetStream store ${storeDir})`);
  } else say(`● using NATS at ${redactUrl(natsUrl)}`);

  // Signals and the end of day run the same strategies: the reconciliation replays them.
  const strategies = resolve(c.strategies ?? writeDemoStrategies(dataDir));
  say(`● strategies: ${c.strategies === undefined ? "the demo's mix (see --help), " : ''}${strategies}`);
  const children: ServiceProcess[] = [];
  let monitorBus: Bus | undefined;
  try {
    // The private server needs no credentials; given ones are for --nats-url.
    const nats = { ...(server ? {} : c), natsUrl };
    monitorBus = await Bus.connect({ ...busAuthFrom(nats), name: 'tickflow-demo' });
    await monitorBus.ensureStreams();
    const env = { ...process.env, ...natsAuthEnv(nats) };
    const common = ['--log-level', c.logLevel];
    const ports = { signals: await portFor(8080), bot: await portFor(8081), feed: await portFor(8082) };
    // Signals serves the dashboard and reads the bot's and the feed's HTTP for its panels.
    const neighbours = {
      signals: [
        ...['--bot-url', `http://127.0.0.1:${ports.bot}`, '--feed-url', `http://127.0.0.1:${ports.feed}`],
        ...['--strategies', strategies],
      ],
      bot: [],
    };
    for (const name of ['signals', 'bot'] as const) {
      const p = ServiceProcess.spawn(
        name,
        [...common, '--port', String(ports[name]), ...neighbours[name]],
        env,
        join(logDir, `${name}.log`),
      );
      children.push(p);
      await p.waitHealthy(ports[name]);
    }
    say(
      `● signals http://127.0.0.1:${ports.signals}/v1/signals/BTC-USD   bot http://127.0.0.1:${ports.bot}/v1/pnl   logs ${logDir}`,
    );
    say(`● dashboard http://127.0.0.1:${ports.signals}/   (open it in a browser; live while the feed runs)`);

    const date = c.date ?? lastCompletedUtcDay();
    const monitor = new PipelineMonitor(monitorBus);
    const feedArgs = [
      ...common,
      ...[
        '--port',
        String(ports.feed),
        '--rate',
        String(c.rate),
        '--symbols',
        String(c.symbols),
        '--seed',
        String(c.seed),
      ],
      ...[
        '--duration',
        String(c.duration),
        '--start',
        `${date}${SESSION_OPEN}`,
        '--time-scale',
        String(SESSION_SECONDS / c.duration),
      ],
    ];
    say(
      `● feed: ${c.symbols} symbols at ${c.rate} ticks/s for ${c.duration} s, simulating ${date} 13:30–20:00 UTC`,
    );
    const feed = ServiceProcess.spawn('feed', feedArgs, env, join(logDir, 'feed.log'));
    children.push(feed);
    const started = Date.now();
    const progress = setInterval(() => void showProgress(monitor, ports.bot, started), 1000);
    const feedCode = await feed.exited;
    clearInterval(progress);
    if (feedCode !== 0) throw new Error(`feed exited with code ${feedCode}:\n${feed.tail()}`);

    // Let signals and the bot finish every message, then take the bot's final P&L.
    const drainStart = Date.now();
    while (true) {
      // Orders on each symbol's last ticks wait for ticks that will not come: they don't count.
      const backlog = (await signalsBacklog(ports.signals)) + (await botBacklog(monitorBus, ports.bot));
      if (backlog === 0) break;
      if (Date.now() - drainStart > 120_000)
        throw new Error(`consumers still have ${backlog} messages after 120 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await showProgress(monitor, ports.bot, started, true);
    const botPnl = (await (await fetch(`http://127.0.0.1:${ports.bot}/v1/pnl`)).json()) as {
      net: string;
      fills: number;
    };
    monitor.close();
    for (const p of [...children].reverse()) await p.stop();

    say(`● end of day for ${date}: JetStream → DuckDB → report`);
    const eodLog = createLogger('eod', 'warn');
    const { runEod } = await import('@tickflow/eod');
    const result = await runEod(
      {
        ...resolveConfig(eodSpec, {}, {}),
        ...nats,
        dataDir,
        reportsDir: c.reportsDir,
        date,
        logLevel: c.logLevel,
        strategies,
      },
      eodLog,
    );
    const pnlMatches = new Dec(result.report.pnl.total).eq(botPnl.net);
    printSummary(result, {
      botNet: botPnl.net,
      pnlMatches,
      ticksPerSecond: monitor.tickRate(),
      latency: monitor.latency(),
      steady: monitor.latency(true),
    });
    const backtestMatches = await closingBacktest(date, dataDir, strategies, c.reportsDir, botPnl.net);
    return pnlMatches && result.report.reconciliation.clean && backtestMatches ? 0 : 1;
  } finally {
    for (const p of children) await p.stop();
    await monitorBus?.drain();
    await server?.stop();
  }
}

/** Signals' backlog from its /readyz (it replays TICKS by position, with no durable consumer). */
async function signalsBacklog(port: number): Promise<number> {
  const body = (await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()) as { backlog: number | null };
  return body.backlog ?? Number.POSITIVE_INFINITY;
}

async function showProgress(
  m: PipelineMonitor,
  botPort: number,
  started: number,
  final = false,
): Promise<void> {
  let pnl = '…';
  try {
    pnl = ((await (await fetch(`http://127.0.0.1:${botPort}/v1/pnl`)).json()) as { net: string }).net;
  } catch {
    // bot busy or gone: keep the line going
  }
  const secs = (Date.now() - started) / 1000;
  const lat = m.latency();
  const line =
    `  ${secs.toFixed(0).padStart(3)} s  ticks ${m.ticks.toLocaleString('en-US')} (${Math.round(m.ticks / Math.max(secs, 0.001)).toLocaleString('en-US')}/s)` +
    `  decisions ${m.decisions}  fills ${m.fills}  P&L ${pnl}` +
    (lat.p99 !== undefined
      ? `  tick→decision p50 ${lat.p50?.toFixed(1)} ms p99 ${lat.p99.toFixed(1)} ms`
      : '');
  if (process.stdout.isTTY) process.stdout.write(`\r${line}\x1b[K${final ? '\n' : ''}`);
  else if (final || Math.round(secs) % 5 === 0) say(line);
}

/**
 * The research loop's first picture: the day just archived, backtested with the same strategies and
 * the bot's execution model (from the Parquet archive, no NATS), beside the live bot's result. The
 * same code runs in both, so the P&L is equal to the last digit (test/backtest-parity.test.ts).
 */
async function closingBacktest(
  date: string,
  dataDir: string,
  strategies: string,
  reportsDir: string,
  liveNet: string,
): Promise<boolean> {
  say(`● backtest of ${date} from the Parquet archive: the same strategies and paper broker`);
  const { runBacktest } = await import('./backtest/run.ts');
  const { report, dir } = await runBacktest({
    ...resolveConfig(backtestSpec, {}, {}),
    from: date,
    to: date,
    dataDir,
    strategies,
    out: join(resolve(reportsDir), 'backtests'),
  });
  const equal = new Dec(report.pnl.total).eq(liveNet);
  say(
    `  backtest ${report.trades} trades, ${report.fills} fills, P&L ${report.pnl.total} vs live bot ${liveNet}: ${equal ? 'equal' : 'DIFFERENT'}`,
  );
  say(`  tearsheet ${join(dir, 'report.html')}`);
  return equal;
}
