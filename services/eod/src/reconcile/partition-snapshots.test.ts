import { DEFAULT_EXECUTION, type SessionSnapshot } from '@tickflow/paper';
import { describe, expect, it } from 'vitest';
import { mergeSnapshots, partitionDurables, SnapshotMergeError } from './partition-snapshots.ts';

const snap = (over: Partial<SessionSnapshot>): SessionSnapshot => ({
  v: 1,
  date: '2026-04-01',
  takenAt: 10,
  lastTickTs: 100,
  execution: DEFAULT_EXECUTION,
  dayOpenEquity: '100000',
  dayPnl: '0',
  pnl: { realized: '0', unrealized: '0', fees: '0', net: '0', cash: '100000', equity: '100000' },
  positions: [],
  fills: 0,
  rejected: 0,
  halted: false,
  haltReason: '',
  ...over,
});
const position = (symbol: string, qty: string) => ({
  symbol,
  qty,
  avgCost: '10',
  realizedPnl: '0',
  unrealizedPnl: '0',
  fees: '0',
  lastPrice: '10',
});

describe('merging the bot partitions’ session snapshots', () => {
  it('names the partitions’ durables as the bot does', () => {
    expect(partitionDurables('bot', 1)).toEqual(['bot']);
    expect(partitionDurables('bot', 2)).toEqual(['bot-p0of2', 'bot-p1of2']);
  });

  it('puts the positions side by side and sums money, fills and rejections exactly', () => {
    const a = snap({
      positions: [position('S0', '2')],
      pnl: {
        realized: '1.1',
        unrealized: '0.2',
        fees: '0.01',
        net: '1.29',
        cash: '99980',
        equity: '100001.29',
      },
      dayPnl: '1.29',
      fills: 3,
      rejected: 1,
      lastTickTs: 150,
    });
    const b = snap({
      positions: [position('S1', '-1')],
      pnl: {
        realized: '-0.1',
        unrealized: '0',
        fees: '0.02',
        net: '-0.12',
        cash: '100010',
        equity: '99999.88',
      },
      dayPnl: '-0.12',
      fills: 2,
      takenAt: 20,
      halted: true,
      haltReason: 'daily loss limit',
    });
    const m = mergeSnapshots([a, b]);
    expect(m.positions.map((p) => [p.symbol, p.qty])).toEqual([
      ['S0', '2'],
      ['S1', '-1'],
    ]);
    expect(m.pnl).toEqual({
      realized: '1',
      unrealized: '0.2',
      fees: '0.03',
      net: '1.17',
      cash: '199990',
      equity: '200001.17',
    });
    expect([m.dayPnl, m.dayOpenEquity, m.fills, m.rejected]).toEqual(['1.17', '200000', 5, 1]);
    expect([m.takenAt, m.lastTickTs, m.halted, m.haltReason]).toEqual([20, 150, true, 'daily loss limit']);
  });

  it('refuses partitions that ran different execution models or hold the same symbol', () => {
    const a = snap({ positions: [position('S0', '1')] });
    expect(() => mergeSnapshots([a, snap({ execution: { ...DEFAULT_EXECUTION, latencyMs: 9 } })])).toThrow(
      SnapshotMergeError,
    );
    expect(() => mergeSnapshots([a, snap({ positions: [position('S0', '1')] })])).toThrow(
      /S0 is held in two bot partitions/,
    );
  });
});
