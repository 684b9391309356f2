import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TICKFLOW_BIN } from './tickflow-process.ts';

describe('tickflow eod run with a date that does not exist', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tickflow-eod-date-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['2026-13-45', '2026-02-30', '2026-02-29'])(
    'refuses --date %s with exit 2 before creating anything',
    (date) => {
      // The working directory too: the default --data-dir is ./data.
      const r = spawnSync(process.execPath, [TICKFLOW_BIN, 'eod', 'run', '--date', date], {
        cwd: dir,
        // Nothing listens there: the refusal comes before any connection attempt.
        env: { PATH: process.env.PATH ?? '', NATS_URL: 'nats://127.0.0.1:1' },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`--date: expected a calendar date YYYY-MM-DD, got "${date}"`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(readdirSync(dir)).toEqual([]);
    },
  );
});
