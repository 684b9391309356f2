import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeTick, encodeValidTick } from '@tickflow/bus';
import { TICK_COLUMN_FIELDS, TICK_FIELDS, type Tick, validateTick, WIRE_VERSION } from '@tickflow/core';
import { openHistory, sqlString } from '@tickflow/history';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineBuffer } from './line-buffer.ts';
import { TICK_CSV_HEADER, TICK_CSV_READ_OPTIONS, tickCsvLine } from './tick-csv.ts';
import { scanTickLayout, writeScannedTick } from './tick-csv-bytes.ts';

/**
 * The tick wire layout (libs/core tick-wire.ts) is read and written in five places: the feed's
 * JSON encoder, the byte decoder, the archiver's byte scan into CSV, the general CSV line and
 * DuckDB's read of the CSV. For any valid tick every direction must give back the same tick.
 */

const decimalDigits = (min: number, max: number) => fc.stringMatching(new RegExp(`^\\d{${min},${max}}$`));
/** Plain and odd decimal strings: leading and trailing zeros, long fractions, up to 64 characters. */
const decimal = fc.oneof(
  fc.stringMatching(/^\d{1,9}(\.\d{1,8})?$/),
  fc.tuple(decimalDigits(1, 30), decimalDigits(1, 33)).map(([i, f]) => `${i}.${f}`),
  fc.constantFrom('0', '0.0', '000.000', '007.50', `0.${'0'.repeat(61)}1`, '9'.repeat(64), '1.0000000000'),
);
const positive = decimal.filter((d) => /[1-9]/.test(d));
const micros = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });

/** Valid ticks, their fields in layout order (so JSON.stringify writes the layout). */
const validTick: fc.Arbitrary<Tick> = fc
  .record(
    {
      venue: fc.stringMatching(/^[a-z0-9_]{1,32}$/),
      // Short and long symbols: up to 20 characters, with a quote of up to 20 after a dash.
      symbol: fc.stringMatching(/^[A-Z0-9]{1,20}(-[A-Z0-9]{1,20})?$/),
      seq: micros,
      ts: micros,
      price: positive,
      size: decimal,
      side: fc.constantFrom('buy', 'sell') as fc.Arbitrary<'buy' | 'sell'>,
      recvTs: micros,
    },
    { requiredKeys: ['venue', 'symbol', 'seq', 'ts', 'price', 'size', 'recvTs'] },
  )
  .map((fields) => inLayoutOrder({ v: WIRE_VERSION, ...fields }));

function inLayoutOrder(t: Tick): Tick {
  const out: Record<string, unknown> = {};
  for (const f of TICK_FIELDS) if (t[f.name] !== undefined) out[f.name] = t[f.name];
  return out as unknown as Tick;
}

/** Reads a CSV line back by the header's columns: the reverse of `tickCsvLine`. */
function fromCsvLine(line: string): { streamSeq: number; tick: Tick } {
  const columns = TICK_CSV_HEADER.trimEnd().split(',');
  const values = line.trimEnd().split(',');
  expect(values).toHaveLength(columns.length);
  const tick: Record<string, unknown> = { v: WIRE_VERSION };
  for (const f of TICK_COLUMN_FIELDS) {
    const text = values[columns.indexOf(f.column)] as string;
    if (text !== '' || !f.optional) tick[f.name] = f.kind === 'int' ? Number(text) : text;
  }
  return { streamSeq: Number(values[0]), tick: inLayoutOrder(tick as unknown as Tick) };
}

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');

function scannedLine(streamSeq: number, data: Uint8Array): string | undefined {
  if (scanTickLayout(data) < 0) return undefined;
  const out = new LineBuffer(16);
  writeScannedTick(out, streamSeq, data);
  return text(out.view());
}

describe('the tick wire layout', () => {
  it('generates valid ticks, with and without a side', () => {
    const sample = fc.sample(validTick, { numRuns: 500, seed: 16 });
    for (const t of sample)
      expect(validateTick(t, { now: Number.MAX_SAFE_INTEGER })).toEqual({ ok: true, tick: t });
    expect(sample.some((t) => t.side === undefined)).toBe(true);
    expect(sample.some((t) => t.side !== undefined)).toBe(true);
  });

  it('holds every direction equal for any valid tick', () => {
    fc.assert(
      fc.property(validTick, micros, (t, streamSeq) => {
        const message = encodeValidTick(t);
        // The fast encoder writes JSON.stringify's text.
        expect(text(message)).toBe(JSON.stringify(t));
        // The byte decoder reads it back as JSON.parse does.
        expect(decodeTick(message)).toStrictEqual(t);
        // The archiver's byte scan and the general path write the same CSV line…
        const line = tickCsvLine(streamSeq, t);
        expect(scannedLine(streamSeq, message)).toBe(line);
        expect(scanTickLayout(message)).toBe(t.ts);
        // …which reads back, column by column of the header, as the tick.
        expect(fromCsvLine(line)).toStrictEqual({ streamSeq, tick: t });
      }),
      { numRuns: 3000 },
    );
  });

  it('reads back from the CSV through DuckDB as it was written', async () => {
    const ticks = fc.sample(validTick, { numRuns: 400, seed: 1616 });
    const dir = mkdtempSync(join(tmpdir(), 'tick-wire-'));
    const history = await openHistory(':memory:');
    const conn = await history.connect();
    try {
      const file = join(dir, 'ticks.csv');
      writeFileSync(file, TICK_CSV_HEADER + ticks.map((t, i) => tickCsvLine(i + 1, t)).join(''));
      const rows = await conn.rows(
        `SELECT * FROM read_csv(${sqlString(file)}, ${TICK_CSV_READ_OPTIONS}) ORDER BY stream_seq`,
      );
      const back = rows.map((row) => {
        const tick: Record<string, unknown> = { v: WIRE_VERSION };
        for (const f of TICK_COLUMN_FIELDS) {
          const value = row[f.column];
          if (value !== null) tick[f.name] = typeof value === 'bigint' ? Number(value) : value;
        }
        return inLayoutOrder(tick as unknown as Tick);
      });
      expect(rows.map((r) => Number(r.stream_seq))).toEqual(ticks.map((_, i) => i + 1));
      expect(back).toStrictEqual(ticks);
    } finally {
      history.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
