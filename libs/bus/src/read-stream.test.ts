import type { JetStreamClient, JetStreamManager } from 'nats';
import { describe, expect, it } from 'vitest';
import { readStream, StreamReadShortError } from './read-stream.ts';

/**
 * A stream of `last` messages whose consumers end after `perRead` messages each (what a consumer
 * lost with a cluster server does); unit test stand-ins for nats.js's objects, no server.
 */
function stream(last: number, perRead: number) {
  const starts: number[] = [];
  const jsm = { streams: { info: async () => ({ state: { last_seq: last, messages: last } }) } };
  const js = {
    consumers: {
      get: async (_stream: string, opts: { opt_start_seq?: number }) => {
        const from = opts.opt_start_seq ?? 1;
        starts.push(from);
        return {
          consume: async () => ({
            async *[Symbol.asyncIterator]() {
              for (let seq = from; seq <= Math.min(last, from + perRead - 1); seq++)
                yield {
                  seq,
                  subject: 's',
                  data: new Uint8Array(),
                  redelivered: false,
                  info: { pending: last - seq },
                };
            },
            close: async () => {},
          }),
        };
      },
    },
  };
  return { js: js as unknown as JetStreamClient, jsm: jsm as unknown as JetStreamManager, starts };
}

describe('readStream', () => {
  it('reads on from the next sequence when a consumer ends before the stream does', async () => {
    const s = stream(10, 4);
    const seen: number[] = [];
    const r = await readStream(s.js, s.jsm, 'TICKS', (m) => seen.push(m.streamSeq));
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(s.starts).toEqual([1, 5, 9]);
    expect(r).toEqual({ count: 10, lastSeq: 10, lastRead: 10 });
  });

  it('throws StreamReadShortError, with how far it got, when the consumers keep ending early', async () => {
    const s = stream(100, 4);
    const seen: number[] = [];
    const err = await readStream(s.js, s.jsm, 'FILLS', (m) => seen.push(m.streamSeq)).catch((e) => e);
    expect(err).toBeInstanceOf(StreamReadShortError);
    expect(err).toMatchObject({
      name: 'StreamReadShortError',
      stream: 'FILLS',
      lastRead: 12,
      lastSeq: 100,
      count: 12,
    });
    expect(err.message).toMatch(/read FILLS only to seq 12 of 100/);
    expect(seen).toHaveLength(12);
  });
});
