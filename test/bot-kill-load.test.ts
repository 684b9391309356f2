import type { Bus } from '@tickflow/bus';
import type { Fill } from '@tickflow/core';
import { DEFAULT_EXECUTION } from '@tickflow/paper';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BotRig, recomputeFills, startBotRig } from './bot-kit.ts';

const SYMBOLS = 6;
const MODEL_FLAGS = ['--latency-ms', '2', '--slippage-bps', '1', '--partial-fills', '--tape-ticks', '64'];
const MODEL = { ...DEFAULT_EXECUTION, latencyMs: 2, slippageBps: '1', partialFills: true };

/**
 * The bot killed with SIGKILL again and again while the feed runs at 5,000 ticks/s over several
 * symbols, each time with orders pending, and restarted at once while the broker stutters (stopped
 * 1.3 s in every 1.6 s): its rebuild and its tape read the stream back under load (a small tape
 * forces read-backs), and its fills must still be exactly the batch recomputation's.
 */
describe('bot killed with SIGKILL under load, several times, and restarted', () => {
  let rig: BotRig | undefined;
  let bus: Bus;
  let kills = 0;

  beforeAll(async () => {
    rig = await startBotRig(MODEL_FLAGS);
    const { nats, bots } = rig;
    let running = bots.start();
    await bots.healthy();
    const feed = await rig.startFeed({
      count: '120000',
      rate: '5000',
      symbols: String(SYMBOLS),
      start: '2026-06-02T14:00:00Z',
      timeScale: '50',
    });
    let fed = false;
    void feed.done.then(() => {
      fed = true;
    });
    // Kill 1-2 s after each restart is up, while the feed runs (24 s).
    while (!fed) {
      await new Promise((r) => setTimeout(r, 1000 + Math.random() * 1000));
      if (fed) break;
      running.kill('SIGKILL');
      await new Promise((r) => running.once('exit', r));
      kills++;
      running = bots.start();
      // A stuttering broker while the new process rebuilds and catches up: its reads back must come
      // out complete however slow the answers (a read that ended at a 1 s fetch timeout fell short).
      let up = false;
      const stutter = (async () => {
        while (!up) {
          nats.server.process.kill('SIGSTOP');
          await new Promise((r) => setTimeout(r, 1300));
          nats.server.process.kill('SIGCONT');
          await new Promise((r) => setTimeout(r, 300));
        }
      })();
      await bots.healthy();
      await new Promise((r) => setTimeout(r, 1000));
      up = true;
      await stutter;
    }
    await feed.close();
    bus = await rig.drain('bot-kill-load', 60_000);
  }, 180_000);
  afterAll(async () => {
    await rig?.stop();
  });

  it('makes exactly the fills the batch layer recomputes from decisions and ticks, once each', async () => {
    const { decisions, fills, batch } = await recomputeFills(bus, MODEL);
    expect(decisions.length).toBeGreaterThan(200);
    expect(new Set(fills.map((f) => f.id)).size).toBe(fills.length);
    const byId = (a: Fill, b: Fill) => a.id.localeCompare(b.id);
    const key = (f: Fill) => `${f.id} ${f.qty} ${f.price} ${f.fee} ${f.ts}`;
    const speed = [...fills].sort(byId).map(key);
    const exact = [...batch.fills].sort(byId).map(key);
    const [inSpeed, inExact] = [new Set(speed), new Set(exact)];
    // The differences, not two long lists: what the bot made that the batch does not, and back.
    expect(speed.filter((f) => !inExact.has(f))).toEqual([]);
    expect(exact.filter((f) => !inSpeed.has(f))).toEqual([]);
    expect(fills.length).toBeGreaterThan(decisions.length / 2);
    expect(kills).toBeGreaterThanOrEqual(2);
  });
});
