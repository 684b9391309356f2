import { factoryFromConfig, isModulePath, parseStrategyConfig } from './config.ts';
import type { StrategyDefinition } from './module.ts';
import { SmaCross, type SmaCrossParams } from './sma-cross.ts';
import type { StrategyFactory } from './strategy.ts';

/** A strategy config or module that cannot be read or used (exit code 2 in the CLI). */
export class StrategyFileError extends Error {
  override name = 'StrategyFileError';
}

/** The config text as JSON, or a StrategyFileError saying it is not JSON. */
export function parseStrategyJson(configText: string): unknown {
  try {
    return JSON.parse(configText);
  } catch (cause) {
    throw new StrategyFileError(`strategy config is not JSON: ${(cause as Error).message}`, { cause });
  }
}

/**
 * The module paths a config names (`"strategy": "./strategies/momentum.ts"`), as written: the
 * caller loads them (I/O) and hands them to `strategySetup`. A malformed file gives none here: the
 * parse then says what is wrong with it.
 */
export function strategyModulePaths(json: unknown): string[] {
  const found = new Set<string>();
  const add = (section: unknown) => {
    const s = (section as { strategy?: unknown } | null)?.strategy;
    if (typeof s === 'string' && isModulePath(s)) found.add(s);
  };
  const root = json as { defaults?: unknown; symbols?: unknown } | null;
  if (typeof root !== 'object' || root === null) return [];
  add(root.defaults);
  if (typeof root.symbols === 'object' && root.symbols !== null) Object.values(root.symbols).forEach(add);
  return [...found];
}

/**
 * The strategies a service runs: from a JSON config text (per-symbol strategies, sizing, risk
 * gates, and the modules it names, already loaded) when given, else SMA cross with `sma` for every
 * symbol. `fingerprint` identifies the setup, so a checkpoint taken under another setup is not
 * restored into this one.
 */
export function strategySetup(
  configText: string | undefined,
  sma: SmaCrossParams,
  modules: Record<string, StrategyDefinition> = {},
): { factory: StrategyFactory; fingerprint: string } {
  if (configText === undefined) {
    return {
      factory: (venue, symbol) => new SmaCross(venue, symbol, sma),
      fingerprint: JSON.stringify({ strategy: 'sma-cross', ...sma }),
    };
  }
  const config = parseStrategyConfig(parseStrategyJson(configText), modules);
  const { defaults, symbols } = config;
  const names = Object.fromEntries(Object.entries(config.modules).map(([path, m]) => [path, m.name]));
  // Without modules, the fingerprint of before modules existed: existing checkpoints stay usable.
  const fingerprint = Object.keys(names).length
    ? JSON.stringify({ defaults, symbols, modules: names })
    : JSON.stringify({ defaults, symbols });
  return { factory: factoryFromConfig(config), fingerprint };
}
