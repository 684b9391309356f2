import { botBacklog, botSpec, startBot } from '@tickflow/bot';
import { Bus, DurablePublisher, decode, readRecent, subjects } from '@tickflow/bus';
import type { Decision } from '@tickflow/core';
import { feedSpec, startFeed } from '@tickflow/feed';
import { createLogger, resolveConfig } from '@tickflow/runtime';
import { type SymbolView, signalsSpec, startSignals } from '@tickflow/signals';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { signalsBacklog, startTestNats, type TestNats, waitFor } from './nats-harness.ts';

const silent = createLogger('test', 'silent');

describe('signals and bot services', () => {
  let nats: TestNats;
  let bus: Bus;
  let signals: Awaited<ReturnType<typeof startSignals>>;
  let bot: Awaited<ReturnType<typeof startBot>>;
  const env = () => ({ NATS_URL: nats.url });
  const drained = () =>
    waitFor('consumers to drain', async () => {
      const n = (await signalsBacklog(signals.port)) + (await botBacklog(bus, bot.port));
      return n === 0;
    });

  beforeAll(async () => {
    nats = await startTestNats();
    signals = await startSignals(resolveConfig(signalsSpec, { port: '0' }, env()), silent);
    bot = await startBot(resolveConfig(botSpec, { port: '0', adminToken: 'secret' }, env()), silent);
    bus = await Bus.connect({ url: nats.url, name: 'services-test' });
    const feed = await startFeed(
      resolveConfig(
        feedSpec,
        {
          port: '0',
          count: '2000',
          rate: '50000',
          symbols: '2',
          start: '2026-02-02T14:00:00Z',
          timeScale: '100',
        },
        env(),
      ),
      silent,
    );
    await feed.done;
    await feed.close();
    await drained();
  });
  afterAll(async () => {
    await signals?.close();
    await bot?.close();
    await bus?.drain();
    await nats?.stop();
  });

  async function getJson<T = Record<string, unknown>>(
    port: number,
    path: string,
  ): Promise<{ status: number; body: T }> {
    const res = await fetch(`http://127.0.0.1:${port}${path}`);
    return { status: res.status, body: (await res.json()) as T };
  }
  const getText = async (port: number, path: string) =>
    (await fetch(`http://127.0.0.1:${port}${path}`)).text();

  it('serves the latest indicators and last decision of a symbol', async () => {
    const { status, body } = await getJson<SymbolView>(signals.port, '/v1/signals/BTC-USD');
    expect(status).toBe(200);
    expect(body.symbol).toBe('BTC-USD');
    expect(body.lastSeq).toBeGreaterThan(500);
    expect(Object.keys(body.indicators)).toEqual(['price', 'sma10', 'sma30']);
    expect(body.lastDecision?.id).toMatch(/^sma-cross:synth:BTC-USD:\d+$/);
  });

  it('answers 400 for a malformed symbol and 404 for an unknown one', async () => {
    expect((await getJson(signals.port, '/v1/signals/btc.usd')).status).toBe(400);
    const unknown = await getJson<{ error: string }>(signals.port, '/v1/signals/ZZZ-USD');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe('UNKNOWN_SYMBOL');
  });

  it('reports health and a tick→decision latency histogram', async () => {
    expect((await getJson(signals.port, '/healthz')).body.status).toBe('ok');
    const metrics = await getText(signals.port, '/metrics');
    expect(metrics).toMatch(/tickflow_signals_tick_to_decision_seconds_count\{service="signals"\} [1-9]/);
  });

  it('lists every symbol and its signals', async () => {
    const symbols = await getJson<{ symbols: string[] }>(signals.port, '/v1/symbols');
    expect(symbols.body.symbols).toEqual(['BTC-USD', 'ETH-USD']);
    const all = await getJson<{ signals: SymbolView[] }>(signals.port, '/v1/signals');
    expect(all.body.signals.map((s) => s.symbol)).toEqual(['BTC-USD', 'ETH-USD']);
  });

  it('serves time bars by exchange time, bounded by limit, with the bar still forming', async () => {
    type B = { ts: number; high: number; low: number; open: number; close: number };
    const r = await getJson<{ bars: B[]; forming: B | null }>(
      signals.port,
      '/v1/bars/BTC-USD?interval=1s&limit=3',
    );
    expect(r.status).toBe(200);
    expect(r.body.bars.length).toBeGreaterThan(0);
    expect(r.body.bars.length).toBeLessThanOrEqual(3);
    for (const b of r.body.bars) {
      expect(b.ts % 1_000_000).toBe(0);
      expect(b.high).toBeGreaterThanOrEqual(Math.max(b.open, b.close, b.low));
    }
    const ts = r.body.bars.map((b) => b.ts);
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
    expect(r.body.forming).not.toBeNull();
    expect((await getJson(signals.port, '/v1/bars/BTC-USD?interval=2m')).status).toBe(400);
    expect((await getJson(signals.port, '/v1/bars/ZZZ-USD')).status).toBe(404);
  });

  it('serves chosen indicators by name and refuses unknown names with 400', async () => {
    const some = await getJson<{ indicators: Record<string, number> }>(
      signals.port,
      '/v1/indicators/ETH-USD?names=sma10',
    );
    expect(Object.keys(some.body.indicators)).toEqual(['sma10']);
    const bad = await getJson<{ error: string; message: string }>(
      signals.port,
      '/v1/indicators/ETH-USD?names=sma10,nope',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('nope');
    expect((await getJson(signals.port, '/v1/indicators/ETH-USD?names=a;b')).status).toBe(400);
  });

  it('reads decision history from the DECISIONS stream, oldest first, per symbol and limited', async () => {
    const r = await getJson<{
      decisions: { symbol: string; tickSeq: number; tickRecvTs?: number; tickStreamSeq?: number }[];
    }>(signals.port, '/v1/decisions?symbol=BTC-USD&limit=5');
    expect(r.status).toBe(200);
    expect(r.body.decisions).toHaveLength(5);
    expect(r.body.decisions.every((d) => d.symbol === 'BTC-USD')).toBe(true);
    // Latency is measurable from a decision alone: it names its tick's feed receive time.
    expect(
      r.body.decisions.every((d) => Number.isSafeInteger(d.tickRecvTs) && Number(d.tickRecvTs) > 0),
    ).toBe(true);
    expect(r.body.decisions.every((d) => Number.isSafeInteger(d.tickStreamSeq))).toBe(true);
    const seqs = r.body.decisions.map((d) => d.tickSeq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(
      (await getJson<{ decisions: unknown[] }>(signals.port, `/v1/decisions?since=${future}`)).body.decisions,
    ).toEqual([]);
    expect(
      (await getJson<{ decisions: unknown[] }>(signals.port, '/v1/decisions?since=9999-12-31T23:59:59Z')).body
        .decisions,
    ).toEqual([]);
    expect((await getJson(signals.port, '/v1/decisions?limit=0')).status).toBe(400);
    expect((await getJson(signals.port, '/v1/decisions?symbol=a.b')).status).toBe(400);
  });

  it('is ready once caught up, and publishes its OpenAPI description at /docs', async () => {
    const ready = await getJson<{ ready: boolean; backlog: number }>(signals.port, '/readyz');
    expect(ready.body).toMatchObject({ ready: true, backlog: 0 });
    const spec = await getJson<{ paths: Record<string, unknown> }>(signals.port, '/docs/json');
    expect(Object.keys(spec.body.paths)).toEqual(
      expect.arrayContaining(['/v1/signals/{symbol}', '/v1/decisions']),
    );
    expect((await fetch(`http://127.0.0.1:${signals.port}/docs`)).status).toBe(200);
  });

  it('streams coalesced signal updates and decisions of subscribed symbols over WebSocket', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${signals.port}/v1/stream`);
    const frames: { type: string; signal?: { symbol: string }; decision?: { symbol: string } }[] = [];
    ws.on('message', (data) => frames.push(JSON.parse(data.toString())));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ subscribe: ['BTC-USD'] }));
    ws.send('not json');
    await waitFor('the current state after subscribing', () => frames.some((f) => f.type === 'signal'), 5000);
    const feed = await startFeed(
      resolveConfig(
        feedSpec,
        {
          port: '0',
          count: '3000',
          rate: '20000',
          symbols: '2',
          start: '2026-02-02T15:00:00Z',
          timeScale: '100',
        },
        env(),
      ),
      silent,
    );
    await feed.done;
    await feed.close();
    await drained();
    await waitFor('a decision over the stream', () => frames.some((f) => f.type === 'decision'), 5000);
    ws.close();
    const signalsSeen = frames.filter((f) => f.type === 'signal');
    expect(signalsSeen.every((f) => f.signal?.symbol === 'BTC-USD')).toBe(true);
    // ~1,500 BTC ticks at 20,000/s: a 100 ms flush coalesces them into a handful of frames.
    expect(signalsSeen.length).toBeLessThan(100);
    expect(frames.filter((f) => f.type === 'decision').every((f) => f.decision?.symbol === 'BTC-USD')).toBe(
      true,
    );
    expect(frames.some((f) => f.type === 'error')).toBe(true);
  });

  it('counts a malformed tick and keeps consuming', async () => {
    await bus.js.publish(subjects.tick('synth', 'BTC-USD'), new TextEncoder().encode('{not json'));
    await bus.js.publish(
      subjects.tick('synth', 'BTC-USD'),
      new TextEncoder().encode(JSON.stringify({ v: 1, price: '-1' })),
    );
    await drained();
    const metrics = await getText(signals.port, '/metrics');
    expect(metrics).toMatch(/tickflow_signals_bad_messages_total\{code="BAD_JSON",service="signals"\} 1/);
    expect(metrics).toMatch(/tickflow_signals_bad_messages_total\{code="BAD_VENUE",service="signals"\} 1/);
    expect((await getJson(signals.port, '/healthz')).status).toBe(200);
  });

  /** Ticks of a symbol the synthetic feed does not trade, for hand-made decisions to fill against. */
  async function publishTicks(symbol: string, ticks: [seq: number, price: string][]): Promise<void> {
    const publisher = new DurablePublisher(bus.js);
    for (const [seq, price] of ticks) {
      const tick = {
        v: 1,
        venue: 'synth',
        symbol,
        seq,
        ts: 1_770_040_800_000_000 + seq * 1000,
        price,
        size: '10',
        recvTs: 1_770_040_800_000_000 + seq * 1000,
      };
      await publisher.publish(subjects.tick('synth', symbol), tick, `synth:${symbol}:${seq}`);
    }
    await publisher.settle();
  }

  it('fills a decision once, at the tick after the one that caused it, even when it arrives twice', async () => {
    const before = (await getJson<{ fills: number }>(bot.port, '/v1/pnl')).body.fills;
    const decision: Decision = {
      v: 1,
      id: 'manual:synth:AAPL:1',
      strategy: 'manual',
      venue: 'synth',
      symbol: 'AAPL',
      action: 'BUY',
      qty: '2',
      refPrice: '100.50',
      tickSeq: 1,
      tickTs: 1_770_040_800_000_000,
      decidedAt: 1_770_040_800_000_100,
      reason: 'test',
      indicators: {},
    };
    const publisher = new DurablePublisher(bus.js);
    // Different msg ids, so the stream keeps both: only the bot's own idempotency can save us.
    await publisher.publish(subjects.decision('AAPL'), decision, 'copy-1');
    await publisher.publish(subjects.decision('AAPL'), decision, 'copy-2');
    await publisher.publish(subjects.decision('AAPL'), { ...decision, id: 'bad', qty: '-1' }, 'bad-1');
    await publisher.settle();
    await publishTicks('AAPL', [
      [1, '100.50'],
      [2, '100.60'],
      [3, '100.70'],
    ]);
    await drained();
    expect((await getJson<{ fills: number }>(bot.port, '/v1/pnl')).body.fills).toBe(before + 1);
    const positions = (
      await getJson<{ positions: { symbol: string; qty: string }[] }>(bot.port, '/v1/positions')
    ).body.positions;
    expect(positions.find((p) => p.symbol === 'AAPL')?.qty).toBe('2');
    expect(await getText(bot.port, '/metrics')).toMatch(
      /tickflow_bot_bad_messages_total\{stream="DECISIONS",service="bot"\} 1/,
    );
  });

  it('serves fills from FILLS, one position, and the account', async () => {
    const fills = await getJson<{ fills: { symbol: string; side: string; qty: string }[] }>(
      bot.port,
      '/v1/fills?symbol=AAPL',
    );
    expect(fills.body.fills).toEqual([
      expect.objectContaining({
        symbol: 'AAPL',
        side: 'BUY',
        qty: '2',
        price: '100.60',
        ts: 1_770_040_800_002_000,
      }),
    ]);
    expect((await getJson<{ qty: string }>(bot.port, '/v1/positions/AAPL')).body.qty).toBe('2');
    expect((await getJson(bot.port, '/v1/positions/ZZZ-USD')).status).toBe(404);
    expect((await getJson(bot.port, '/v1/positions/a.b')).status).toBe(400);
    const account = await getJson<{ halted: boolean; initialCash: string }>(bot.port, '/v1/account');
    expect(account.body).toMatchObject({ halted: false, initialCash: '100000' });
  });

  it('halts and resumes only with the bearer token, and fills nothing while halted', async () => {
    const post = (path: string, token?: string) =>
      fetch(`http://127.0.0.1:${bot.port}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ reason: 'test' }),
      });
    expect((await post('/v1/halt')).status).toBe(401);
    expect((await post('/v1/halt', 'wrong')).status).toBe(401);
    expect((await post('/v1/halt', 'secret')).status).toBe(200);
    const before = (await getJson<{ fills: number }>(bot.port, '/v1/pnl')).body.fills;
    const decision = {
      v: 1,
      id: 'manual:synth:MSFT:1',
      strategy: 'manual',
      venue: 'synth',
      symbol: 'MSFT',
      action: 'BUY',
      qty: '1',
      refPrice: '400',
      tickSeq: 1,
      tickTs: 1_770_040_800_000_000,
      decidedAt: 1_770_040_800_000_100,
      reason: 'test',
      indicators: {},
    };
    const publisher = new DurablePublisher(bus.js);
    await publisher.publish(subjects.decision('MSFT'), decision, 'halted-1');
    await publisher.settle();
    await publishTicks('MSFT', [
      [1, '400'],
      [2, '401'],
    ]);
    await drained();
    expect((await getJson<{ fills: number }>(bot.port, '/v1/pnl')).body.fills).toBe(before);
    const events = await readRecent(bus.js, bus.jsm, 'ORDERS', {
      filterSubject: 'orders.rejected.MSFT',
      limit: 10,
    });
    expect(events.map((m) => decode(m.data))).toEqual([
      expect.objectContaining({
        id: 'rejected:manual:synth:MSFT:1',
        status: 'REJECTED',
        reason: 'HALTED',
        qty: '1',
      }),
    ]);
    expect(await getText(bot.port, '/metrics')).toMatch(
      /tickflow_bot_decisions_rejected_total\{reason="HALTED",service="bot"\} 1/,
    );
    expect((await post('/v1/resume', 'secret')).status).toBe(200);
    expect((await getJson<{ halted: boolean }>(bot.port, '/v1/account')).body.halted).toBe(false);
  });
});
