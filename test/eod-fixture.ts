import type { Fill, RejectedTick, Tick } from '@tickflow/core';
import { DayLoader, openHistory } from '@tickflow/history';

/** A small, hand-checkable trading day (numbers worked out in test/eod-analytics.test.ts). */
export const FIXTURE_DATE = '2026-03-02';

const at = (hms: string) => Date.parse(`${FIXTURE_DATE}T${hms}Z`) * 1000;

const tick = (symbol: string, seq: number, hms: string, price: string, size: string): Tick => ({
  v: 1,
  venue: 'synth',
  symbol,
  seq,
  ts: at(hms),
  price,
  size,
  recvTs: at(hms) + 500,
});

/**
 * AAA: bars 13:30 O100 H102 L99 C101 (V5), 13:31 O103 H104 L103 C104 (V4), 13:33 100, 13:35 105,
 * 13:40 98; seq 7 missing. BBB: a duplicate of seq 2 and seq 3 earlier in time than seq 2.
 */
export const FIXTURE_TICKS: Tick[] = [
  tick('AAA', 1, '13:30:00', '100', '1'),
  tick('AAA', 2, '13:30:20', '102', '2'),
  tick('AAA', 3, '13:30:40', '99', '1'),
  tick('AAA', 4, '13:30:50', '101', '1'),
  tick('AAA', 5, '13:31:10', '103', '2'),
  tick('AAA', 6, '13:31:30', '104', '2'),
  tick('AAA', 8, '13:33:00', '100', '1'),
  tick('AAA', 9, '13:35:30', '105', '1'),
  tick('AAA', 10, '13:40:30', '98', '1'),
  tick('BBB', 1, '13:30:05', '10', '1'),
  tick('BBB', 2, '13:30:10', '11', '1'),
  tick('BBB', 2, '13:30:10', '11', '1'),
  tick('BBB', 3, '13:30:08', '10.5', '1'),
];

const fill = (
  n: number,
  side: 'BUY' | 'SELL',
  qty: string,
  price: string,
  fee: string,
  hms: string,
): Fill => ({
  v: 1,
  id: `fill:${n}`,
  decisionId: `d:${n}`,
  symbol: 'AAA',
  side,
  qty,
  price,
  fee,
  ts: at(hms),
});

export const FIXTURE_FILLS: Fill[] = [
  fill(1, 'BUY', '2', '100', '0.1', '13:30:00'),
  fill(2, 'BUY', '1', '103', '0.1', '13:31:10'),
  fill(3, 'SELL', '3', '104', '0.1', '13:31:30'),
  fill(4, 'SELL', '1', '100', '0.05', '13:33:00'),
  fill(5, 'BUY', '2', '105', '0.05', '13:35:30'),
];

const reject = (code: string, reason: string): RejectedTick => ({
  v: 1,
  venue: 'synth',
  raw: '{"price":"-1"}',
  reason,
  code,
  at: at('13:30:30'),
});

export const FIXTURE_REJECTS: RejectedTick[] = [
  reject('PRICE_SPIKE', 'price 150 is 50% from the median 100'),
  reject('PRICE_SPIKE', 'price 60 is 40% from the median 100'),
  reject('BAD_PRICE', 'price must be positive'),
];

/** Loads the fixture day into a DuckDB file through the real loader (staging + one transaction). */
export async function loadFixture(database: string) {
  const history = await openHistory(database);
  const conn = await history.connect();
  const loader = await DayLoader.open(conn, FIXTURE_DATE);
  let seq = 0;
  for (const t of FIXTURE_TICKS) loader.tick(t, ++seq);
  for (const f of FIXTURE_FILLS) loader.fill(f, ++seq);
  for (const r of FIXTURE_REJECTS) loader.reject(r, ++seq);
  await loader.commit({ ticks: seq, decisions: 0, fills: seq, rejects: seq });
  return {
    history,
    conn,
    load: { ...loader.counts, watermarks: { ticks: seq, decisions: 0, fills: seq, rejects: seq } },
  };
}
