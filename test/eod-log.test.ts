import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { Bus, encode, subjects } from '@tickflow/bus';
import type { Tick } from '@tickflow/core';
import {
  eodArchiveSpec,
  eodSpec,
  LOG_STREAMS,
  logPositionFile,
  OpenSegmentError,
  readPosition,
  repairSegments,
  runEod,
  startLogArchiver,
} from '@tickflow/eod/internal';
import { createLogger, resolveConfig } from '@tickflow/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_DATE, FIXTURE_FILLS, FIXTURE_REJECTS, FIXTURE_TICKS } from './eod-fixture.ts';
import { startTestNats, type TestNats, waitFor } from './nats-harness.ts';

const silent = createLogger('test', 'silent');

describe('eod archive (CSV and NDJSON day log) and eod run --from-log (real nats-server, real DuckDB)', () => {
  let nats: TestNats;
  let bus: Bus;
  let logDir: string;

  const archiveConfig = () =>
    resolveConfig(eodArchiveSpec, { logDir, idleCloseSeconds: '1', port: '0' }, { NATS_URL: nats.url });

  /** Runs the archiver until every stream's log position reaches the stream's end, then stops it. */
  async function archiveAll() {
    const archiver = await startLogArchiver(archiveConfig(), silent);
    await waitFor('the archiver to catch up', async () => {
      for (const s of LOG_STREAMS) {
        const last = (await bus.jsm.streams.info(s)).state.last_seq;
        if (readPosition(logPositionFile(logDir, s)) < last) return false;
      }
      return true;
    });
    await archiver.close();
    return archiver.stats;
  }

  /** The date's log lines of a stream (CSV headers left out). */
  const lines = (stream: string) => {
    const dir = join(logDir, stream, FIXTURE_DATE);
    return readdirSync(dir)
      .filter((f) => f.endsWith('.ndjson') || f.endsWith('.csv'))
      .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean))
      .filter((l) => !l.startsWith('stream_seq,'));
  };

  const eod = (fromLog: boolean, name: string, skipBackfill = false) =>
    runEod(
      resolveConfig(
        eodSpec,
        {
          date: FIXTURE_DATE,
          fromLog,
          skipBackfill,
          logDir,
          dataDir: join(nats.dir, name),
          reportsDir: join(nats.dir, name, 'reports'),
        },
        { NATS_URL: nats.url },
      ),
      silent,
    );

  beforeAll(async () => {
    nats = await startTestNats();
    logDir = join(nats.dir, 'log');
    bus = await Bus.connect({ url: nats.url, name: 'eod-log-test' });
    await bus.ensureStreams();
    for (const t of FIXTURE_TICKS) await bus.js.publish(subjects.tick(t.venue, t.symbol), encode(t));
    for (const f of FIXTURE_FILLS) await bus.js.publish(subjects.fill(f.symbol), encode(f));
    for (const r of FIXTURE_REJECTS) await bus.js.publish(subjects.reject(r.venue), encode(r));
    await bus.js.publish(subjects.tick('synth', 'AAA'), new TextEncoder().encode('{not json'));
  });

  afterAll(async () => {
    await bus?.drain();
    await nats?.stop();
  });

  it('writes every valid message once, by exchange date, ticks as CSV and the rest as JSON plus stream_seq', async () => {
    const stats = await archiveAll();
    expect(stats.written).toEqual({ TICKS: 13, REJECTS: 3, DECISIONS: 0, FILLS: 5 });
    expect(stats.invalid.TICKS).toBe(1);
    const ticks = lines('TICKS').map((l) => l.split(','));
    expect(ticks.map((t) => Number(t[0]))).toEqual(FIXTURE_TICKS.map((_, i) => i + 1));
    const t0 = FIXTURE_TICKS[0] as Tick;
    expect(ticks[0]).toEqual(
      ['1', t0.venue, t0.symbol, t0.seq, t0.ts, t0.price, t0.size, t0.side ?? '', t0.recvTs].map(String),
    );
    const [segment] = readdirSync(join(logDir, 'TICKS', FIXTURE_DATE));
    expect(readFileSync(join(logDir, 'TICKS', FIXTURE_DATE, segment as string), 'utf8')).toMatch(
      /^stream_seq,venue,symbol,seq,ts,price,size,side,recv_ts\n1,/,
    );
    expect(readdirSync(join(logDir, 'TICKS', FIXTURE_DATE)).every((f) => f.endsWith('.csv'))).toBe(true);
    for (const s of ['FILLS', 'REJECTS'])
      expect(readdirSync(join(logDir, s, FIXTURE_DATE)).every((f) => f.endsWith('.ndjson'))).toBe(true);
    const fill = JSON.parse(lines('FILLS')[0] as string);
    expect(fill).toEqual({ stream_seq: 1, ...FIXTURE_FILLS[0] });
  });

  it('loads the date from the log with read_csv/read_json into the same numbers as the JetStream load', async () => {
    const fromLog = (await eod(true, 'from-log')).report;
    const fromStreams = (await eod(false, 'from-streams')).report;
    // 12 ticks: BBB's seq 2, stored twice, is loaded once.
    expect(fromLog.load).toMatchObject({ ticks: 12, fills: 5, rejects: 3, decisions: 0 });
    // From the log: the last stream seq of the date's rows (the invalid 14th TICKS message was not
    // written); from JetStream: the last seq read.
    expect(fromLog.load.watermarks).toEqual({ ticks: 13, decisions: 0, fills: 5, rejects: 3 });
    expect(fromStreams.load.watermarks).toMatchObject({ ticks: 14, fills: 5, rejects: 3 });
    expect(fromLog.profitAndLoss).toEqual(fromStreams.profitAndLoss);
    expect(fromLog.bars).toEqual(fromStreams.bars);
    expect(fromLog.volatility).toEqual(fromStreams.volatility);
    expect(fromLog.quality.symbols).toEqual(fromStreams.quality.symbols);
    // Same verdict both ways (the fixture's hand-made fills, with no decisions, are breaks in both).
    expect(fromLog.reconciliation.decisions).toEqual(fromStreams.reconciliation.decisions);
    expect(fromLog.reconciliation.fills).toEqual(fromStreams.reconciliation.fills);
    expect(fromLog.reconciliation.fills.extra).toBe(5);
  });

  it('resumes after its log position: a restart writes only the new messages', async () => {
    const more: Tick = {
      ...(FIXTURE_TICKS[8] as Tick),
      seq: 11,
      ts: (FIXTURE_TICKS[8] as Tick).ts + 1_000_000,
    };
    await bus.js.publish(subjects.tick(more.venue, more.symbol), encode(more));
    const stats = await archiveAll();
    expect(stats.written.TICKS).toBe(1);
    expect(lines('TICKS')).toHaveLength(14);
    expect(readdirSync(join(logDir, 'TICKS', FIXTURE_DATE))).toHaveLength(2);
  });

  it('drops a message redelivered into a second segment when loading', async () => {
    const dir = join(logDir, 'TICKS', FIXTURE_DATE);
    const [first] = readdirSync(dir).sort();
    copyFileSync(join(dir, first as string), join(dir, '9999999999999999.csv'));
    expect(lines('TICKS')).toHaveLength(27);
    const { report } = await eod(true, 'from-log');
    expect(report.load.ticks).toBe(13);
    expect(report.load.watermarks.ticks).toBe(15);
    expect(report.quality.duplicates).toBe(1); // BBB's seq 2, stored twice in TICKS by the fixture
    rmSync(join(dir, '9999999999999999.csv'));
  });

  it('still loads tick segments in NDJSON (as archivers before the CSV log wrote them) beside CSV ones', async () => {
    const dir = join(logDir, 'TICKS', FIXTURE_DATE);
    const late: Tick = {
      ...(FIXTURE_TICKS[8] as Tick),
      seq: 12,
      ts: (FIXTURE_TICKS[8] as Tick).ts + 2_000_000,
    };
    // stream_seq 2 repeats a CSV row (kept once); 40 is new.
    const old = { ...(FIXTURE_TICKS[1] as Tick) };
    writeFileSync(
      join(dir, '0000000000000040.ndjson'),
      `${JSON.stringify({ stream_seq: 2, ...old })}\n${JSON.stringify({ stream_seq: 40, ...late })}\n`,
    );
    const { report } = await eod(true, 'from-log');
    expect(report.load.ticks).toBe(14);
    expect(report.load.watermarks.ticks).toBe(40);
    rmSync(join(dir, '0000000000000040.ndjson'));
  });

  it('finishes a segment a crash left open, cutting its unsynced partial last line', () => {
    const dir = join(logDir, 'FILLS', '2026-03-03');
    const open = join(dir, '0000000000000100.ndjson.open');
    mkdirSync(dir, { recursive: true });
    writeFileSync(open, '{"stream_seq":100,"id":"a"}\n{"stream_seq":101,"id":"b"}\n{"stream_seq":102,"i');
    expect(repairSegments(join(logDir, 'FILLS'))).toBe(1);
    expect(existsSync(open)).toBe(false);
    expect(readFileSync(join(dir, '0000000000000100.ndjson'), 'utf8')).toBe(
      '{"stream_seq":100,"id":"a"}\n{"stream_seq":101,"id":"b"}\n',
    );
  });

  it('finishes a CSV segment cut after its header and removes one the crash left empty', () => {
    const dir = join(logDir, 'TICKS', '2026-03-04');
    mkdirSync(dir, { recursive: true });
    const header = 'stream_seq,venue,symbol,seq,ts,price,size,side,recv_ts\n';
    writeFileSync(join(dir, '0000000000000200.csv.open'), `${header}200,synth,AAA,1,17`);
    writeFileSync(join(dir, '0000000000000300.csv.open'), '');
    expect(repairSegments(join(logDir, 'TICKS'))).toBe(2);
    expect(readdirSync(dir)).toEqual(['0000000000000200.csv']);
    expect(readFileSync(join(dir, '0000000000000200.csv'), 'utf8')).toBe(header);
  });

  it('backfills from JetStream what the log is missing while the archiver was down, unless told not to', async () => {
    const base = FIXTURE_TICKS[8] as Tick;
    const missed = [21, 22].map((seq): Tick => ({ ...base, seq, ts: base.ts + seq * 1_000_000 }));
    for (const t of missed) await bus.js.publish(subjects.tick(t.venue, t.symbol), encode(t));
    const logOnly = (await eod(true, 'from-log', true)).report;
    expect(logOnly.load.ticks).toBe(13);
    const backfilled = (await eod(true, 'from-log')).report;
    expect(backfilled.load.ticks).toBe(15);
    expect(backfilled.load.watermarks.ticks).toBe(17); // 13 + the invalid one + 1 + these 2
    // Once the archiver has caught up, the same messages are in the log and counted once.
    await archiveAll();
    expect(lines('TICKS')).toHaveLength(16);
    expect((await eod(true, 'from-log')).report.load.ticks).toBe(15);
  });

  it('says how many messages the stream dropped before the archiver could write them', async () => {
    const before = (await bus.jsm.streams.info('TICKS')).state.last_seq;
    const base = FIXTURE_TICKS[8] as Tick;
    for (const seq of [31, 32, 33])
      await bus.js.publish(
        subjects.tick(base.venue, base.symbol),
        encode({ ...base, seq, ts: base.ts + seq * 1e6 }),
      );
    // Retention takes the first two while no archiver runs.
    await bus.jsm.streams.purge('TICKS', { seq: before + 3 });
    const stats = await archiveAll();
    expect(stats.expired.TICKS).toBe(2);
    expect(stats.written.TICKS).toBe(1);
    expect(stats.expired.FILLS).toBe(0);
  });

  it('refuses to load a date while a segment of it is still open', async () => {
    const open = join(logDir, 'FILLS', FIXTURE_DATE, '0000000000000999.ndjson.open');
    writeFileSync(open, '');
    await expect(eod(true, 'from-log')).rejects.toBeInstanceOf(OpenSegmentError);
  });
});
