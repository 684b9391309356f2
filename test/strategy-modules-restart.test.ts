import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bus, decode, readStream } from '@tickflow/bus';
import type { Decision, Tick } from '@tickflow/core';
import { feedSpec, startFeed } from '@tickflow/feed';
import { createLogger, loadStrategySetup, resolveConfig } from '@tickflow/runtime';
import { type SymbolView, signalsSpec, startSignals } from '@tickflow/signals';
import { replayDecisions } from '@tickflow/strategy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signalsBacklog, startTestNats, type TestNats, waitFor } from './nats-harness.ts';

const FAIL_AT = 500;
const silent = createLogger('test', 'silent');

/** A user's module with state worth checkpointing (two SMAs and a side); it throws on one symbol. */
const MODULE = `
import { decide, defineStrategy, readState, SMA, Type } from '@tickflow/strategy';
export default defineStrategy({
  name: 'swing',
  params: Type.Object({ period: Type.Integer({ minimum: 2, default: 30 }), failOn: Type.String({ default: '' }) }),
  create(venue, symbol, p) {
    const fast = new SMA(Math.max(1, Math.floor(p.period / 3))), slow = new SMA(p.period);
    let side = 0;
    return {
      name: 'swing',
      onTick(tick, now) {
        if (symbol === p.failOn && tick.seq === ${FAIL_AT}) throw new TypeError('cannot read my state');
        const f = fast.update(Number(tick.price)), s = slow.update(Number(tick.price));
        if (f === undefined || s === undefined || f === s) return undefined;
        const next = f > s ? 1 : -1, prev = side;
        side = next;
        if (prev === 0 || prev === next) return undefined;
        return decide('swing', tick, now, next > 0 ? 'BUY' : 'SELL', 'swing', { f, s });
      },
      indicators: () => ({}),
      snapshot: () => ({ fast: fast.snapshot(), slow: slow.snapshot(), side }),
      restore(st) { fast.restore(readState(st, 'fast', 'swing')); slow.restore(readState(st, 'slow', 'swing')); side = st.side; },
    };
  },
});
`;

async function fill(url: string, start: string): Promise<void> {
  const config = { port: '0', count: '6000', pace: 'afap', symbols: '3', seed: '5', start, timeScale: '100' };
  const feed = await startFeed(resolveConfig(feedSpec, config, { NATS_URL: url }), silent);
  await feed.done;
  await feed.close();
}

describe('a strategy module across a signals restart', () => {
  let nats: TestNats;
  let config = '';
  let views: SymbolView[] = [];
  let metrics = '';
  const ticks: Tick[] = [];
  const decisions: Decision[] = [];

  beforeAll(async () => {
    nats = await startTestNats();
    const dir = mkdtempSync(join(tmpdir(), 'tickflow-user-'));
    mkdirSync(join(dir, 'strategies'));
    writeFileSync(join(dir, 'strategies', 'swing.ts'), MODULE);
    config = join(dir, 'strategies.json');
    writeFileSync(
      config,
      JSON.stringify({ defaults: { strategy: './strategies/swing.ts', params: { failOn: 'ETH-USD' } } }),
    );
    const flags = { port: '0', strategies: config, checkpointMs: '100' };
    const env = { NATS_URL: nats.url };
    await fill(nats.url, '2026-05-06T14:00:00Z');
    const first = await startSignals(resolveConfig(signalsSpec, flags, env), silent);
    await waitFor('signals to catch up', async () => (await signalsBacklog(first.port)) === 0);
    await first.close();
    await fill(nats.url, '2026-05-06T15:00:00Z');
    const second = await startSignals(resolveConfig(signalsSpec, flags, env), silent);
    await waitFor('signals to catch up', async () => (await signalsBacklog(second.port)) === 0);
    const base = `http://127.0.0.1:${second.port}`;
    views = ((await (await fetch(`${base}/v1/signals`)).json()) as { signals: SymbolView[] }).signals;
    metrics = await (await fetch(`${base}/metrics`)).text();
    await second.close();
    const bus = await Bus.connect({ url: nats.url, name: 'restart-test' });
    await readStream(bus.js, bus.jsm, 'TICKS', (m) => ticks.push(decode(m.data) as Tick));
    await readStream(bus.js, bus.jsm, 'DECISIONS', (m) => decisions.push(decode(m.data) as Decision));
    await bus.drain();
  });
  afterAll(async () => {
    await nats?.stop();
  });

  it("resumes from the checkpoint with the module's own state: the decisions are those of one straight run", async () => {
    const { factory } = await loadStrategySetup(config, { fast: 10, slow: 30, qty: '1' });
    const straight = replayDecisions(ticks, factory);
    const key = (d: Decision) => `${d.id} ${d.action} ${d.refPrice}`;
    expect(straight.length).toBeGreaterThan(20);
    expect(decisions.map(key).sort()).toEqual(straight.map(key).sort());
  });

  it('keeps the pause from before the restart, restored rather than met again', () => {
    expect(views.find((v) => v.symbol === 'ETH-USD')?.paused).toEqual({
      tickSeq: FAIL_AT,
      error: 'threw TypeError: cannot read my state',
    });
    expect(views.find((v) => v.symbol === 'ETH-USD')?.lastSeq).toBeGreaterThan(2000 + FAIL_AT);
    // The second instance restored the pause from the checkpoint: its strategy never threw.
    expect(metrics).not.toMatch(/^tickflow_signals_strategy_errors_total\{[^}]*\} [1-9]/m);
    expect(views.filter((v) => v.paused === null).length).toBe(2);
  });
});
