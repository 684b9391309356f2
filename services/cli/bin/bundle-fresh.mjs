// Whether the `tickflow` bundle (scripts/build.mjs) still says what the sources say. Plain
// JavaScript: bin/tickflow.mjs asks before anything can load TypeScript.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The newest modification time (ms) of the .ts files below `dir`, 0 if none. */
function newestSource(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  let newest = 0;
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * True when `bundle` exists and is newer than every .ts file in `<root>/libs/<pkg>/src` and
 * `<root>/services/<pkg>/src`: a source edited after the build makes it stale.
 */
export function bundleIsFresh(root, bundle) {
  let built;
  try {
    built = statSync(bundle).mtimeMs;
  } catch {
    return false;
  }
  for (const group of ['libs', 'services']) {
    let packages;
    try {
      packages = readdirSync(join(root, group));
    } catch {
      continue;
    }
    for (const pkg of packages) if (newestSource(join(root, group, pkg, 'src')) > built) return false;
  }
  return true;
}
