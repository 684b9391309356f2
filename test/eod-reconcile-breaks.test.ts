import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Decision, Fill, Tick } from '@tickflow/core';
import { closeDay, DayLoader, type Report } from '@tickflow/eod';
import { DEFAULT_EXECUTION, simulateExecution } from '@tickflow/paper';
import { replayDecisions, strategySetup } from '@tickflow/strategy';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * Planted breaks: the speed layer's records are what the same strategy and paper broker make of
 * the day's ticks (so the day reconciles), then one record is dropped, changed or added, and the
 * close must name exactly that break, in a real DuckDB file.
 */
const DATE = '2026-05-04';
const T = Date.parse(`${DATE}T14:00:00Z`) * 1000;
const { factory } = strategySetup(undefined, { fast: 5, slow: 20, qty: '2' });

/** Swinging prices, so the SMA cross trades both ways many times. */
const swing = (venue: string, symbol: string, s: number): Tick[] =>
  Array.from(
    { length: 600 },
    (_, i): Tick => ({
      v: 1,
      venue,
      symbol,
      seq: i + 1,
      ts: T + i * 1_000_000 + s,
      price: (100 + s * 10 + 5 * Math.sin(i / (12 + s))).toFixed(2),
      size: '1.5',
      side: i % 2 ? 'buy' : 'sell',
      recvTs: T + i * 1_000_000 + 500,
    }),
  );
const TICKS: Tick[] = [...swing('synth', 'AAA', 0), ...swing('synth', 'BBB', 1)];
const speedLayer = (ticks: Tick[]) => {
  const decisions = replayDecisions(ticks, factory);
  const tape = (venue: string, symbol: string) =>
    ticks.filter((t) => t.venue === venue && t.symbol === symbol).sort((a, b) => a.seq - b.seq);
  return { decisions, fills: simulateExecution(decisions, tape, DEFAULT_EXECUTION).fills };
};
const { decisions: DECISIONS, fills: FILLS } = speedLayer(TICKS);

async function close(
  plant: (d: Decision[], f: Fill[]) => void = () => {},
  day = { ticks: TICKS, decisions: DECISIONS, fills: FILLS },
): Promise<Report> {
  const decisions = day.decisions.map((d) => ({ ...d }));
  const fills = day.fills.map((f) => ({ ...f }));
  plant(decisions, fills);
  const dir = mkdtempSync(join(tmpdir(), 'tickflow-breaks-'));
  const database = join(dir, 'breaks.duckdb');
  const instance = await DuckDBInstance.create(database);
  const conn = await instance.connect();
  try {
    const loader = await DayLoader.open(conn, DATE);
    let seq = 0;
    for (const t of day.ticks) loader.tick(t, ++seq);
    for (const d of decisions) loader.decision(d, ++seq);
    for (const f of fills) loader.fill(f, ++seq);
    const watermarks = await loader.commit({ ticks: seq, decisions: seq, fills: seq, rejects: 0 });
    const { report } = await closeDay(conn, {
      date: DATE,
      database,
      archiveDir: undefined,
      reportsDir: join(dir, 'reports'),
      factory,
      load: { ...loader.counts, watermarks },
    });
    return report;
  } finally {
    conn.closeSync();
    instance.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
}

const counts = (r: { matched: number; missing: number; extra: number; differing: number }) => [
  r.matched,
  r.missing,
  r.extra,
  r.differing,
];

describe('eod reconciliation finds planted breaks (real DuckDB file)', () => {
  let clean: Report;
  beforeAll(async () => {
    clean = await close();
  });

  it('says a day whose records are what the batch recomputes is clean', () => {
    expect(DECISIONS.length).toBeGreaterThan(20);
    expect(FILLS.length).toBeGreaterThan(20);
    const { decisions, fills } = clean.reconciliation;
    expect(counts(decisions)).toEqual([DECISIONS.length, 0, 0, 0]);
    expect(counts(fills)).toEqual([FILLS.length, 0, 0, 0]);
    expect(clean.reconciliation.clean).toBe(true);
  });

  it('names a fill the speed layer dropped as missing', async () => {
    const dropped = FILLS[7] as Fill;
    const r = await close((_d, f) => f.splice(7, 1));
    expect(counts(r.reconciliation.fills)).toEqual([FILLS.length - 1, 1, 0, 0]);
    expect(r.reconciliation.fills.breaks).toEqual([
      { id: dropped.id, kind: 'missing', detail: expect.stringContaining('FILLS has none') },
    ]);
    expect(r.reconciliation.clean).toBe(false);
  });

  it('names a fill whose price changed as differing, with both prices', async () => {
    const changed = FILLS[3] as Fill;
    const r = await close((_d, f) => {
      (f[3] as Fill).price = '123.45';
    });
    expect(counts(r.reconciliation.fills)).toEqual([FILLS.length - 1, 0, 0, 1]);
    const [b] = r.reconciliation.fills.breaks;
    expect(b).toMatchObject({ id: changed.id, kind: 'differing' });
    expect(b?.detail).toContain(`@ ${changed.price}`);
    expect(b?.detail).toContain('@ 123.45');
  });

  it('names a fill no recomputed decision explains as extra', async () => {
    const r = await close((_d, f) => {
      f.push({ ...(f[0] as Fill), id: 'fill:ghost', decisionId: 'ghost' });
    });
    expect(counts(r.reconciliation.fills)).toEqual([FILLS.length, 0, 1, 0]);
    expect(r.reconciliation.fills.breaks).toEqual([
      { id: 'fill:ghost', kind: 'extra', detail: expect.stringContaining('batch has none') },
    ]);
  });

  it('names decisions dropped, repriced or invented by the speed layer', async () => {
    const dropped = DECISIONS[2] as Decision;
    const repriced = DECISIONS[5] as Decision;
    const r = await close((d) => {
      (d[5] as Decision).refPrice = '1.5';
      d.splice(2, 1);
      d.push({ ...(d[0] as Decision), id: 'sma-cross:synth:AAA:99999' });
    });
    const rec = r.reconciliation.decisions;
    expect(counts(rec)).toEqual([DECISIONS.length - 2, 1, 1, 1]);
    const byKind = Object.fromEntries(rec.breaks.map((b) => [b.kind, b]));
    expect(byKind.missing).toMatchObject({
      id: dropped.id,
      detail: expect.stringContaining('speed layer has none'),
    });
    expect(byKind.differing).toMatchObject({ id: repriced.id, detail: expect.stringContaining('@ 1.5') });
    expect(byKind.extra).toMatchObject({ id: 'sma-cross:synth:AAA:99999' });
    expect(r.reconciliation.clean).toBe(false);
  });

  it('reconciles a symbol traded on two venues, each venue its own tape', async () => {
    // Interleaved in stream order, as a feed of two venues publishes them.
    const a = swing('venue-a', 'AAA', 0);
    const b = swing('venue-b', 'AAA', 1);
    const ticks = a.flatMap((t, i) => [t, b[i] as Tick]);
    const day = { ticks, ...speedLayer(ticks) };
    expect(new Set(day.fills.map((f) => f.decisionId.split(':')[1]))).toEqual(
      new Set(['venue-a', 'venue-b']),
    );
    const r = await close(() => {}, day);
    expect(counts(r.reconciliation.fills)).toEqual([day.fills.length, 0, 0, 0]);
    expect(r.reconciliation.clean).toBe(true);
  });

  it('compares decimals by value: trailing zeros are no break', async () => {
    const r = await close((d, f) => {
      (d[1] as Decision).refPrice = `${(d[1] as Decision).refPrice}000`;
      (f[1] as Fill).qty = `${(f[1] as Fill).qty}.0`;
    });
    expect(r.reconciliation.clean).toBe(true);
  });
});
