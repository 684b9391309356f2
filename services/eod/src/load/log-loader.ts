import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { utcDateRange } from '@tickflow/core';
import { type DayLoader, sqlString, stagedSelect, type Watermarks } from '@tickflow/history';
import { CSV, NDJSON, OPEN } from '../daylog/segment-log.ts';
import { TICK_CSV_READ_OPTIONS } from '../daylog/tick-csv.ts';

export class OpenSegmentError extends Error {
  override name = 'OpenSegmentError';
  constructor(readonly paths: string[]) {
    super(
      `the day log still has open segments (the archiver is writing to them): ${paths.join(', ')}; ` +
        'wait for its --idle-close-seconds or stop it, then run again',
    );
  }
}

/**
 * Per table: its stream, the read_json column types of its NDJSON segments, and the staging
 * columns selected from them. Ticks are logged as CSV (tick-csv.ts); NDJSON tick segments, as
 * archivers before 2026-11-25 wrote them, are still read.
 */
const SOURCES = {
  ticks: {
    stream: 'TICKS',
    time: 'ts',
    columns: `{stream_seq: 'BIGINT', venue: 'VARCHAR', symbol: 'VARCHAR', seq: 'BIGINT', ts: 'BIGINT',
      price: 'VARCHAR', size: 'VARCHAR', side: 'VARCHAR', recvTs: 'BIGINT'}`,
    select: 'venue, symbol, seq, ts, price, size, side, recvTs AS recv_ts, stream_seq',
  },
  decisions: {
    stream: 'DECISIONS',
    time: 'tickTs',
    columns: `{stream_seq: 'BIGINT', id: 'VARCHAR', strategy: 'VARCHAR', venue: 'VARCHAR', symbol: 'VARCHAR',
      action: 'VARCHAR', qty: 'VARCHAR', refPrice: 'VARCHAR', tickSeq: 'BIGINT', tickTs: 'BIGINT',
      decidedAt: 'BIGINT', reason: 'VARCHAR', indicators: 'JSON'}`,
    select: `id, strategy, venue, symbol, action, qty, refPrice AS ref_price, tickSeq AS tick_seq,
      tickTs AS tick_ts, decidedAt AS decided_at, reason, coalesce(indicators::VARCHAR, '{}') AS indicators, stream_seq`,
  },
  fills: {
    stream: 'FILLS',
    time: 'ts',
    columns: `{stream_seq: 'BIGINT', id: 'VARCHAR', decisionId: 'VARCHAR', symbol: 'VARCHAR', side: 'VARCHAR',
      qty: 'VARCHAR', price: 'VARCHAR', fee: 'VARCHAR', ts: 'BIGINT'}`,
    select: 'id, decisionId AS decision_id, symbol, side, qty, price, fee, ts, stream_seq',
  },
  rejects: {
    stream: 'REJECTS',
    time: '"at"',
    columns: `{stream_seq: 'BIGINT', venue: 'VARCHAR', code: 'VARCHAR', reason: 'VARCHAR', raw: 'VARCHAR', "at": 'BIGINT'}`,
    select: 'venue, code, reason, raw, "at" AS rejected_at, stream_seq',
  },
} as const;

/**
 * Points the loader at the date's day log (`<root>/<STREAM>/<date>/*.csv|*.ndjson`): its
 * `commit()` then reads every table straight in with DuckDB's own readers (`loadDirect`) — far
 * faster than appending row by row, and one copy of the day instead of two — and keeps one row
 * per stream sequence (a message redelivered after an archiver crash can be in two segments).
 * Refuses (OpenSegmentError) while a segment of the date is still open. Returns zero watermarks:
 * the commit records the last stream sequence each table loaded.
 */
export function loadFromLog(loader: DayLoader, root: string): Watermarks {
  const { start, end } = utcDateRange(loader.date);
  const entries = Object.entries(SOURCES) as [keyof typeof SOURCES, (typeof SOURCES)[keyof typeof SOURCES]][];
  const filesOf = (stream: string) => {
    const dir = join(root, stream, loader.date);
    return { dir, files: existsSync(dir) ? readdirSync(dir) : [] };
  };
  // Refuse before loading anything: an open segment may be missing the date's last messages.
  const open = entries.flatMap(([, src]) => {
    const { dir, files } = filesOf(src.stream);
    return files.filter((f) => f.endsWith(OPEN)).map((f) => join(dir, f));
  });
  if (open.length) throw new OpenSegmentError(open);
  for (const [table, src] of entries) {
    const { dir, files } = filesOf(src.stream);
    const readers: string[] = [];
    if (files.some((f) => f.endsWith(NDJSON)))
      readers.push(`SELECT ${src.select} FROM read_json(${sqlString(join(dir, `*${NDJSON}`))},
        format = 'newline_delimited', columns = ${src.columns}) WHERE ${src.time} >= $start AND ${src.time} < $end`);
    if (table === 'ticks' && files.some((f) => f.endsWith(CSV)))
      readers.push(`SELECT * FROM read_csv(${sqlString(join(dir, `*${CSV}`))}, ${TICK_CSV_READ_OPTIONS})
        WHERE ts >= $start AND ts < $end`);
    // Decimals arrive as text and are cast exactly (fastDecimal) on the way in.
    if (readers.length)
      loader.loadDirect(
        table,
        `SELECT ${stagedSelect(table)} FROM (${readers.join(' UNION ALL BY NAME ')})`,
        {
          start: BigInt(start),
          end: BigInt(end),
        },
      );
  }
  return { ticks: 0, decisions: 0, fills: 0, rejects: 0 };
}
