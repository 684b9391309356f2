import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bus, encode, subjects } from '@tickflow/bus';
import type { Decision, Fill, OrderEvent, Tick } from '@tickflow/core';
import {
  breakLines,
  eodArchiveSpec,
  eodSpec,
  LOG_STREAMS,
  logPositionFile,
  type Report,
  readPosition,
  runEod,
  startLogArchiver,
} from '@tickflow/eod/internal';
import { createLogger, resolveConfig } from '@tickflow/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSwingDay, SWING_DATE, speedLayer, swing } from './eod-swing-day.ts';
import { startTestNats, type TestNats, waitFor } from './nats-harness.ts';

const silent = createLogger('test', 'silent');
const BIN = fileURLToPath(new URL('../services/cli/bin/tickflow.mjs', import.meta.url));
const STRATEGY = { fast: '5', slow: '20', qty: '2' };

/**
 * Issue 14: a fill (or decision, or tick) the streams hold twice under two stream sequences — a
 * re-publish after the duplicate window — must count once in the end of day and be reported.
 * And ticks stored out of seq order (a late re-send) must show in the quality section.
 */
const AAA = swing('synth', 'AAA', 0);
const BBB = swing('synth', 'BBB', 1);
const { decisions: DECISIONS, fills: FILLS } = speedLayer([...AAA, ...BBB]);
const bbb = (seq: number) => BBB[seq - 1] as Tick;
/** BBB's seqs 100–104 stored after 105–120, as a window re-sent late after a reconnect. */
const BBB_STORED = [
  ...BBB.slice(0, 99),
  ...BBB.slice(104, 120),
  ...[100, 101, 102, 103, 104].map(bbb),
  ...BBB.slice(120),
];

describe('eod counts a record stored twice once and reports it (real nats-server, real DuckDB)', () => {
  let nats: TestNats;
  let bus: Bus;
  let expectedPnl: string;
  const twice = { decision: DECISIONS[3] as Decision, fill: FILLS[2] as Fill, changed: FILLS[5] as Fill };
  const reports: Record<string, Report> = {};

  const config = (name: string, fromLog: boolean) =>
    resolveConfig(
      eodSpec,
      {
        date: SWING_DATE,
        fromLog,
        skipBackfill: fromLog,
        logDir: join(nats.dir, 'log'),
        dataDir: join(nats.dir, name),
        reportsDir: join(nats.dir, name, 'reports'),
        skipArchive: true,
        ...STRATEGY,
      },
      { NATS_URL: nats.url },
    );

  beforeAll(async () => {
    expectedPnl = await closeSwingDay(
      { ticks: [...AAA, ...BBB], decisions: DECISIONS, fills: FILLS },
      (r) => {
        expect(r.reconciliation.clean).toBe(true);
        return r.pnl.total;
      },
    );
    nats = await startTestNats();
    bus = await Bus.connect({ url: nats.url, name: 'eod-duplicates-test' });
    await bus.ensureStreams();
    const pub = (subject: string, value: object) => bus.js.publish(subject, encode(value));
    for (const t of [...AAA, ...BBB_STORED]) await pub(subjects.tick(t.venue, t.symbol), t);
    // A tick re-sent unchanged, later: a feed-quality duplicate.
    await pub(subjects.tick('synth', 'AAA'), AAA[49] as Tick);
    for (const d of DECISIONS) await pub(subjects.decision(d.symbol), d);
    await pub(subjects.decision(twice.decision.symbol), twice.decision);
    for (const f of FILLS) await pub(subjects.fill(f.symbol), f);
    // No Nats-Msg-Id: JetStream stores each copy, as it does once the duplicate window has passed.
    await pub(subjects.fill(twice.fill.symbol), twice.fill);
    await pub(subjects.fill(twice.changed.symbol), { ...twice.changed, price: '1' });
    // An order event published twice (ORDERS is read from JetStream only, not from the log).
    const expired: OrderEvent = {
      v: 1,
      id: 'expired:ghost',
      decisionId: 'ghost',
      symbol: 'AAA',
      status: 'EXPIRED',
      reason: 'TTL',
      message: 'expired',
      side: 'BUY',
      qty: '1',
      ts: (AAA[10] as Tick).ts,
      at: Date.now() * 1000,
    };
    await pub(subjects.orderEvent('expired', 'AAA'), expired);
    await pub(subjects.orderEvent('expired', 'AAA'), { ...expired, at: expired.at + 1 });

    reports.streams = (await runEod(config('streams', false), silent)).report;
    const archiver = await startLogArchiver(
      resolveConfig(
        eodArchiveSpec,
        { logDir: join(nats.dir, 'log'), idleCloseSeconds: '1', port: '0' },
        { NATS_URL: nats.url },
      ),
      silent,
    );
    await waitFor('the archiver to catch up', async () => {
      for (const s of LOG_STREAMS)
        if (
          readPosition(logPositionFile(join(nats.dir, 'log'), s)) <
          (await bus.jsm.streams.info(s)).state.last_seq
        )
          return false;
      return true;
    });
    await archiver.close();
    reports.log = (await runEod(config('log', true), silent)).report;
  }, 120_000);

  afterAll(async () => {
    await bus?.drain();
    await nats?.stop();
  });

  for (const path of ['streams', 'log'] as const) {
    it(`counts each fill, decision and tick once, the P&L as the bot's (from ${path})`, () => {
      const r = reports[path] as Report;
      expect(r.load).toMatchObject({ ticks: 1200, decisions: DECISIONS.length, fills: FILLS.length });
      expect(r.pnl.total).toBe(expectedPnl);
      expect(r.reconciliation.fills).toMatchObject({
        matched: FILLS.length,
        missing: 0,
        extra: 0,
        differing: 0,
      });
      expect(r.reconciliation.decisions).toMatchObject({ matched: DECISIONS.length, extra: 0, differing: 0 });
      expect(r.reconciliation.pnl.equal).toBe(true);
    });

    it(`reports each record stored twice, a break for every decision or fill (from ${path})`, () => {
      const r = reports[path] as Report;
      const d = r.reconciliation.duplicates;
      // ORDERS is read from JetStream; the log-only run (--skip-backfill) has no NATS.
      const orders = path === 'streams' ? 1 : 0;
      expect(d).toMatchObject({ ticks: 1, decisions: 1, fills: 2, orders, breaks: 4 + orders });
      const lastTick = 1201; // the re-sent tick, after all 1,200
      expect(d.records).toEqual([
        {
          table: 'decisions',
          id: twice.decision.id,
          copies: 2,
          streamSeqs: [4, DECISIONS.length + 1],
          sameContent: true,
        },
        {
          table: 'fills',
          id: twice.fill.id,
          copies: 2,
          streamSeqs: [3, FILLS.length + 1],
          sameContent: true,
        },
        {
          table: 'fills',
          id: twice.changed.id,
          copies: 2,
          streamSeqs: [6, FILLS.length + 2],
          sameContent: false,
        },
        { table: 'ticks', id: 'synth/AAA/50', copies: 2, streamSeqs: [50, lastTick], sameContent: true },
        ...(orders
          ? [{ table: 'orders', id: 'expired:ghost', copies: 2, streamSeqs: [1, 2], sameContent: true }]
          : []),
      ]);
      const lines = breakLines(r);
      expect(lines.filter((l) => l.startsWith('duplicate '))).toHaveLength(4 + orders);
      expect(lines).toContainEqual(
        expect.stringContaining(`duplicate fill ${twice.changed.id}: its 2 copies differ`),
      );
      expect(r.reconciliation.clean).toBe(false);
      expect(r.quality.duplicates).toBe(1);
    });

    it(`reports ticks stored out of seq order in the quality section (from ${path})`, () => {
      const r = reports[path] as Report;
      expect(r.quality).toMatchObject({
        outOfOrder: 0,
        storedOutOfOrder: 5,
        storedOutOfOrderMaxDisplacement: 20,
      });
      const row = r.quality.symbols.find((s) => s.symbol === 'BBB');
      expect(row).toMatchObject({ storedOutOfOrder: 5, storedOutOfOrderMaxDisplacement: 20, missingSeqs: 0 });
      expect(r.quality.symbols.find((s) => s.symbol === 'AAA')).toMatchObject({ storedOutOfOrder: 0 });
    });
  }

  it('makes `eod run` exit 3 and name the duplicates in its summary', () => {
    const r = spawnSync(
      process.execPath,
      [
        BIN,
        'eod',
        'run',
        '--date',
        SWING_DATE,
        '--skip-archive',
        '--log-level',
        'warn',
        ...Object.entries(STRATEGY).flatMap(([k, v]) => [`--${k}`, v]),
      ],
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          NATS_URL: nats.url,
          TICKFLOW_DATA_DIR: join(nats.dir, 'cli'),
          TICKFLOW_REPORTS_DIR: join(nats.dir, 'cli', 'reports'),
        },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(3);
    expect(r.stdout).toContain(`duplicate fill ${twice.fill.id}`);
    expect(r.stdout).toContain('5 stored out of seq order');
  }, 60_000);
});
