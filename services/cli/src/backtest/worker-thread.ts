import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { bundleIsFresh } from '../../bin/bundle-fresh.mjs';
import { BacktestError } from './replay.ts';

/**
 * The worker's script: the bundle's dist/backtest-worker.mjs (plain JavaScript) when the code
 * running is the bundle, or the sources with a bundle still fresh (built after every source
 * change: the bench runs `npm run build` first); otherwise a bootstrap that registers tsx's loader
 * in the new thread and imports worker-entry.ts. A thread compiling the sources itself took ~9 s
 * to start here under load, against well under a second for the bundle.
 */
export function backtestWorker(): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) {
    for (const rel of ['./backtest-worker.mjs', '../backtest-worker.mjs']) {
      const url = new URL(rel, here);
      if (existsSync(fileURLToPath(url))) return bundledWorker(url);
    }
    throw new BacktestError('dist/backtest-worker.mjs is missing: run npm run build');
  }
  const bundled = new URL('../../dist/backtest-worker.mjs', here);
  if (bundleIsFresh(fileURLToPath(new URL('../../../../', here)), fileURLToPath(bundled)))
    return bundledWorker(bundled);
  const entry = new URL('./worker-entry.ts', here).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true });
}

/** Flags that load code into every module graph (`--import tsx`): a thread would inherit them. */
const LOADER_FLAGS = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader']);

/**
 * The bundle's worker, plain JavaScript, without the parent's loader flags: a parent run under
 * `--import tsx` (the bench, the tests) gave each thread tsx's hooks too, ~0.1-0.2 s of start-up
 * per thread spent on a loader the bundle does not need.
 */
function bundledWorker(url: URL): Worker {
  const execArgv: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    if (LOADER_FLAGS.has(flag))
      i++; // and its value
    else if (!LOADER_FLAGS.has(flag.slice(0, flag.indexOf('=')))) execArgv.push(flag);
  }
  return new Worker(url, { execArgv });
}
