import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TICKFLOW_BIN } from './tickflow-process.ts';

/** `tickflow strategy …` run as a user runs it: in a directory outside the repo. */
function tickflow(cwd: string, args: string[]) {
  const r = spawnSync(process.execPath, [TICKFLOW_BIN, 'strategy', ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The starter with one line of its rule replaced (a planted defect). */
function planted(dir: string, file: string, extra: string): void {
  const starter = readFileSync(join(dir, 'strategies', 'starter.ts'), 'utf8');
  const rule = 'if (want === 0 || want === this.side) return undefined;';
  expect(starter).toContain(rule);
  writeFileSync(
    join(dir, 'strategies', file),
    starter.replace(rule, `if (want === 0 || want === this.side${extra}) return undefined;`),
  );
}

describe('tickflow strategy new / check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tickflow-user-'));

  it('writes a starter module, its test and a config naming it; refuses to overwrite them', () => {
    const r = tickflow(dir, ['new', 'starter']);
    expect(r.code).toBe(0);
    for (const f of ['starter.ts', 'starter.test.ts', 'starter.json'])
      expect(existsSync(join(dir, 'strategies', f))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'strategies', 'starter.json'), 'utf8')).defaults.strategy).toBe(
      './starter.ts',
    );
    const again = tickflow(dir, ['new', 'starter']);
    expect(again.code).toBe(2);
    expect(again.err).toContain('--force');
    expect(tickflow(dir, ['new', 'Bad Name']).code).toBe(2);
  });

  it('passes the starter, with the speed in ticks/s', () => {
    const r = tickflow(dir, ['check', 'starter', '--ticks', '5000']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/ok {3}same ticks give the same decisions twice/);
    expect(r.out).toMatch(/ok {3}snapshot then restore mid-stream continues exactly/);
    expect(r.out).toMatch(/ok {3}reads neither the wall clock nor randomness/);
    expect(r.out).toMatch(/speed: [\d,]+ ticks\/s/);
    expect(r.out).toContain('PASSED: 4 checks');
  });

  it('fails a strategy that uses Math.random, saying so', () => {
    planted(dir, 'dice.ts', ' || Math.random() < 0.3');
    const r = tickflow(dir, ['check', './strategies/dice.ts', '--ticks', '5000']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAIL same ticks give the same decisions twice: runs differ at decision #\d+/);
    expect(r.out).toMatch(/FAIL reads neither the wall clock nor randomness: reads Math\.random\(\)/);
    expect(r.out).toContain('FAILED');
  });

  it('fails a strategy that reads the wall clock through new Date()', () => {
    planted(dir, 'clock.ts', ' || new Date().getMilliseconds() % 2 === 0');
    const r = tickflow(dir, ['check', 'clock', '--ticks', '5000']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAIL reads neither the wall clock nor randomness: reads new Date\(\)/);
  });

  it('fails a snapshot that leaves state out, naming the first decision that differs', () => {
    const starter = readFileSync(join(dir, 'strategies', 'starter.ts'), 'utf8');
    writeFileSync(
      join(dir, 'strategies', 'forgetful.ts'),
      starter.replace('side: this.side };', 'side: 0 };'),
    );
    const r = tickflow(dir, ['check', 'forgetful', '--ticks', '5000']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /FAIL snapshot then restore mid-stream continues exactly: restored after \d+ ticks: decision #\d+/,
    );
    expect(r.out).toMatch(/ok {3}same ticks give the same decisions twice/);
  });

  it('exits 2 for a module it cannot find or load, or parameters its schema refuses', () => {
    const missing = tickflow(dir, ['check', 'nope']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('no strategy module nope');
    writeFileSync(join(dir, 'strategies', 'broken.ts'), 'export default {');
    const broken = tickflow(dir, ['check', 'broken']);
    expect(broken.code).toBe(2);
    expect(broken.err).toContain('broken.ts could not be loaded');
    const params = tickflow(dir, ['check', 'starter', '--params', '{"fast":0}']);
    expect(params.code).toBe(2);
    expect(params.err).toContain('--params.fast: expected integer >= 1');
  });
});
