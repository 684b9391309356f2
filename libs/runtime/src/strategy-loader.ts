import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as strategyApi from '@tickflow/strategy';
import {
  definitionProblem,
  parseStrategyJson,
  type SmaCrossParams,
  type StrategyDefinition,
  StrategyFileError,
  strategyModulePaths,
  strategySetup,
} from '@tickflow/strategy';
import { readSettingFile } from './config.ts';

/**
 * Loads strategy modules — the one loader signals, the eod reconciliation and `strategy check` use
 * (libs/strategy stays pure: reading files is I/O). A module is a user's own .ts/.mts/.js/.mjs file,
 * possibly outside the repo, whose default export is `defineStrategy({ name, params, create })`.
 *
 * Its `import … from '@tickflow/strategy'` must work where no node_modules has that package: a
 * module hook answers it, when Node's own resolution cannot, with this process's own API (shared
 * through a global), so the module sees the very classes the services run. TypeScript is compiled
 * by tsx's ESM API (a dependency of the CLI), which loads plain JavaScript as well.
 */

const API_KEY = 'tickflow.strategy-api';
const API_URL = 'tickflow:strategy-api';

/** The hooks, run by Node on its loader thread; `names` are the API's exports. */
const HOOKS = `
let names = [];
export function initialize(data) { names = data.names; }
export async function resolve(specifier, context, next) {
  if (specifier !== '@tickflow/strategy') {
    const r = await next(specifier, context);
    // Strategy modules are ESM (docs/STRATEGIES.md) even where no package.json says "type": "module".
    const path = r.url.split('?')[0];
    const ours = r.url.startsWith('file:') && !path.includes('/node_modules/');
    if (ours && r.format !== 'module' && (path.endsWith('.ts') || path.endsWith('.js')))
      return { ...r, format: 'module' };
    return r;
  }
  try {
    return await next(specifier, context);
  } catch {
    return { url: ${JSON.stringify(API_URL)}, shortCircuit: true };
  }
}
export async function load(url, context, next) {
  if (!url.startsWith(${JSON.stringify(API_URL)})) return next(url, context);
  const lines = names.map((n) => 'export const ' + n + ' = api.' + n + ';');
  return {
    format: 'module',
    shortCircuit: true,
    source: 'const api = globalThis[Symbol.for(${JSON.stringify(API_KEY)})];\\n' + lines.join('\\n'),
  };
}
`;

let bridged = false;
function bridgeApi(): void {
  if (bridged) return;
  bridged = true;
  (globalThis as Record<symbol, unknown>)[Symbol.for(API_KEY)] = strategyApi;
  const names = Object.keys(strategyApi).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n));
  register(`data:text/javascript,${encodeURIComponent(HOOKS)}`, { data: { names } });
}

/** A module file's default export, checked to be a StrategyDefinition. */
export async function loadStrategyModule(file: string): Promise<StrategyDefinition> {
  const path = resolve(file);
  if (!existsSync(path)) throw new StrategyFileError(`strategy module ${file}: no such file (${path})`);
  bridgeApi();
  let exports: { default?: unknown };
  try {
    const { tsImport } = await import('tsx/esm/api');
    exports = (await tsImport(pathToFileURL(path).href, import.meta.url)) as { default?: unknown };
  } catch (cause) {
    throw new StrategyFileError(
      `strategy module ${file} could not be loaded: ${(cause as Error)?.message ?? String(cause)}`,
      { cause },
    );
  }
  const definition = exports.default;
  const problem = definitionProblem(definition);
  if (problem) throw new StrategyFileError(`strategy module ${file}: ${problem}`);
  return definition as StrategyDefinition;
}

/**
 * The strategies a service runs: the config file at `configPath` (or SMA cross with `sma` when
 * none), with every module it names loaded from a path relative to the config file.
 */
export async function loadStrategySetup(
  configPath: string | undefined,
  sma: SmaCrossParams,
): Promise<ReturnType<typeof strategySetup>> {
  if (configPath === undefined) return strategySetup(undefined, sma);
  const text = readSettingFile(configPath, 'strategies');
  const modules: Record<string, StrategyDefinition> = {};
  for (const spec of strategyModulePaths(parseStrategyJson(text)))
    modules[spec] = await loadStrategyModule(resolve(dirname(resolve(configPath)), spec));
  return strategySetup(text, sma, modules);
}
