import { dirname, resolve } from 'node:path';
// The light entry: this module runs in the grid's worker threads (see internal.ts).
import { ConfigError, loadStrategyModule, readSettingFile } from '@tickflow/runtime/internal';
import {
  parseStrategyConfig,
  parseStrategyJson,
  resolveSymbolConfig,
  type SmaCrossParams,
  type StrategyDefinition,
  type StrategyFactory,
  strategyModulePaths,
  strategySetup,
} from '@tickflow/strategy';
import type { Combination, GridValue } from './grid.ts';
import { smaCrossFactoryFor } from './sma-grid.ts';

type Section = { strategy?: unknown; params?: Record<string, unknown> };
type ConfigJson = { defaults: Section; symbols?: Record<string, Section> };
/** Where a grid parameter is written: `defaults`, or a symbol's section. */
type Target = { section: 'defaults' } | { section: 'symbol'; symbol: string };

/**
 * How a grid parameter name maps onto the strategies (docs/STRATEGIES.md):
 *
 * - without `--strategies`, the built-in SMA cross: `fast` and `slow` (the --fast/--slow flags);
 * - with a config, a bare name (`period`) is that parameter of every strategy of the config that has
 *   one: written to `defaults.params` when the default strategy has it, and to each listed symbol's
 *   `params` whose strategy has it and does not inherit it from the defaults (another strategy, or
 *   the symbol sets it itself);
 * - `SYMBOL.name` writes only that symbol's `params` (adding the section when the config does not
 *   list the symbol).
 *
 * A name that reaches no strategy is a usage error (exit 2) naming it and what there is.
 */
export class GridStrategies {
  private readonly targets = new Map<string, Target[]>();

  private constructor(
    private readonly json: ConfigJson | undefined,
    private readonly sma: SmaCrossParams,
    private readonly modules: Record<string, StrategyDefinition>,
  ) {}

  /** Reads the config at `path` (absolute, or undefined for SMA cross) and loads its modules. */
  static async load(path: string | undefined, sma: SmaCrossParams): Promise<GridStrategies> {
    if (path === undefined) return new GridStrategies(undefined, sma, {});
    const json = parseStrategyJson(readSettingFile(path, 'strategies'));
    const modules: Record<string, StrategyDefinition> = {};
    for (const spec of strategyModulePaths(json))
      modules[spec] = await loadStrategyModule(resolve(dirname(path), spec));
    // Checks the base config once (a bad file is its own usage error, before any grid).
    strategySetup(JSON.stringify(json), sma, modules);
    return new GridStrategies(json as ConfigJson, sma, modules);
  }

  /** Resolves every name to where it is written, or a ConfigError naming those that match nothing. */
  bind(names: readonly string[]): void {
    const unmatched: string[] = [];
    for (const name of names) {
      const found = this.targetsOf(name);
      if (found.length === 0) unmatched.push(name);
      else this.targets.set(name, found);
    }
    if (unmatched.length)
      throw new ConfigError(
        unmatched.map((n) => `--grid: ${n} matches no strategy parameter (there are: ${this.available()})`),
      );
  }

  /**
   * The strategy factory for one combination, or the strategy's own error when it refuses the
   * values (a StrategyConfigError, a RangeError such as `fast period 20 must be < slow 20`).
   */
  factoryFor(combination: Combination): StrategyFactory {
    if (this.json === undefined) return smaCrossFactoryFor(this.sma, combination);
    const json = structuredClone(this.json);
    for (const [name, value] of Object.entries(combination)) {
      const param = name.slice(name.lastIndexOf('.') + 1);
      for (const t of this.targets.get(name) ?? this.targetsOf(name)) setParam(json, t, param, value);
    }
    return strategySetup(JSON.stringify(json), this.sma, this.modules).factory;
  }

  private targetsOf(name: string): Target[] {
    const dot = name.lastIndexOf('.');
    const param = name.slice(dot + 1);
    if (this.json === undefined)
      return dot < 0 && (param === 'fast' || param === 'slow') ? [{ section: 'defaults' }] : [];
    const config = parseStrategyConfig(this.json, this.modules);
    if (dot >= 0) {
      const symbol = name.slice(0, dot);
      return param in resolveSymbolConfig(config, symbol).params ? [{ section: 'symbol', symbol }] : [];
    }
    const out: Target[] = [];
    if (param in config.defaults.params) out.push({ section: 'defaults' });
    for (const [symbol, own] of Object.entries(config.symbols)) {
      const inherits = (own.strategy ?? config.defaults.strategy) === config.defaults.strategy;
      const setsItself = own.params !== undefined && param in own.params;
      if (param in resolveSymbolConfig(config, symbol).params && (!inherits || setsItself))
        out.push({ section: 'symbol', symbol });
    }
    return out;
  }

  /** "defaults sma-cross: fast, slow; BTC-USD rsi-threshold: period, …" for the error message. */
  private available(): string {
    if (this.json === undefined) return 'fast, slow of the built-in sma-cross (no --strategies)';
    const config = parseStrategyConfig(this.json, this.modules);
    const of = (label: string, c: { strategy: string; params: object }) =>
      `${label} ${c.strategy}: ${Object.keys(c.params).join(', ') || 'none'}`;
    return [
      of('defaults', config.defaults),
      ...Object.keys(config.symbols).map((s) => of(s, resolveSymbolConfig(config, s))),
    ].join('; ');
  }
}

function setParam(json: ConfigJson, t: Target, param: string, value: GridValue): void {
  let section: Section;
  if (t.section === 'defaults') section = json.defaults;
  else {
    json.symbols ??= {};
    json.symbols[t.symbol] ??= {};
    section = json.symbols[t.symbol] as Section;
  }
  section.params = { ...section.params, [param]: value };
}
