#!/usr/bin/env node
// The `tickflow` command. It runs the bundle `npm ci` builds (dist/tickflow.mjs, plain JavaScript:
// see scripts/build.mjs) while that is newer than every TypeScript source; otherwise — a source
// edited since, or no bundle — it runs the sources through tsx's loader (Node 20 cannot run
// TypeScript itself), so what runs is always what the sources say.
import { fileURLToPath } from 'node:url';
import { bundleIsFresh } from './bundle-fresh.mjs';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bundle = fileURLToPath(new URL('../dist/tickflow.mjs', import.meta.url));

if (bundleIsFresh(root, bundle)) {
  // Stack traces name the TypeScript sources, not the bundle's lines.
  process.setSourceMapsEnabled(true);
  await import(bundle);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/main.ts', import.meta.url).href);
}
