import { join } from 'node:path';
import type { Bus } from '@tickflow/bus';
import type { Fill } from '@tickflow/core';
import { eodSpec, runEod } from '@tickflow/eod';
import { DEFAULT_EXECUTION } from '@tickflow/paper';
import { createLogger, resolveConfig } from '@tickflow/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BotProcesses, type BotRig, recomputeFills, startBotRig } from './bot-kit.ts';
import type { TestNats } from './nats-harness.ts';

const DATE = '2026-06-01';
const silent = createLogger('test', 'silent');
/** The richest execution model: latency, slippage, impact, partial fills, minimum fee. */
const MODEL_FLAGS = [
  '--latency-ms',
  '3',
  '--slippage-bps',
  '1.5',
  '--impact-bps',
  '4',
  '--partial-fills',
  '--min-fee',
  '0.01',
];
const MODEL = {
  ...DEFAULT_EXECUTION,
  latencyMs: 3,
  slippageBps: '1.5',
  impactBps: '4',
  partialFills: true,
  minFee: '0.01',
};

describe('bot killed with SIGKILL mid-stream and restarted', () => {
  let rig: BotRig | undefined;
  let bus: Bus;
  let nats: TestNats;
  let port: number;
  let bots: BotProcesses;

  beforeAll(async () => {
    rig = await startBotRig(MODEL_FLAGS);
    ({ nats, port, bots } = rig);
    const first = bots.start();
    await bots.healthy();
    const feed = await rig.startFeed({
      count: '40000',
      rate: '20000',
      symbols: '4',
      start: `${DATE}T14:00:00Z`,
      timeScale: '100',
    });
    await new Promise((r) => setTimeout(r, 1000));
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    bots.start();
    await bots.healthy();
    await feed.done;
    await feed.close();
    bus = await rig.drain('bot-recovery', 30_000);
  });
  afterAll(async () => {
    await rig?.stop();
  });

  it('makes exactly the fills (latency, slippage, partial fills) the batch layer recomputes from decisions and ticks, once each', async () => {
    const { decisions, fills, batch } = await recomputeFills(bus, MODEL);
    expect(decisions.length).toBeGreaterThan(100);
    expect(new Set(fills.map((f) => f.id)).size).toBe(fills.length);
    const byId = (a: Fill, b: Fill) => a.id.localeCompare(b.id);
    expect([...fills].sort(byId)).toEqual([...batch.fills].sort(byId));
    // Every decision is filled but those on a symbol's last ticks, still waiting for a next one.
    expect(batch.open.size).toBeLessThanOrEqual(4);
    expect(new Set(fills.map((f) => f.decisionId)).size + batch.open.size).toBe(decisions.length);
    expect(fills.length).toBeGreaterThan(decisions.length); // partial fills happened
  });

  it('reports after the restart the P&L and, with its snapshot, exactly the fills the batch layer computes', async () => {
    const pnl = (await (await fetch(`http://127.0.0.1:${port}/v1/pnl`)).json()) as {
      net: string;
      fills: number;
    };
    const config = resolveConfig(
      eodSpec,
      { date: DATE, db: join(nats.dir, 'b.duckdb'), reportsDir: join(nats.dir, 'r') },
      { NATS_URL: nats.url },
    );
    // A graceful stop stores the session snapshot, with the execution model, for the eod.
    const last = bots.children.at(-1);
    last?.kill('SIGTERM');
    await new Promise((r) => last?.once('exit', r));
    const { report } = await runEod(config, silent);
    expect(pnl.fills).toBe(report.load.fills);
    // Both are rounded once to 8 places from the exact value: the strings are equal.
    expect(report.pnl.total).toBe(pnl.net);
    const f = report.reconciliation.fills;
    expect(f.model).toBe('snapshot');
    expect(f.execution).toEqual(MODEL);
    expect([f.matched, f.missing, f.extra, f.differing]).toEqual([f.speed, 0, 0, 0]);
    expect(f.snapshot).toEqual({ positionsEqual: true, detail: [] });
  });
});
