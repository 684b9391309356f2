import { Bus, DurablePublisher, encode, liveSubjects, readStream } from '@tickflow/bus';
import type { Decision, Fill, OrderEvent } from '@tickflow/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditOrders } from './chaos/audit-orders.ts';
import { auditTicks } from './chaos/audit-ticks.ts';
import { LiveSubscriber } from './chaos/live-subscriber.ts';
import { startTestNats, type TestNats, waitFor } from './nats-harness.ts';

/**
 * The campaign's audits catch what they claim to (an audit that cannot fail proves nothing): a
 * stream written by hand with a gap, a duplicate and a late tick, duplicate and orphan fills, and
 * decisions that end wrongly, and a live subject that carries one id twice.
 */
describe('fault campaign audits', () => {
  let nats: TestNats;
  let bus: Bus;
  beforeAll(async () => {
    nats = await startTestNats();
    bus = await Bus.connect({ url: nats.url, name: 'chaos-audits-test' });
    // As the campaign makes them: TICKS republishes to live.ticks.>, which its live subscriber follows.
    await bus.ensureStreams({ liveTicks: true });
  });
  afterAll(async () => {
    await bus.drain();
    await nats.stop();
  });

  const T0 = Date.UTC(2026, 11, 7, 14) * 1000;
  const tick = (symbol: string, seq: number) =>
    bus.js.publish(
      `ticks.synth.${symbol}`,
      encode({ v: 1, venue: 'synth', symbol, seq, ts: T0 + seq, price: '100', size: '1', recvTs: T0 }),
    );
  const decision = (symbol: string, tickSeq: number, action: Decision['action'], qty = '1'): Decision => ({
    v: 1,
    id: `sma-cross:synth:${symbol}:${tickSeq}`,
    strategy: 'sma-cross',
    venue: 'synth',
    symbol,
    action,
    qty,
    refPrice: '100',
    tickSeq,
    tickTs: T0 + tickSeq,
    decidedAt: T0,
    reason: 'test',
    indicators: {},
  });
  const fill = (d: Decision, qty = d.qty, n = ''): Fill => ({
    v: 1,
    id: `fill:${d.id}${n}`,
    decisionId: d.id,
    symbol: d.symbol,
    side: d.action === 'SELL' ? 'SELL' : 'BUY',
    qty,
    price: '100',
    fee: '0.01',
    ts: d.tickTs + 1,
  });

  it('counts a gap, a duplicate and a tick stored after a higher seq, and how each decision ended', async () => {
    // X-USD: 1 2 4 3 3 (3 late, then again); Y-USD: 1 3 (2 missing).
    for (const seq of [1, 2, 4, 3, 3]) await tick('X-USD', seq);
    for (const seq of [1, 3]) await tick('Y-USD', seq);
    const buy = decision('X-USD', 1, 'BUY');
    const sell = decision('X-USD', 2, 'SELL');
    const open = decision('X-USD', 4, 'BUY'); // no later X-USD tick: still waiting
    const flat = decision('Y-USD', 1, 'FLAT'); // nothing to close
    const short = decision('Y-USD', 2, 'BUY', '2'); // filled 1 of 2, with a later tick: broken
    const rejected = decision('X-USD', 3, 'BUY'); // rejected and filled: broken
    for (const d of [buy, buy, sell, open, flat, short, rejected])
      await bus.js.publish(`decisions.${d.symbol}`, encode(d));
    const ghost = { ...decision('X-USD', 99, 'BUY'), id: 'sma-cross:synth:X-USD:99' };
    for (const f of [fill(buy), fill(sell), fill(sell), fill(short, '1'), fill(rejected), fill(ghost)])
      await bus.js.publish(`fills.${f.symbol}`, encode(f));
    const event: OrderEvent = {
      v: 1,
      id: `rejected:${rejected.id}`,
      decisionId: rejected.id,
      symbol: 'X-USD',
      status: 'REJECTED',
      reason: 'HALTED',
      message: 'test',
      side: 'BUY',
      qty: '1',
      ts: rejected.tickTs,
      at: T0,
    };
    await bus.js.publish('orders.rejected.X-USD', encode(event));

    const ticks = await auditTicks(bus);
    expect({ missing: ticks.missing, duplicates: ticks.duplicates, late: ticks.outOfOrder }).toEqual({
      missing: 1,
      duplicates: 1,
      late: 1,
    });
    expect(ticks.dates).toEqual(['2026-12-07']);
    // Read to its end: the other three fail on what is in the stream.
    expect(ticks.audits.map((a) => a.pass)).toEqual([true, false, false, false]);

    const orders = await auditOrders(bus, ticks.maxSeq);
    const verdict = Object.fromEntries(orders.audits.map((a) => [a.name, a.pass]));
    expect(verdict).toEqual({
      'DECISIONS no duplicate ids': false,
      'FILLS no duplicate ids': false,
      'FILLS each has its decision': false,
      'ORDERS no duplicate ids': true,
      'every decision ends exactly once': false,
    });
    expect(orders.ends).toEqual({
      filled: 2,
      rejected: 0,
      expired: 0,
      nothingToDo: 1,
      openAtEnd: 1,
      broken: 2,
    });
  });

  it('fails the tick audits when the read of TICKS stops short of the stream’s last sequence', async () => {
    const whole = await auditTicks(bus);
    expect(whole.audits[0]).toMatchObject({ name: 'TICKS read to its end', pass: true });
    const end = whole.expected.lastSeq;
    expect(end).toBeGreaterThan(3);
    // A reader that stops two messages before the end, as one did on a cluster.
    const short = await auditTicks(bus, (b, on) =>
      readStream(b.js, b.jsm, 'TICKS', (m) => {
        if (m.streamSeq <= end - 2) on(m);
      }),
    );
    expect(short.lastRead).toBe(end - 2);
    expect(short.audits[0]).toMatchObject({ name: 'TICKS read to its end', pass: false });
    expect(short.audits[0]?.figures).toContain(`to seq ${end - 2} of ${end}`);
    expect(short.audits[1]).toMatchObject({ name: 'TICKS seq gap-free', pass: false });
    expect(short.examples[0]).toMatch(/^the read of TICKS stopped short/);
  });

  it('counts an id a live subject carried twice, by header or by payload', async () => {
    const live = new LiveSubscriber(bus);
    await bus.flush();
    const publisher = new DurablePublisher(bus.js);
    const d = decision('Z-USD', 1, 'BUY');
    await publisher.publishAcked('decisions.Z-USD', d, d.id);
    // The stream drops the copy, and so its live subject never carries it.
    await publisher.publishAcked('decisions.Z-USD', d, d.id);
    await waitFor('the live decision', () => live.counts().decisions.received === 1);
    // A copy on the live subject all the same (no header: counted by the payload's id).
    bus.nc.publish(liveSubjects.of('decisions.Z-USD'), encode(d));
    await tick('Z-USD', 1);
    await tick('Z-USD', 1); // no Nats-Msg-Id: stored twice, and counted by its venue:symbol:seq
    await waitFor('the live messages', () => live.counts().ticks.received === 2);
    const c = live.counts();
    live.close();
    expect(c.decisions).toMatchObject({ received: 2, distinct: 1, duplicated: 1 });
    expect(c.ticks).toMatchObject({
      received: 2,
      distinct: 1,
      duplicated: 1,
      examples: ['synth:Z-USD:1 ×2'],
    });
  });
});
