import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TICKFLOW_BIN } from './tickflow-process.ts';

/** `tickflow backtest …` as a user runs it, in an empty directory (no archive, no database). */
function backtest(args: string[]) {
  const cwd = mkdtempSync(join(tmpdir(), 'tickflow-backtest-'));
  const r = spawnSync(process.execPath, [TICKFLOW_BIN, 'backtest', ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('tickflow backtest exit codes', () => {
  it('lists its exit codes, the bot execution-model and risk-limit flags and the queue options in --help', () => {
    const r = backtest(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /Exit codes:\n\s+0\s+done\n\s+1\s+failed[^\n]*\n\s+2\s+invalid flag[^\n]*\n\s+3\s+--queue: no result/,
    );
    for (const flag of [
      '--latency-ms',
      '--slippage-bps',
      '--impact-bps',
      '--partial-fills',
      '--min-fee',
      '--fee-bps',
      "--grid 'fast=5..20:5,slow=20..60:10'",
      '--walk-forward',
      '--workers',
      '--metric <sharpe|sortino|calmar|pnl|profit-factor|win-rate>',
      '--max-position',
      '--max-notional',
      '--max-gross-exposure',
      '--daily-loss-limit',
      '--queue-timeout-ms',
      '--nats-user',
      '--nats-creds',
    ])
      expect(r.out).toContain(flag);
  });

  it.each([
    [['--from', '2026-02-30'], /--from: expected a calendar date YYYY-MM-DD, got "2026-02-30"/],
    [['--from', '2026-03-02', '--to', '2026-03-01'], /--to 2026-03-01 is before --from 2026-03-02/],
    [[], /--from is required/],
    [['--from', '2026-03-01', '--latency-ms', 'soon'], /--latency-ms: expected an integer/],
    [['--from', '2026-03-01', '--grid', 'fast=5..20:0'], /--grid: fast=5\.\.20:0: the step must be > 0/],
    [['--from', '2026-03-01', '--grid', 'lookback=1|2'], /--grid: lookback matches no strategy parameter/],
  ])('exits 2 on a usage error (%j)', (args, message) => {
    const r = backtest(args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('exits 1 when the range has no ticks, saying so', () => {
    const r = backtest(['--from', '2026-03-01', '--to', '2026-03-02']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('no ticks from 2026-03-01 to 2026-03-02 in the archive or the database');
  });
});
