import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exitCode, spawnTickflow } from './tickflow-process.ts';

/**
 * The README's first command, shortened: `tickflow demo` on its own private nats-server (a free
 * port, its store under the temp data dir), then the end of day and the closing backtest.
 */
describe('tickflow demo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tickflow-demo-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs a short session end to end: reconciled, and the backtest of the day equal to the live bot', async () => {
    const demo = spawnTickflow(
      [
        'demo',
        '--duration',
        '4',
        '--rate',
        '2000',
        '--symbols',
        '3',
        '--data-dir',
        join(dir, 'data'),
        '--reports-dir',
        join(dir, 'reports'),
      ],
      {},
      { capture: true },
    );
    const code = await exitCode(demo.child);
    const out = demo.output();
    expect(out).toContain('reconciliation clean');
    expect(out).toMatch(/P&L from DuckDB (\S+) vs bot \1: equal/);
    expect(out).toMatch(/backtest \d+ trades, \d+ fills, P&L (\S+) vs live bot \1: equal/);
    expect(code).toBe(0);
  }, 120_000);
});
