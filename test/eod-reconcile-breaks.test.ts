import type { Decision, Fill, Tick } from '@tickflow/core';
import type { Report } from '@tickflow/eod';
import { beforeAll, describe, expect, it } from 'vitest';
import { closeSwingDay, type SwingDay, speedLayer, swing } from './eod-swing-day.ts';

/**
 * Planted breaks: the speed layer's records are what the same strategy and paper broker make of
 * the day's ticks (so the day reconciles), then one record is dropped, changed or added, and the
 * close must name exactly that break, in a real DuckDB file.
 */
const TICKS: Tick[] = [...swing('synth', 'AAA', 0), ...swing('synth', 'BBB', 1)];
const { decisions: DECISIONS, fills: FILLS } = speedLayer(TICKS);

function close(
  plant: (d: Decision[], f: Fill[]) => void = () => {},
  day: SwingDay = { ticks: TICKS, decisions: DECISIONS, fills: FILLS },
): Promise<Report> {
  const decisions = day.decisions.map((d) => ({ ...d }));
  const fills = day.fills.map((f) => ({ ...f }));
  plant(decisions, fills);
  return closeSwingDay({ ticks: day.ticks, decisions, fills }, (report) => report);
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

  it('closes to the same report when archive and analytics overlap the replay, and when it reads back a symbol at a time', async () => {
    const plant = (_d: Decision[], f: Fill[]) => {
      (f[3] as Fill).price = '123.45';
    };
    const day = {
      ticks: TICKS,
      decisions: DECISIONS.map((d) => ({ ...d })),
      fills: FILLS.map((f) => ({ ...f })),
    };
    plant(day.decisions, day.fills);
    const [one, two, grouped, lent] = await Promise.all([
      closeSwingDay(day, (r) => r),
      closeSwingDay(day, (r) => r, { overlap: true }),
      // One symbol's ticks at most in memory: the two symbols go one at a time through the disk.
      closeSwingDay(day, (r) => r, { overlap: true, maxRowsInMemory: TICKS.length / 2 }),
      // As `eod run` closes a day bigger than a group: steps one after another, each with its limit.
      closeSwingDay(day, (r) => r, {
        maxRowsInMemory: TICKS.length / 2,
        duckdbMib: { archive: 300, analytics: 300, reconcile: 100 },
      }),
    ]);
    const stable = (r: Report) => ({ ...r, generatedAt: '', database: '' });
    expect(two.reconciliation.fills.differing).toBe(1);
    expect(stable(two)).toEqual(stable(one));
    expect(stable(grouped)).toEqual(stable(one));
    expect(stable(lent)).toEqual(stable(one));
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
