import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { botBacklog, botSpec, startBot } from '@tickflow/bot';
import { Bus, decode, readStream } from '@tickflow/bus';
import { Dec } from '@tickflow/core';
import { eodSpec, runEod } from '@tickflow/eod';
import { feedSpec, startFeed } from '@tickflow/feed';
import { createLogger, resolveConfig } from '@tickflow/runtime';
import { signalsSpec, startSignals } from '@tickflow/signals';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signalsBacklog, startTestNats, type TestNats, waitFor } from './nats-harness.ts';

const EXAMPLE = fileURLToPath(new URL('../libs/strategy/examples/strategies.json', import.meta.url));
const BIN = fileURLToPath(new URL('../services/cli/bin/tickflow.mjs', import.meta.url));
const DATE = '2026-05-04';
const silent = createLogger('test', 'silent');

describe('per-symbol strategies from a config file, speed layer vs batch layer', () => {
  let nats: TestNats;
  const strategies = new Set<string>();
  let report: Awaited<ReturnType<typeof runEod>>['report'];
  let botNet = '';

  beforeAll(async () => {
    nats = await startTestNats();
    const env = { NATS_URL: nats.url };
    const signals = await startSignals(
      resolveConfig(signalsSpec, { port: '0', strategies: EXAMPLE }, env),
      silent,
    );
    const bot = await startBot(resolveConfig(botSpec, { port: '0' }, env), silent);
    const feed = await startFeed(
      resolveConfig(
        feedSpec,
        {
          port: '0',
          count: '30000',
          pace: 'afap',
          symbols: '5',
          start: `${DATE}T14:00:00Z`,
          timeScale: '200',
          jumps: '0.002',
        },
        env,
      ),
      silent,
    );
    await feed.done;
    await feed.close();
    const bus = await Bus.connect({ url: nats.url, name: 'strategies-test' });
    await waitFor('signals and bot to drain', async () => {
      const n = (await signalsBacklog(signals.port)) + (await botBacklog(bus, bot.port));
      return n === 0;
    });
    await signals.close();
    await new Promise((r) => setTimeout(r, 200));
    await waitFor('bot to drain', async () => (await botBacklog(bus, bot.port)) === 0);
    botNet = ((await (await fetch(`http://127.0.0.1:${bot.port}/v1/pnl`)).json()) as { net: string }).net;
    await bot.close();
    await readStream(bus.js, bus.jsm, 'DECISIONS', (m) =>
      strategies.add((decode(m.data) as { strategy: string }).strategy),
    );
    await bus.drain();
    const config = resolveConfig(
      eodSpec,
      { date: DATE, db: join(nats.dir, 't.duckdb'), reportsDir: join(nats.dir, 'r'), strategies: EXAMPLE },
      env,
    );
    report = (await runEod(config, silent)).report;
  });
  afterAll(async () => {
    await nats?.stop();
  });

  it('runs each symbol’s configured strategy', () => {
    expect(strategies.size).toBeGreaterThanOrEqual(2);
    expect(
      [...strategies].every((s) =>
        [
          'sma-cross',
          'rsi-threshold',
          'bollinger-reversion',
          'donchian-breakout',
          'macd-cross',
          'ema-cross',
        ].includes(s),
      ),
    ).toBe(true);
  });

  it('reconciles clean when the batch layer recomputes with the same file, and the P&L matches the bot', () => {
    expect(report.reconciliation.decisions.speed).toBeGreaterThan(0);
    expect(report.reconciliation.clean).toBe(true);
    expect(new Dec(report.pnl.total).eq(botNet)).toBe(true);
  });

  it('refuses an invalid strategy file at start with exit code 2 and the path of the problem', () => {
    const bad = join(nats.dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ defaults: { strategy: 'sma-cross', params: { fast: 'x' } } }));
    const r = spawnSync(process.execPath, [BIN, 'signals', '--strategies', bad, '--port', '0'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', NATS_URL: nats.url },
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('defaults.params.fast');
    const missing = spawnSync(
      process.execPath,
      [BIN, 'eod', 'run', '--strategies', '/nope.json', '--date', DATE],
      {
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', NATS_URL: nats.url },
      },
    );
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('--strategies /nope.json');
  });
});
