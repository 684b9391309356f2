import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Tick, WIRE_VERSION } from '@tickflow/core';
import { TICK_CSV_HEADER, tickCsvLine } from '@tickflow/eod/internal';
import { openHistory } from '@tickflow/history';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../services/cli/bin/tickflow.mjs', import.meta.url));
const DATE = '2026-03-05';
const T0 = Date.parse(`${DATE}T10:00:00Z`) * 1000;

/** `count` ticks of one symbol at a constant price (no crossover: the day reconciles). */
function segment(firstStreamSeq: number, count: number): string {
  let text = TICK_CSV_HEADER;
  for (let i = 0; i < count; i++) {
    const seq = firstStreamSeq + i;
    const t: Tick = {
      v: WIRE_VERSION,
      venue: 'synth',
      symbol: 'AAA',
      seq,
      ts: T0 + seq * 1_000_000,
      price: '100.25',
      size: '0.5',
      side: 'buy',
      recvTs: T0 + seq * 1_000_000 + 50,
    };
    text += tickCsvLine(seq, t);
  }
  return text;
}

describe('eod run --from-log killed (SIGKILL) mid-load (the real command, a real DuckDB file)', () => {
  let dir: string;
  const ticksDir = () => join(dir, 'data', 'log', 'TICKS', DATE);

  const eodRun = (crashAt?: string) =>
    spawnSync(
      process.execPath,
      [BIN, 'eod', 'run', '--from-log', '--skip-backfill', '--date', DATE, '--log-level', 'warn'],
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          TICKFLOW_DATA_DIR: join(dir, 'data'),
          TICKFLOW_REPORTS_DIR: join(dir, 'reports'),
          ...(crashAt ? { EOD_TEST_CRASH_AT: crashAt } : {}),
        },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );

  /** What the DuckDB file holds for the date: ticks rows, distinct stream seqs, and the `loads` row. */
  async function stored() {
    const history = await openHistory(join(dir, 'data', 'tickflow.duckdb'), { readOnly: true });
    const conn = await history.connect();
    try {
      const one = (sql: string) => conn.one(sql, { date: DATE });
      const ticks = await one(
        `SELECT count(*) AS n, count(DISTINCT stream_seq) AS u FROM ticks WHERE trade_date = $date`,
      );
      const load = await one(
        `SELECT ticks, ticks_last_stream_seq AS last FROM loads WHERE trade_date = $date`,
      );
      return {
        rows: Number(ticks.n),
        distinct: Number(ticks.u),
        loaded: Number(load.ticks),
        last: Number(load.last),
      };
    } finally {
      history.close();
    }
  }

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tickflow-eod-crash-'));
    mkdirSync(ticksDir(), { recursive: true });
    writeFileSync(join(ticksDir(), '0000000000000001.csv'), segment(1, 3_000));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the previous state of the date when killed before the commit, and a re-run completes it', async () => {
    const first = eodRun();
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(await stored()).toEqual({ rows: 3_000, distinct: 3_000, loaded: 3_000, last: 3_000 });

    // More of the day arrives, one of it a redelivered copy (stream seq 3000 again).
    writeFileSync(join(ticksDir(), '0000000000003000.csv'), segment(3_000, 2_001));
    const killed = eodRun('before-commit');
    expect(killed.signal).toBe('SIGKILL');
    expect(await stored()).toEqual({ rows: 3_000, distinct: 3_000, loaded: 3_000, last: 3_000 });

    const again = eodRun();
    expect(again.stderr).toBe('');
    expect(again.status).toBe(0);
    expect(await stored()).toEqual({ rows: 5_000, distinct: 5_000, loaded: 5_000, last: 5_000 });
    // Run twice: the date is replaced, same counts.
    expect(eodRun().status).toBe(0);
    expect(await stored()).toEqual({ rows: 5_000, distinct: 5_000, loaded: 5_000, last: 5_000 });
  });
});
