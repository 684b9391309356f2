import { Bus, DEFAULT_STREAM_LIMITS, decode, encode, readStream, subjects, tickMsgId } from '@tickflow/bus';
import type { Decision, Tick } from '@tickflow/core';
import { createLogger, resolveConfig } from '@tickflow/runtime';
import { signalsSpec, startSignals } from '@tickflow/signals';
import { replayDecisions, StrategyEngine, strategySetup } from '@tickflow/strategy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestNats, type TestNats, waitFor } from './nats-harness.ts';

const silent = createLogger('test', (process.env.TEST_LOG as 'warn') ?? 'silent');
const SMA = { fast: 3, slow: 8, qty: '1' };
const T0 = 1_775_000_000_000_000;

/** A zig-zag walk: enough SMA crosses for many decisions in a few hundred ticks. */
function ticks(symbol: string, n: number): Tick[] {
  const out: Tick[] = [];
  for (let seq = 1; seq <= n; seq++) {
    const price = 100 + 5 * Math.sin(seq / 7) + ((seq * 7919) % 13) / 10;
    out.push({
      v: 1,
      venue: 'sim',
      symbol,
      seq,
      ts: T0 + seq * 1000,
      price: price.toFixed(2),
      size: '1',
      recvTs: T0 + seq * 1000,
    });
  }
  return out;
}

/** Stores ticks in TICKS in the given order, each with its Nats-Msg-Id, as a feed would. */
async function store(bus: Bus, list: Tick[]): Promise<void> {
  for (const t of list)
    await bus.js.publish(subjects.tick(t.venue, t.symbol), encode(t), {
      msgID: tickMsgId(t.venue, t.symbol, t.seq),
    });
}

/** The same, many at once (one connection keeps them in call order). */
async function storeBatch(bus: Bus, list: Tick[]): Promise<void> {
  await Promise.all(
    list.map((t) =>
      bus.js.publish(subjects.tick(t.venue, t.symbol), encode(t), {
        msgID: tickMsgId(t.venue, t.symbol, t.seq),
      }),
    ),
  );
}

/** What an in-order run gives: indicators per symbol (engine) and the decisions (batch replay). */
function reference(all: Tick[]) {
  const { factory } = strategySetup(undefined, SMA);
  const engine = new StrategyEngine(factory);
  for (const t of [...all].sort((a, b) => a.symbol.localeCompare(b.symbol) || a.seq - b.seq))
    engine.onTick(t, t.ts);
  const decisions = replayDecisions(all, factory).map(identity);
  return { engine, decisions };
}

const identity = (d: Decision) => ({ id: d.id, action: d.action, refPrice: d.refPrice, tickSeq: d.tickSeq });

async function storedDecisions(bus: Bus) {
  const out: ReturnType<typeof identity>[] = [];
  await readStream(bus.js, bus.jsm, 'DECISIONS', (m) => out.push(identity(decode(m.data) as Decision)));
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

describe('signals applies each venue+symbol in seq order whatever order TICKS stored it in', () => {
  let nats: TestNats;
  let bus: Bus;
  let signals: Awaited<ReturnType<typeof startSignals>> | undefined;
  const start = (flags: Record<string, string> = {}) =>
    startSignals(
      resolveConfig(
        signalsSpec,
        { port: '0', fast: String(SMA.fast), slow: String(SMA.slow), checkpointMs: '100', ...flags },
        { NATS_URL: nats.url },
      ),
      silent,
    );

  beforeEach(async () => {
    nats = await startTestNats();
    bus = await Bus.connect({ url: nats.url, name: 'order-test' });
    await bus.ensureStreams();
  });
  afterEach(async () => {
    await signals?.close();
    signals = undefined;
    await bus?.drain();
    await nats?.stop();
  });

  it('holds the ticks past a gap until the late ones arrive, then equals the in-order batch', async () => {
    const a = ticks('AAA-USD', 400);
    const b = ticks('BBB-USD', 400);
    // AAA's 101..149 stored after 150..260 (as a broker restart once made the feed do), BBB in order
    // and interleaved, so the checkpoint has other lanes' ticks to pass.
    await store(bus, [...a.slice(0, 100), ...b.slice(0, 200), ...a.slice(149, 260)]);
    signals = await start();
    await waitFor('the ticks before the gap', () => signals?.service.view('AAA-USD')?.lastSeq === 100);
    // Live now: the late ones arrive after the newer ones were handled.
    await new Promise((r) => setTimeout(r, 300));
    expect(signals.service.view('AAA-USD')?.lastSeq).toBe(100);
    await store(bus, [...a.slice(100, 149), ...a.slice(260), ...b.slice(200)]);
    await waitFor(
      'every tick',
      () =>
        signals?.service.view('AAA-USD')?.lastSeq === 400 && signals.service.view('BBB-USD')?.lastSeq === 400,
    );

    const ref = reference([...a, ...b]);
    for (const sym of ['AAA-USD', 'BBB-USD'])
      expect(signals.service.view(sym)?.indicators).toEqual(ref.engine.state('sim', sym)?.indicators);
    await signals.service.commit();
    expect(ref.decisions.length).toBeGreaterThan(20);
    expect(await storedDecisions(bus)).toEqual(ref.decisions.sort((x, y) => x.id.localeCompare(y.id)));
    expect(signals.service.order.skippedGaps).toEqual([]);
  });

  it('never checkpoints past a held tick: a restart while ticks are held still ends equal to the batch', async () => {
    const a = ticks('AAA-USD', 300);
    await store(bus, [...a.slice(0, 50), ...a.slice(80, 200)]);
    signals = await start({ gapTimeoutMs: '600000' });
    await waitFor('the ticks before the gap', () => signals?.service.view('AAA-USD')?.lastSeq === 50);
    await waitFor('a checkpoint', async () => {
      const cp = await bus
        .objectGet<{ streamSeq: number }>('tickflow_checkpoints', 'signals.signals')
        .catch(() => undefined);
      return (cp?.streamSeq ?? 0) >= 50;
    });
    await signals.close();
    const cp = await bus.objectGet<{ streamSeq: number }>('tickflow_checkpoints', 'signals.signals');
    expect(cp?.streamSeq).toBe(50); // the first held tick (seq 81) is at stream sequence 51
    await store(bus, [...a.slice(50, 80), ...a.slice(200)]);
    signals = await start({ gapTimeoutMs: '600000' });
    await waitFor('every tick', () => signals?.service.view('AAA-USD')?.lastSeq === 300);
    const ref = reference(a);
    expect(signals.service.view('AAA-USD')?.indicators).toEqual(
      ref.engine.state('sim', 'AAA-USD')?.indicators,
    );
    await signals.service.commit();
    expect(await storedDecisions(bus)).toEqual(ref.decisions.sort((x, y) => x.id.localeCompare(y.id)));
  });

  it('reads a gap back from further on in TICKS when a bound is passed, intake paused meanwhile', async () => {
    const a = ticks('AAA-USD', 300);
    // 20,000 ticks of another lane between the newer ticks and the late ones: the read-back finds
    // the late ones long before the consumer gets there.
    const b = ticks('BBB-USD', 20_000);
    await store(bus, [...a.slice(0, 20), ...a.slice(30, 150)]);
    for (let i = 0; i < b.length; i += 1000) await storeBatch(bus, b.slice(i, i + 1000));
    await store(bus, [...a.slice(20, 30), ...a.slice(150)]);
    signals = await start({ gapHoldTicks: '5', gapHoldTotal: '5', gapTimeoutMs: '600000' });
    await waitFor('every tick', () => signals?.service.view('AAA-USD')?.lastSeq === 300, 10_000);
    const ref = reference([...a, ...b]);
    expect(signals.service.view('AAA-USD')?.indicators).toEqual(
      ref.engine.state('sim', 'AAA-USD')?.indicators,
    );
    await signals.service.commit();
    expect(await storedDecisions(bus)).toEqual(ref.decisions.sort((x, y) => x.id.localeCompare(y.id)));
    const metrics = await (await fetch(`http://127.0.0.1:${signals.port}/metrics`)).text();
    expect(metrics).not.toMatch(/code="(DUPLICATE_SEQ|GAP_SKIPPED)"/);
    expect(metrics).toMatch(/tickflow_signals_read_back_ticks_total\{[^}]*\} 10\n/);
  });

  it('starts each lane at its first tick when TICKS was trimmed, without an alarm', async () => {
    const a = ticks('AAA-USD', 100);
    await store(bus, a);
    await bus.jsm.streams.purge('TICKS', { seq: 41 }); // as max_age would: ticks 1..40 gone
    signals = await start({ gapTimeoutMs: '300' });
    await waitFor('every tick', () => signals?.service.view('AAA-USD')?.lastSeq === 100, 10_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(signals.service.order.skippedGaps).toEqual([]);
    expect(signals.service.view('AAA-USD')?.lastSeq).toBe(100);
  });

  it('raises an alarm naming the lane and seqs when a gap is not in TICKS, then goes on past it', async () => {
    const a = ticks('AAA-USD', 60);
    await store(bus, [...a.slice(0, 20), ...a.slice(25)]);
    signals = await start({ gapTimeoutMs: '300' });
    await waitFor('the gap given up on', () => signals?.service.view('AAA-USD')?.lastSeq === 60, 10_000);
    expect(signals.service.order.skippedGaps).toEqual([
      { key: 'sim:AAA-USD', ranges: [[21, 25]], laneStart: false },
    ]);
    const port = signals.port;
    const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as {
      status: string;
      checks: { ticks: { ok: boolean; detail: string } };
    };
    expect(health.status).toBe('degraded');
    expect(health.checks.ticks.detail).toContain('sim:AAA-USD 21-25');
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/tickflow_signals_bad_messages_total\{code="GAP_SKIPPED"[^}]*\} 5\n/);
  });
});

describe('signals never publishes a decision DECISIONS already holds', () => {
  let nats: TestNats;
  let bus: Bus;
  const limits = { ...DEFAULT_STREAM_LIMITS, duplicateWindowSeconds: 1 };
  /** signals on this test's broker, checkpointing every 100 ms, its streams' duplicate window 1 s. */
  const start = () =>
    startSignals(
      resolveConfig(
        signalsSpec,
        { port: '0', fast: String(SMA.fast), slow: String(SMA.slow), checkpointMs: '100' },
        { NATS_URL: nats.url },
      ),
      silent,
      { streamLimits: limits },
    );
  afterEach(async () => {
    await bus?.drain();
    await nats?.stop();
  });

  it('replays after a restart later than the duplicate window without storing a decision twice', async () => {
    nats = await startTestNats();
    bus = await Bus.connect({ url: nats.url, name: 'decisions-test' });
    await bus.ensureStreams(limits);
    const a = ticks('AAA-USD', 400);
    await store(bus, a.slice(0, 100));
    let signals = await start();
    await waitFor('the first ticks', () => signals.service.view('AAA-USD')?.lastSeq === 100);
    await signals.close();
    // The checkpoint a process killed later would have left behind.
    const early = await bus.objectGet<object>('tickflow_checkpoints', 'signals.signals');
    await store(bus, a.slice(100));
    signals = await start();
    await waitFor('every tick', () => signals.service.view('AAA-USD')?.lastSeq === 400);
    await signals.close();
    await bus.objectPut('tickflow_checkpoints', 'signals.signals', early);
    await new Promise((r) => setTimeout(r, 2500)); // longer than the duplicate window
    signals = await start();
    await waitFor('the replay', () => signals.service.view('AAA-USD')?.lastSeq === 400);
    await signals.close();

    const ids = (await storedDecisions(bus)).map((d) => d.id);
    expect(ids.length).toBeGreaterThan(10);
    expect(ids.length - new Set(ids).size).toBe(0);
    expect(ids).toEqual(
      reference(a)
        .decisions.map((d) => d.id)
        .sort(),
    );
  });
  it('keeps the restored DECISIONS position in a checkpoint taken before the replay passes what a predecessor decided', async () => {
    nats = await startTestNats();
    bus = await Bus.connect({ url: nats.url, name: 'decisions-mid-replay' });
    await bus.ensureStreams(limits);
    const N = 40_000;
    const a = ticks('AAA-USD', N);
    await store(bus, a.slice(0, 100));
    let signals = await start();
    await waitFor('the first ticks', () => signals.service.view('AAA-USD')?.lastSeq === 100);
    await signals.close();
    const early = await bus.objectGet<object>('tickflow_checkpoints', 'signals.signals');
    for (let i = 100; i < N; i += 2000) await storeBatch(bus, a.slice(i, i + 2000));
    // The predecessor decides everything, then dies leaving only the early checkpoint behind.
    signals = await start();
    await waitFor('every tick', () => signals.service.view('AAA-USD')?.lastSeq === N, 60_000);
    await signals.close();
    await bus.objectPut('tickflow_checkpoints', 'signals.signals', early);
    await new Promise((r) => setTimeout(r, 1500)); // the duplicate window (1 s) passes
    // The successor replays from the early checkpoint and stops mid-replay: its checkpoint lies
    // inside what the predecessor had decided.
    signals = await start();
    await waitFor(
      'the replay under way',
      () => (signals.service.view('AAA-USD')?.lastSeq ?? 0) > 100,
      30_000,
      1,
    );
    await signals.close();
    const mid = await bus.objectGet<{ streamSeq: number }>('tickflow_checkpoints', 'signals.signals');
    expect(mid?.streamSeq).toBeLessThan(N); // else this run did not stop mid-replay
    await new Promise((r) => setTimeout(r, 1500));
    signals = await start();
    await waitFor('the rest of the replay', () => signals.service.view('AAA-USD')?.lastSeq === N, 60_000);
    await signals.close();

    const ids = (await storedDecisions(bus)).map((d) => d.id);
    expect(ids.length - new Set(ids).size).toBe(0);
    expect(new Set(ids).size).toBe(reference(a).decisions.length);
  });
});
