import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReplaySource, ReplayTruncatedError } from './replay.ts';
import { CLOCK, invalidsOf, T0, tempDir, tradesOf, writeLines } from './replay-test-kit.ts';
import type { SourceEvent } from './types.ts';

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  tmp = await tempDir();
});
afterAll(() => tmp.cleanup());

/** `n` trades as CSV text (header first), 1 ms apart. */
const csvText = (n: number): string =>
  `ts,symbol,price,size,side,trade_id\n${Array.from(
    { length: n },
    (_, i) => `${T0 + i * 1000},BTC-USD,${(87000 + (i % 97) / 100).toFixed(2)},0.0100,buy,${i + 1}`,
  ).join('\n')}\n`;

/** Reads a source to its end or its error: the events it gave, and the error. */
async function drain(source: ReplaySource): Promise<{ events: SourceEvent[]; error: unknown }> {
  const events: SourceEvent[] = [];
  try {
    for await (const batch of source.batches()) events.push(...batch);
  } catch (error) {
    return { events, error };
  }
  return { events, error: undefined };
}

describe('a truncated gzip replay file', () => {
  const whole = gzipSync(csvText(6000));
  const half = whole.subarray(0, Math.floor(whole.length / 2));
  // What a reader that tolerates the cut (zcat) gets out of the half: complete lines, then a part.
  const readable = gunzipSync(half, { finishFlush: constants.Z_SYNC_FLUSH }).toString('utf8');
  const complete = readable.slice(0, readable.lastIndexOf('\n') + 1);
  const cutLine = readable.slice(complete.length);
  const completeRows = complete.split('\n').length - 2; // header and the final empty piece

  it('gives every complete row, then the cut-off line as FILE_TRUNCATED, then says where it stopped', async () => {
    expect(cutLine.length).toBeGreaterThan(0);
    const file = await writeLines(tmp.path('half.csv.gz'), half);
    for (const batchSize of [1000, 7]) {
      const source = new ReplaySource({ file, speed: 0, clock: CLOCK, batchSize });
      const { events, error } = await drain(source);
      expect(tradesOf(events)).toHaveLength(completeRows);
      expect(tradesOf(events).at(-1)?.tradeId).toBe(String(completeRows));
      expect(invalidsOf(events)).toEqual([
        {
          kind: 'invalid',
          venue: 'replay',
          raw: cutLine,
          code: 'FILE_TRUNCATED',
          reason: `line ${completeRows + 2} (byte offset ${complete.length}) is cut off: unexpected end of file`,
        },
      ]);
      expect(error).toBeInstanceOf(ReplayTruncatedError);
      expect(error).toMatchObject({
        line: completeRows + 2,
        byteOffset: complete.length,
        fileBytes: half.length,
        tail: cutLine,
      });
      expect(String((error as Error).message)).toMatch(
        new RegExp(`in the middle of line ${completeRows + 2} \\(byte offset ${complete.length} of the text`),
      );
      expect(String((error as Error).message)).toMatch(
        /; every line before it was replayed, the cut-off line quarantined as FILE_TRUNCATED$/,
      );
      expect(source.stats).toEqual({
        rows: completeRows + 1,
        emitted: completeRows,
        invalid: 1,
        filtered: 0,
      });
      expect(source.health()).toMatchObject({ ok: false, detail: expect.stringMatching(/failed: .*line/) });
    }
  });

  it('gives every row of a paced replay too, the last batch included', async () => {
    const file = await writeLines(tmp.path('half-paced.csv.gz'), half);
    // 1,000,000× speed: paced (batches cut by due times) but quick.
    const source = new ReplaySource({ file, speed: 1_000_000, clock: CLOCK });
    const { events, error } = await drain(source);
    expect(error).toBeInstanceOf(ReplayTruncatedError);
    expect(tradesOf(events)).toHaveLength(completeRows);
    expect(invalidsOf(events)).toHaveLength(1);
  });

  it('reports a cut before any text without inventing a line', async () => {
    // Cut inside the gzip header: not one byte of text comes out, so there is no line to quarantine.
    const firstPart = gzipSync(csvText(10)).subarray(0, 10);
    const file = await writeLines(tmp.path('tiny.csv.gz'), firstPart);
    const { events, error } = await drain(new ReplaySource({ file, speed: 0, clock: CLOCK }));
    expect(events).toEqual([]);
    expect(error).toMatchObject({ name: 'ReplayTruncatedError', line: 1, byteOffset: 0, tail: '' });
    expect(String((error as Error).message)).toMatch(/before line 1 \(byte offset 0/);
  });
});
