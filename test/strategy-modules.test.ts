import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { botBacklog, botSpec, startBot } from '@tickflow/bot';
import { Bus, decode, readStream } from '@tickflow/bus';
import type { Decision } from '@tickflow/core';
import { eodSpec, REPORT_JSON_SCHEMA, runEod } from '@tickflow/eod/internal';
import { feedSpec, startFeed } from '@tickflow/feed';
import { createLogger, resolveConfig } from '@tickflow/runtime';
import { type SymbolView, signalsSpec, startSignals } from '@tickflow/signals';
import { Compile } from 'typebox/compile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signalsBacklog, startTestNats, type TestNats, waitFor } from './nats-harness.ts';

const DATE = '2026-05-05';
const FAIL_AT = 700;
const silent = createLogger('test', 'silent');

/** A user's strategy: SMA cross with a dead band, importing only '@tickflow/strategy'. */
const MOMENTUM = `
import { decide, defineStrategy, readState, SMA, Type } from '@tickflow/strategy';
export default defineStrategy({
  name: 'momentum',
  params: Type.Object({ fast: Type.Integer({ minimum: 1, default: 10 }), slow: Type.Integer({ minimum: 2, default: 40 }) }),
  create(venue, symbol, p) {
    const fast = new SMA(p.fast), slow = new SMA(p.slow);
    let side = 0;
    return {
      name: 'momentum',
      onTick(tick, now) {
        const f = fast.update(Number(tick.price)), s = slow.update(Number(tick.price));
        if (f === undefined || s === undefined || f === s) return undefined;
        const next = f > s ? 1 : -1, prev = side;
        side = next;
        if (prev === 0 || prev === next) return undefined;
        return decide('momentum', tick, now, next > 0 ? 'BUY' : 'SELL', 'crossed', { f, s });
      },
      indicators: () => (fast.value === undefined ? {} : { fast: fast.value }),
      snapshot: () => ({ fast: fast.snapshot(), slow: slow.snapshot(), side }),
      restore(st) { fast.restore(readState(st, 'fast', 'momentum')); slow.restore(readState(st, 'slow', 'momentum')); side = st.side; },
    };
  },
});
`;

/** The same rule, in JavaScript, that throws at one tick: its symbol must pause, alone. */
const FRAGILE = `
import { defineStrategy, Type } from '@tickflow/strategy';
import momentum from './momentum.ts';
export default defineStrategy({
  name: 'fragile',
  params: Type.Object({ failAt: Type.Integer({ minimum: 1 }) }),
  create(venue, symbol, p) {
    const inner = momentum.create(venue, symbol, { fast: 10, slow: 40 });
    return {
      ...inner,
      name: 'fragile',
      onTick(tick, now) {
        if (tick.seq === p.failAt) throw new Error('division by zero in my rule');
        const d = inner.onTick(tick, now);
        return d && { ...d, strategy: 'fragile', id: d.id.replace('momentum:', 'fragile:') };
      },
    };
  },
});
`;

describe('strategy modules from a directory outside the repo, in signals and the eod reconciliation', () => {
  let nats: TestNats;
  let views: SymbolView[] = [];
  let metrics = '';
  const decisions: Decision[] = [];
  let report: Awaited<ReturnType<typeof runEod>>['report'];

  beforeAll(async () => {
    nats = await startTestNats();
    const user = mkdtempSync(join(tmpdir(), 'tickflow-user-'));
    mkdirSync(join(user, 'strategies'));
    writeFileSync(join(user, 'strategies', 'momentum.ts'), MOMENTUM);
    writeFileSync(join(user, 'strategies', 'fragile.js'), FRAGILE);
    const config = join(user, 'strategies.json');
    writeFileSync(
      config,
      JSON.stringify({
        defaults: { strategy: './strategies/momentum.ts', params: { fast: 8 }, risk: { maxPosition: '3' } },
        symbols: { 'ETH-USD': { strategy: './strategies/fragile.js', params: { failAt: FAIL_AT } } },
      }),
    );
    const env = { NATS_URL: nats.url };
    const signals = await startSignals(
      resolveConfig(signalsSpec, { port: '0', strategies: config }, env),
      silent,
    );
    const bot = await startBot(resolveConfig(botSpec, { port: '0' }, env), silent);
    const feed = await startFeed(
      resolveConfig(
        feedSpec,
        {
          port: '0',
          count: '12000',
          pace: 'afap',
          symbols: '3',
          start: `${DATE}T14:00:00Z`,
          timeScale: '200',
        },
        env,
      ),
      silent,
    );
    await feed.done;
    await feed.close();
    const bus = await Bus.connect({ url: nats.url, name: 'strategy-modules-test' });
    await waitFor('signals and bot to drain', async () => {
      const n = (await signalsBacklog(signals.port)) + (await botBacklog(bus, bot.port));
      return n === 0;
    });
    views = (
      (await (await fetch(`http://127.0.0.1:${signals.port}/v1/signals`)).json()) as { signals: SymbolView[] }
    ).signals;
    metrics = await (await fetch(`http://127.0.0.1:${signals.port}/metrics`)).text();
    await signals.close();
    await new Promise((r) => setTimeout(r, 200));
    await waitFor('bot to drain', async () => (await botBacklog(bus, bot.port)) === 0);
    await bot.close();
    await readStream(bus.js, bus.jsm, 'DECISIONS', (m) => decisions.push(decode(m.data) as Decision));
    await bus.drain();
    const eod = resolveConfig(
      eodSpec,
      { date: DATE, db: join(nats.dir, 't.duckdb'), reportsDir: join(nats.dir, 'r'), strategies: config },
      env,
    );
    report = (await runEod(eod, silent)).report;
  });
  afterAll(async () => {
    await nats?.stop();
  });

  it("runs the user's module on every symbol but the one configured otherwise", () => {
    const by = (s: string) => decisions.filter((d) => d.symbol === s);
    expect(by('BTC-USD').length).toBeGreaterThan(5);
    expect(by('BTC-USD').every((d) => d.strategy === 'momentum')).toBe(true);
    expect(by('SOL-USD').every((d) => d.strategy === 'momentum')).toBe(true);
    expect(by('ETH-USD').every((d) => d.strategy === 'fragile')).toBe(true);
  });

  it('pauses only the symbol whose strategy threw; the others decide on after that tick', () => {
    expect(decisions.filter((d) => d.symbol === 'ETH-USD').every((d) => d.tickSeq < FAIL_AT)).toBe(true);
    expect(decisions.some((d) => d.symbol === 'ETH-USD')).toBe(true);
    expect(decisions.some((d) => d.symbol === 'BTC-USD' && d.tickSeq > FAIL_AT + 1000)).toBe(true);
  });

  it('says so in REST and /metrics', () => {
    const eth = views.find((v) => v.symbol === 'ETH-USD');
    expect(eth?.paused).toEqual({ tickSeq: FAIL_AT, error: 'threw Error: division by zero in my rule' });
    expect(eth?.lastSeq).toBeGreaterThan(FAIL_AT + 1000); // its ticks are still counted
    expect(views.find((v) => v.symbol === 'BTC-USD')?.paused).toBeNull();
    expect(metrics).toMatch(/^tickflow_signals_strategy_errors_total\{strategy="fragile"[^}]*\} 1$/m);
  });

  it('reconciles clean: the batch recomputation loads the same modules and pauses the same symbol at the same tick', () => {
    expect(report.reconciliation.decisions.speed).toBe(decisions.length);
    expect(report.reconciliation.decisions.matched).toBe(decisions.length);
    expect(report.reconciliation.clean).toBe(true);
    expect(report.reconciliation.decisions.paused).toEqual([
      {
        venue: expect.any(String),
        symbol: 'ETH-USD',
        strategy: 'fragile',
        tickSeq: FAIL_AT,
        error: 'threw Error: division by zero in my rule',
      },
    ]);
    expect(Compile(REPORT_JSON_SCHEMA).Check(JSON.parse(JSON.stringify(report)))).toBe(true);
  });
});
