import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bundleIsFresh } from '../bin/bundle-fresh.mjs';

describe('bundleIsFresh', () => {
  let root: string;
  const bundle = () => join(root, 'services', 'cli', 'dist', 'tickflow.mjs');
  const touch = (path: string, secondsAgo: number) => {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, '');
    const t = Date.now() / 1000 - secondsAgo;
    utimesSync(path, t, t);
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'tickflow-bundle-'));
    touch(join(root, 'libs', 'core', 'src', 'money.ts'), 100);
    touch(join(root, 'services', 'signals', 'src', 'routes', 'bars.ts'), 90);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('is false without a bundle', () => {
    expect(bundleIsFresh(root, bundle())).toBe(false);
  });

  it('is true when the bundle is newer than every source', () => {
    touch(bundle(), 10);
    expect(bundleIsFresh(root, bundle())).toBe(true);
  });

  it('is false once a source, however deep, is edited after the build', () => {
    touch(bundle(), 10);
    touch(join(root, 'services', 'signals', 'src', 'routes', 'bars.ts'), 0);
    expect(bundleIsFresh(root, bundle())).toBe(false);
  });

  it('ignores files that are not TypeScript', () => {
    touch(bundle(), 10);
    touch(join(root, 'libs', 'core', 'src', 'notes.md'), 0);
    expect(bundleIsFresh(root, bundle())).toBe(true);
  });
});
