import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { botBacklog, botSpec, startBot } from '@tickflow/bot';
import { Bus, BusAuthError, DEFAULT_STREAM_LIMITS, type NatsServerHandle } from '@tickflow/bus';
import { eodArchiveSpec, eodSpec, runEod, startLogArchiver } from '@tickflow/eod';
import { feedSpec, startFeed } from '@tickflow/feed';
import { createLogger, resolveConfig } from '@tickflow/runtime';
import { signalsSpec, startSignals } from '@tickflow/signals';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiverCaughtUp } from './eod-log-kit.ts';
import { signalsBacklog, startTestNats, type TestNats, waitFor } from './nats-harness.ts';

/**
 * The pipeline (synthetic feed → signals → bot → eod run, eod archive) under
 * docs/nats-permissions.conf, each service with its own user and reply inbox: it works, and no
 * service can write what another one owns.
 */
const PERMISSIONS = fileURLToPath(new URL('../docs/nats-permissions.conf', import.meta.url));
const DATE = '2026-03-02';
const TICKS = 3000;
const PASSWORDS = {
  feed: 'feed-pw-0123',
  signals: 'signals-pw-0123',
  bot: 'bot-pw-0123',
  eod: 'eod-pw-0123',
} as const;
type Service = keyof typeof PASSWORDS;

describe('the pipeline under the least-privilege permissions of docs/nats-permissions.conf', () => {
  let dir: string;
  let nats: TestNats;
  let server: NatsServerHandle;
  let eodBus: Bus;
  const buses: Bus[] = [];
  /** Every log line of the services: a permission they lack shows as a `nats status` error. */
  const logged: string[] = [];
  const log = (name: string) =>
    createLogger(
      name,
      'warn',
      new Writable({
        write(chunk: Buffer, _enc, done) {
          logged.push(chunk.toString());
          done();
        },
      }),
    );
  const env = (service: Service) => ({
    NATS_URL: server.url,
    NATS_USER: `tickflow-${service}`,
    NATS_PASSWORD: PASSWORDS[service],
    NATS_INBOX_PREFIX: `_INBOX_${service}`,
  });
  const connectAs = async (service: Service) => {
    const bus = await Bus.connect({
      url: server.url,
      name: `test-as-${service}`,
      auth: { user: `tickflow-${service}`, pass: PASSWORDS[service], inboxPrefix: `_INBOX_${service}` },
    });
    buses.push(bus);
    return bus;
  };
  const messages = async (stream: string) => (await eodBus.jsm.streams.info(stream)).state.messages;
  let eodReport: Awaited<ReturnType<typeof runEod>>['report'];
  /** The server's log up to the end of the pipeline run (the tests below provoke violations). */
  let pipelineServerLog = '';

  beforeAll(async () => {
    nats = await startTestNats({
      // nats-server includes relative to the configuration file, <dir>/nats.conf.
      files: { 'nats-permissions.conf': PERMISSIONS },
      config: 'include "nats-permissions.conf"',
      env: Object.fromEntries(
        Object.entries(PASSWORDS).map(([s, p]) => [`TICKFLOW_${s.toUpperCase()}_PASSWORD`, p]),
      ),
    });
    server = nats.server;
    dir = nats.dir;
    const signals = await startSignals(
      resolveConfig(signalsSpec, { port: '0' }, env('signals')),
      log('signals'),
    );
    const bot = await startBot(resolveConfig(botSpec, { port: '0' }, env('bot')), log('bot'));
    const feed = await startFeed(
      resolveConfig(
        feedSpec,
        {
          port: '0',
          count: String(TICKS),
          rate: '20000',
          symbols: '2',
          start: `${DATE}T13:30:00Z`,
          timeScale: '6000',
        },
        env('feed'),
      ),
      log('feed'),
    );
    expect((await feed.done).published).toBe(TICKS);
    await feed.close();
    eodBus = await connectAs('eod');
    await waitFor('signals and bot to drain', async () => {
      return (await signalsBacklog(signals.port)) + (await botBacklog(eodBus, bot.port)) === 0;
    });
    await signals.close();
    await bot.close();
    const eodConfig = resolveConfig(
      eodSpec,
      { date: DATE, db: join(dir, 'tickflow.duckdb'), dataDir: dir, reportsDir: join(dir, 'reports') },
      env('eod'),
    );
    eodReport = (await runEod(eodConfig, log('eod'))).report;
    const logDir = join(dir, 'log');
    const archiver = await startLogArchiver(
      resolveConfig(eodArchiveSpec, { logDir, port: '0' }, env('eod')),
      log('eod-archive'),
    );
    await waitFor('the archiver to catch up', () => archiverCaughtUp(eodBus, logDir), 15_000);
    await archiver.close();
    pipelineServerLog = server.log();
  }, 60_000);

  afterAll(async () => {
    for (const b of buses) await b.drain().catch(() => {});
    await nats?.stop();
  });

  it('runs feed, signals, bot, eod run and eod archive with no permission refused', async () => {
    expect(await messages('TICKS')).toBe(TICKS);
    expect(await messages('DECISIONS')).toBeGreaterThan(0);
    expect(await messages('FILLS')).toBeGreaterThan(0);
    expect(eodReport.reconciliation.clean).toBe(true);
    expect(logged.filter((l) => /Permissions Violation|not authorized/i.test(l))).toEqual([]);
    expect(pipelineServerLog.match(/.*Violation.*/g) ?? []).toEqual([]);
  });

  it('starts a service against streams whose limits its credentials may not change, keeping them', async () => {
    const feed = await connectAs('feed');
    const before = (await feed.jsm.streams.info('TICKS')).config.duplicate_window;
    await feed.ensureStreams({ ...DEFAULT_STREAM_LIMITS, duplicateWindowSeconds: 5 });
    expect((await feed.jsm.streams.info('TICKS')).config.duplicate_window).toBe(before);
  });

  it("refuses a decision published with the feed's credentials", async () => {
    const feed = await connectAs('feed');
    const before = await messages('DECISIONS');
    const forged = new TextEncoder().encode('{"forged":"by the feed"}');
    await expect(feed.js.publish('decisions.BTC-USD', forged)).rejects.toThrow(/Permissions Violation/);
    // A plain publish is refused too, silently to the sender: the stream never gets it.
    feed.nc.publish('decisions.BTC-USD', forged);
    await feed.flush();
    expect(await messages('DECISIONS')).toBe(before);
  });

  it("refuses a tick published with signals' credentials", async () => {
    const signals = await connectAs('signals');
    const before = await messages('TICKS');
    const forged = new TextEncoder().encode('{"forged":"by signals"}');
    await expect(signals.js.publish('ticks.synth.BTC-USD', forged)).rejects.toThrow(/Permissions Violation/);
    signals.nc.publish('ticks.synth.BTC-USD', forged);
    await signals.flush();
    expect(await messages('TICKS')).toBe(before);
  });

  it('refuses a fill from signals, a decision from the bot and anything from eod', async () => {
    const signals = await connectAs('signals');
    const bot = await connectAs('bot');
    const data = new TextEncoder().encode('{}');
    await expect(signals.js.publish('fills.BTC-USD', data)).rejects.toThrow(/Permissions Violation/);
    await expect(bot.js.publish('decisions.BTC-USD', data)).rejects.toThrow(/Permissions Violation/);
    await expect(eodBus.js.publish('ticks.synth.BTC-USD', data)).rejects.toThrow(/Permissions Violation/);
  });

  it('tells a service started without its inbox prefix to set it', async () => {
    const err = await Bus.connect({
      url: server.url,
      name: 'test-no-prefix',
      auth: { user: 'tickflow-feed', pass: PASSWORDS.feed },
    }).then(
      () => new Error('connected'),
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(BusAuthError);
    expect(err.message).toContain('Permissions Violation for Subscription to "_INBOX.');
    expect(err.message).toContain('--nats-inbox-prefix');
  });

  it("keeps each service's replies to itself", async () => {
    const feed = await connectAs('feed');
    const refused = new Promise<Error>((resolve) => {
      feed.nc.subscribe('_INBOX_signals.>', { callback: (err) => err && resolve(err) });
    });
    await feed.flush();
    expect((await refused).message).toMatch(/Permissions Violation for Subscription to "_INBOX_signals.>"/);
  });

  it("lets no service change, purge or delete a stream, or pull from the bot's consumer", async () => {
    const feed = await connectAs('feed');
    await expect(feed.jsm.streams.delete('DECISIONS')).rejects.toThrow(/Permissions Violation/);
    await expect(feed.jsm.streams.purge('TICKS')).rejects.toThrow(/Permissions Violation/);
    const info = await feed.jsm.streams.info('TICKS');
    await expect(feed.jsm.streams.update('TICKS', { ...info.config, max_msgs: 1 })).rejects.toThrow(
      /Permissions Violation/,
    );
    await expect(eodBus.jsm.consumers.delete('DECISIONS', 'bot')).rejects.toThrow(/Permissions Violation/);
    // One decision waiting for the (stopped) bot: eod's pull must not take it.
    const signals = await connectAs('signals');
    await signals.js.publish('decisions.ZZZ-USD', new TextEncoder().encode('{}'));
    const waiting = (await eodBus.jsm.consumers.info('DECISIONS', 'bot')).num_pending;
    expect(waiting).toBe(1);
    const pull = await eodBus.js.consumers.get('DECISIONS', 'bot');
    expect(await pull.next({ expires: 1000 })).toBeNull();
    const after = await eodBus.jsm.consumers.info('DECISIONS', 'bot');
    expect([after.num_pending, after.num_ack_pending]).toEqual([1, 0]);
  });
});
