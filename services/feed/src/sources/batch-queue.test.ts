import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoundedQueue, QueueBusyError } from './batch-queue.ts';
import { TradeIdDedup } from './trade-dedup.ts';

describe('BoundedQueue', () => {
  it('delivers in order and hands a pushed item straight to a waiting consumer', async () => {
    const q = new BoundedQueue<number>(3);
    const waiting = q.shift();
    q.push(1);
    expect(await waiting).toBe(1);
    q.push(2);
    q.push(3);
    expect([await q.shift(), await q.shift()]).toEqual([2, 3]);
  });

  it('drops the oldest item when full and counts it', async () => {
    const q = new BoundedQueue<number>(2);
    expect([q.push(1), q.push(2), q.push(3), q.push(4)]).toEqual([undefined, undefined, 1, 2]);
    expect(q.dropped).toBe(2);
    expect([await q.shift(), await q.shift()]).toEqual([3, 4]);
  });

  it('drains what is queued after close(), then returns undefined', async () => {
    const q = new BoundedQueue<number>(4);
    q.push(1);
    q.close();
    q.push(2);
    expect([await q.shift(), await q.shift()]).toEqual([1, undefined]);
  });

  it('wakes a waiting consumer with undefined on close()', async () => {
    const q = new BoundedQueue<number>(1);
    const waiting = q.shift();
    q.close();
    expect(await waiting).toBeUndefined();
  });

  it('refuses a second concurrent consumer and a capacity below one', async () => {
    const q = new BoundedQueue<number>(1);
    void q.shift();
    await expect(q.shift()).rejects.toThrow(QueueBusyError);
    expect(() => new BoundedQueue(0)).toThrow(RangeError);
  });

  it('keeps the newest `capacity` items of any push sequence', () => {
    fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.integer(), { maxLength: 40 }),
        async (cap, items) => {
          const q = new BoundedQueue<number>(cap);
          for (const i of items) q.push(i);
          q.close();
          const out: number[] = [];
          for (let v = await q.shift(); v !== undefined; v = await q.shift()) out.push(v);
          expect(out).toEqual(items.slice(-cap));
          expect(q.dropped).toBe(Math.max(0, items.length - cap));
        },
      ),
    );
  });
});

describe('TradeIdDedup', () => {
  it('drops a repeated id of the same symbol and keeps the same id of another symbol', () => {
    const d = new TradeIdDedup();
    expect([d.firstSeen('BTC-USD', '1'), d.firstSeen('BTC-USD', '1'), d.firstSeen('ETH-USD', '1')]).toEqual([
      true,
      false,
      true,
    ]);
  });

  it('forgets the oldest ids beyond the window', () => {
    const d = new TradeIdDedup(3);
    for (const id of ['1', '2', '3', '4']) d.firstSeen('X', id);
    expect(d.firstSeen('X', '2')).toBe(false);
    expect(d.firstSeen('X', '1')).toBe(true); // evicted by 4, so seen as new
  });

  it('tracks at most maxSymbols symbols, forgetting the least recently seen', () => {
    const d = new TradeIdDedup(10, 2);
    d.firstSeen('A', '1');
    d.firstSeen('B', '1');
    d.firstSeen('A', '2');
    d.firstSeen('C', '1');
    expect(d.symbols).toBe(2);
    expect(d.firstSeen('A', '1')).toBe(false);
    expect(d.firstSeen('B', '1')).toBe(true);
  });

  it('emits each id once for any sequence within the window', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 30 }).map(String), { maxLength: 200 }), (ids) => {
        const d = new TradeIdDedup(100);
        const emitted = ids.filter((id) => d.firstSeen('S', id));
        expect(emitted).toEqual([...new Set(ids)]);
      }),
    );
  });
});
