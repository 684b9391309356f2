import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from '@tickflow/bus';
import type { Decision, Fill, RejectedTick, Tick } from '@tickflow/core';
import { openHistory, sqlString, stagingColumns } from '@tickflow/history/internal';
import { describe, expect, it } from 'vitest';
import {
  DECISIONS,
  exchangeTime,
  FILLS,
  KEPT_STREAMS,
  REJECTS,
  type StreamRules,
  TICKS,
} from './stream-rules.ts';

const T = 1_770_000_000_000_000;
const tick: Tick = {
  v: 1,
  venue: 'synth',
  symbol: 'BTC-USD',
  seq: 3,
  ts: T + 1,
  price: '100.5',
  size: '2',
  recvTs: T + 9,
};
const reject: RejectedTick = {
  v: 1,
  venue: 'synth',
  raw: '{"x":1}',
  reason: 'bad',
  code: 'BAD_SEQ',
  at: T + 2,
};
const decision: Decision = {
  v: 1,
  id: 'sma:synth:BTC-USD:3',
  strategy: 'sma',
  venue: 'synth',
  symbol: 'BTC-USD',
  action: 'BUY',
  qty: '1',
  refPrice: '100.5',
  tickSeq: 3,
  tickTs: T + 3,
  decidedAt: T + 50,
  reason: 'cross',
  indicators: { fast: 1.5 },
};
const fill: Fill = {
  v: 1,
  id: 'fill:sma:synth:BTC-USD:3',
  decisionId: 'sma:synth:BTC-USD:3',
  symbol: 'BTC-USD',
  side: 'BUY',
  qty: '1',
  price: '100.5',
  fee: '0.01',
  ts: T + 4,
};

/** Per stream, a valid message and the exchange time that puts it in its date. */
const samples: [StreamRules, object, number][] = [
  [TICKS, tick, tick.ts],
  [REJECTS, reject, reject.at],
  [DECISIONS, decision, decision.tickTs],
  [FILLS, fill, fill.ts],
];

const columnNames = (columns: string) => columns.split(',').map((c) => c.trim().split(/\s+/)[0]);

describe('the rules of each kept stream', () => {
  it('covers every table once, in the order eod reads the streams', () => {
    expect(KEPT_STREAMS.map((r) => r.stream)).toEqual(['TICKS', 'REJECTS', 'DECISIONS', 'FILLS']);
    expect(samples.map(([r]) => r)).toEqual(KEPT_STREAMS);
  });

  it.each(samples.map(([rules, message, time]) => ({ stream: rules.stream, rules, message, time })))(
    'checks a $stream message and dates it by its exchange time',
    ({ rules, message, time }) => {
      const value = rules.valid(rules.decode(encode(message)));
      expect(value).toEqual(message);
      expect(exchangeTime(rules, value)).toBe(time);
      for (const bad of [{}, null, 5, { ...message, v: 2 }]) expect(rules.valid(bad)).toBeUndefined();
      expect(() => rules.decode(new TextEncoder().encode('{not json'))).toThrow();
    },
  );

  it('reads a day-log line of each stream into its table staging columns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stream-rules-'));
    const history = await openHistory(':memory:');
    const conn = await history.connect();
    try {
      for (const [rules, message, time] of samples) {
        const file = join(dir, `${rules.stream}.ndjson`);
        writeFileSync(file, `${JSON.stringify({ stream_seq: 7, ...message })}\n`);
        const reader = await conn.rows(
          `SELECT ${rules.ndjson.select} FROM read_json(${sqlString(file)}, format = 'newline_delimited',
           columns = ${rules.ndjson.columns}) WHERE "${rules.timeField}" = ${time}`,
        );
        expect(reader).toHaveLength(1);
        expect(Object.keys(reader[0] ?? {}).sort()).toEqual(columnNames(stagingColumns(rules.table)).sort());
        if (rules.csv) {
          const csv = join(dir, `${rules.stream}.csv`);
          writeFileSync(csv, rules.csv.header + rules.csv.line(7, message));
          const rows = await conn.rows(
            `SELECT * FROM read_csv(${sqlString(csv)}, ${rules.csv.readOptions}) WHERE "${rules.csv.timeColumn}" = ${time}`,
          );
          expect(rows).toHaveLength(1);
          expect(Object.keys(rows[0] ?? {}).sort()).toEqual(columnNames(stagingColumns(rules.table)).sort());
        }
      }
    } finally {
      history.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
