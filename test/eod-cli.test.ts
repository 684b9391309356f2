import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bus, encode, subjects } from '@tickflow/bus';
import type { Decision } from '@tickflow/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_DATE, FIXTURE_REJECTS, FIXTURE_TICKS } from './eod-fixture.ts';
import { startTestNats, type TestNats } from './nats-harness.ts';

const BIN = fileURLToPath(new URL('../services/cli/bin/tickflow.mjs', import.meta.url));

describe('tickflow eod run (real nats-server, real DuckDB, the real command)', () => {
  let nats: TestNats;
  let bus: Bus;

  const eodRun = () => {
    const r = spawnSync(
      process.execPath,
      [BIN, 'eod', 'run', '--date', FIXTURE_DATE, '--log-level', 'warn'],
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          NATS_URL: nats.url,
          TICKFLOW_DATA_DIR: join(nats.dir, 'data'),
          TICKFLOW_REPORTS_DIR: join(nats.dir, 'reports'),
        },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    return { code: r.status, out: r.stdout, err: r.stderr };
  };

  beforeAll(async () => {
    nats = await startTestNats();
    bus = await Bus.connect({ url: nats.url, name: 'eod-cli-test' });
    await bus.ensureStreams();
    for (const t of FIXTURE_TICKS) await bus.js.publish(subjects.tick(t.venue, t.symbol), encode(t));
    // No fills: hand-made fills without decisions behind them would be breaks (eod-analytics tests
    // those); this day has ticks and rejects only, and reconciles.
    for (const r of FIXTURE_REJECTS) await bus.js.publish(subjects.reject(r.venue), encode(r));
  });

  afterAll(async () => {
    await bus?.drain();
    await nats?.stop();
  });

  it('documents its exit codes in --help', () => {
    const r = spawnSync(process.execPath, [BIN, 'eod', 'run', '--help'], { encoding: 'utf8' });
    expect(r.stdout).toContain('Exit codes:');
    expect(r.stdout).toMatch(/3\s+loaded and reported, but the reconciliation has breaks/);
    expect(r.stdout).toContain('--skip-archive');
  });

  it('exits 0 on a reconciled day with a one-screen summary, no progress bar when not a TTY', () => {
    const r = eodRun();
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^tickflow eod 2026-03-02: RECONCILED\n/);
    expect(r.out).toContain('ticks 12, decisions 0, fills 0, rejects 3'); // BBB's seq 2 is stored twice
    expect(r.out).toContain('P&L net 0.00000000');
    expect(r.out).toContain('fills: speed 0, batch recomputation 0, matched 0');
    // Every step is timed, the overlapped ones too (archive and analytics beside the reconciliation).
    // The overlapped steps are listed in the order they end, which varies from run to run.
    const took = /took [\d.]+ s: (.*)/.exec(r.out)?.[1] ?? '';
    for (const step of ['bars', 'archive', 'analytics', 'reconcile', 'reports'])
      expect(took).toMatch(new RegExp(`\\b${step} [\\d.]+`));
    expect(r.out).not.toContain('\u001b['); // no terminal control sequences in captured output
    expect(r.out.split('\n').length).toBeLessThan(40);
    expect(existsSync(join(nats.dir, 'reports', FIXTURE_DATE, 'report.html'))).toBe(true);
    expect(readdirSync(join(nats.dir, 'data', 'archive', 'ticks'))).toEqual([`date=${FIXTURE_DATE}`]);
  });

  it('exits 3 and lists the break when the speed layer recorded a decision the batch does not make', async () => {
    const ghost: Decision = {
      v: 1,
      id: 'sma-cross:synth:AAA:4',
      strategy: 'sma-cross',
      venue: 'synth',
      symbol: 'AAA',
      action: 'BUY',
      qty: '1',
      refPrice: '101',
      tickSeq: 4,
      tickTs: FIXTURE_TICKS[3]?.ts ?? 0,
      decidedAt: FIXTURE_TICKS[3]?.ts ?? 0,
      reason: 'injected by the test',
      indicators: {},
    };
    await bus.js.publish(subjects.decision('AAA'), encode(ghost));
    const r = eodRun();
    expect(r.code).toBe(3);
    expect(r.out).toContain('NOT RECONCILED (1 breaks)');
    expect(r.out).toContain('extra decision sma-cross:synth:AAA:4');
  });
});
