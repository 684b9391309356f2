import { dec, isDecimalString, isValidSymbol } from '@tickflow/core';
import { type StrategyDefinition, schemaDefaults, validateParams } from './module.ts';
import {
  type ParamSpec,
  STRATEGIES,
  STRATEGY_NAMES,
  type StrategyName,
  type StrategyParams,
} from './registry.ts';
import {
  type DecisionLimits,
  GatedStrategy,
  type OrderType,
  parseTradingHours,
  type Sizing,
} from './risk.ts';
import type { Strategy, StrategyFactory } from './strategy.ts';

/** One symbol's strategy, fully resolved (defaults merged). */
export interface SymbolStrategyConfig {
  /** A built-in's name, or a module's path as the config file wrote it (e.g. `./strategies/momentum.ts`). */
  strategy: string;
  /** Every parameter of the strategy (its defaults filled in). */
  params: StrategyParams;
  sizing: Sizing;
  risk: DecisionLimits;
  /** Market (default) or limit orders. */
  order: OrderType;
}

/** A parsed strategy config file: defaults for every symbol, and per-symbol overrides. */
export interface StrategyConfig {
  defaults: SymbolStrategyConfig;
  symbols: Record<string, Partial<SymbolStrategyConfig>>;
  /** The strategy modules the file names, by the path as written (loaded by the caller: I/O). */
  modules: Record<string, StrategyDefinition>;
}

/**
 * True when a config's `strategy` names a module file rather than a built-in: a path (`./…`,
 * `../…`, `/…`) or a file name ending in .ts, .mts, .js or .mjs.
 */
export function isModulePath(strategy: string): boolean {
  return /^\.{0,2}\//.test(strategy) || /\.m?[jt]s$/.test(strategy);
}

/** A config file that cannot be used. `path` names the offending value, e.g. `symbols.BTC-USD.params.period`. */
export class StrategyConfigError extends Error {
  override name = 'StrategyConfigError';
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
  }
}

type Obj = Record<string, unknown>;
const FIXED_SIZING: Sizing = { kind: 'fixed', qty: '1' };
const MARKET: OrderType = { type: 'market' };

function object(x: unknown, path: string, allowed: readonly string[]): Obj {
  if (typeof x !== 'object' || x === null || Array.isArray(x))
    throw new StrategyConfigError(path, 'must be an object');
  for (const key of Object.keys(x))
    if (!allowed.includes(key))
      throw new StrategyConfigError(join(path, key), `unknown key (expected one of ${allowed.join(', ')})`);
  return x as Obj;
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

function int(x: unknown, path: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > max)
    throw new StrategyConfigError(
      path,
      `must be an integer >= ${min}${max < Number.MAX_SAFE_INTEGER ? ` and <= ${max}` : ''}`,
    );
  return x;
}

function positiveDecimal(x: unknown, path: string): string {
  if (!isDecimalString(x) || !dec(x).gt(0))
    throw new StrategyConfigError(path, 'must be a decimal string > 0, e.g. "0.5"');
  return x;
}

function strategyName(x: unknown, path: string, modules: Record<string, StrategyDefinition>): string {
  if (typeof x === 'string' && isModulePath(x)) {
    if (!Object.hasOwn(modules, x)) throw new StrategyConfigError(path, `module ${x} was not loaded`);
    return x;
  }
  if (typeof x !== 'string' || !Object.hasOwn(STRATEGIES, x))
    throw new StrategyConfigError(
      path,
      `must be one of ${STRATEGY_NAMES.join(', ')}, or the path of a strategy module (e.g. ./strategies/momentum.ts)`,
    );
  return x;
}

function param(x: unknown, path: string, spec: ParamSpec): number | string {
  if (spec.kind === 'int') return int(x, path, spec.min);
  if (spec.kind === 'number') {
    if (typeof x !== 'number' || !Number.isFinite(x) || x <= spec.min || x >= spec.max)
      throw new StrategyConfigError(path, `must be a number > ${spec.min} and < ${spec.max}`);
    return x;
  }
  if (typeof x !== 'string' || !spec.values.includes(x))
    throw new StrategyConfigError(path, `must be one of ${spec.values.map((v) => `'${v}'`).join(', ')}`);
  return x;
}

/** A module's parameters checked against its schema; `partial`: missing required ones pass (merged later). */
function moduleParams(
  x: unknown,
  path: string,
  module: StrategyDefinition,
  partial: boolean,
): StrategyParams {
  const checked = validateParams(module.params, x);
  // Partial: only the keys given (the schema's defaults would override defaults.params when merged).
  const given = (p: Record<string, unknown>) =>
    Object.fromEntries(Object.keys(x as object).map((k) => [k, p[k]])) as StrategyParams;
  if ('params' in checked) return partial && x ? given(checked.params) : (checked.params as StrategyParams);
  if (partial && checked.error.problem.startsWith('required')) return x as StrategyParams;
  throw new StrategyConfigError(join(path, checked.error.key), checked.error.problem);
}

function params(
  x: unknown,
  path: string,
  strategy: string,
  modules: Record<string, StrategyDefinition>,
): StrategyParams {
  const module = modules[strategy];
  if (module) return moduleParams(x, path, module, true);
  const specs: Record<string, ParamSpec> = STRATEGIES[strategy as StrategyName].specs;
  const o = object(x, path, Object.keys(specs));
  const out: StrategyParams = {};
  for (const [key, value] of Object.entries(o))
    out[key] = param(value, join(path, key), specs[key] as ParamSpec);
  return out;
}

function sizing(x: unknown, path: string): Sizing {
  const kind = (x as Obj | null)?.kind;
  if (kind === 'fixed') {
    const o = object(x, path, ['kind', 'qty']);
    return { kind, qty: positiveDecimal(o.qty, join(path, 'qty')) };
  }
  if (kind === 'notional') {
    const o = object(x, path, ['kind', 'notional', 'qtyDecimals']);
    return {
      kind,
      notional: positiveDecimal(o.notional, join(path, 'notional')),
      qtyDecimals: int(o.qtyDecimals, join(path, 'qtyDecimals'), 0, 18),
    };
  }
  object(x, path, ['kind', 'qty', 'notional', 'qtyDecimals']);
  throw new StrategyConfigError(join(path, 'kind'), "must be 'fixed' or 'notional'");
}

function orderType(x: unknown, path: string): OrderType {
  const type = (x as Obj | null)?.type;
  if (type === 'market') {
    object(x, path, ['type']);
    return { type };
  }
  if (type === 'limit') {
    const o = object(x, path, ['type', 'offsetBps']);
    const p = join(path, 'offsetBps');
    if (!isDecimalString(o.offsetBps) || dec(o.offsetBps).isNegative() || dec(o.offsetBps).gte(10_000))
      throw new StrategyConfigError(p, 'must be a decimal string of basis points, 0 ≤ offset < 10000');
    return { type, offsetBps: o.offsetBps };
  }
  object(x, path, ['type', 'offsetBps']);
  throw new StrategyConfigError(join(path, 'type'), "must be 'market' or 'limit'");
}

function risk(x: unknown, path: string): DecisionLimits {
  const keys = ['maxPosition', 'maxNotional', 'cooldownMicros', 'tradingHours', 'warmUpTicks'] as const;
  const o = object(x, path, keys);
  const out: DecisionLimits = {};
  if (o.maxPosition !== undefined)
    out.maxPosition = positiveDecimal(o.maxPosition, join(path, 'maxPosition'));
  if (o.maxNotional !== undefined)
    out.maxNotional = positiveDecimal(o.maxNotional, join(path, 'maxNotional'));
  if (o.cooldownMicros !== undefined)
    out.cooldownMicros = int(o.cooldownMicros, join(path, 'cooldownMicros'), 0);
  if (o.warmUpTicks !== undefined) out.warmUpTicks = int(o.warmUpTicks, join(path, 'warmUpTicks'), 0);
  if (o.tradingHours !== undefined) {
    const p = join(path, 'tradingHours');
    if (typeof o.tradingHours !== 'string')
      throw new StrategyConfigError(p, "must be a string 'HH:MM-HH:MM' (UTC)");
    try {
      parseTradingHours(o.tradingHours);
    } catch (err) {
      throw new StrategyConfigError(p, (err as Error).message);
    }
    out.tradingHours = o.tradingHours;
  }
  return out;
}

const SECTION_KEYS = ['strategy', 'params', 'sizing', 'risk', 'order'] as const;

/**
 * Validates a strategy config file's JSON (already `JSON.parse`d). Every unknown key is refused, every
 * symbol is resolved and its strategy built once, so a bad file fails at load with the path of the
 * bad value rather than at the first tick of some symbol.
 */
export function parseStrategyConfig(
  json: unknown,
  modules: Record<string, StrategyDefinition> = {},
): StrategyConfig {
  const root = object(json, '', ['defaults', 'symbols']);
  const d = object(root.defaults, 'defaults', SECTION_KEYS);
  const strategy = strategyName(d.strategy, 'defaults.strategy', modules);
  const defaults: SymbolStrategyConfig = {
    strategy,
    params: {
      ...defaultParams(strategy, modules),
      ...params(d.params ?? {}, 'defaults.params', strategy, modules),
    },
    sizing: d.sizing === undefined ? FIXED_SIZING : sizing(d.sizing, 'defaults.sizing'),
    risk: d.risk === undefined ? {} : risk(d.risk, 'defaults.risk'),
    order: d.order === undefined ? MARKET : orderType(d.order, 'defaults.order'),
  };
  const symbols: Record<string, Partial<SymbolStrategyConfig>> = {};
  const config: StrategyConfig = { defaults, symbols, modules };
  checkBuilds(defaults, 'defaults.params', modules);
  for (const [symbol, raw] of Object.entries(
    object(root.symbols ?? {}, 'symbols', Object.keys(root.symbols ?? {})),
  )) {
    const path = `symbols.${symbol}`;
    if (!isValidSymbol(symbol))
      throw new StrategyConfigError(path, 'not a valid symbol (BASE-QUOTE or ticker, upper case)');
    const o = object(raw, path, SECTION_KEYS);
    const own: Partial<SymbolStrategyConfig> = {};
    if (o.strategy !== undefined) own.strategy = strategyName(o.strategy, `${path}.strategy`, modules);
    const effective = own.strategy ?? strategy;
    if (o.params !== undefined) own.params = params(o.params, `${path}.params`, effective, modules);
    if (o.sizing !== undefined) own.sizing = sizing(o.sizing, `${path}.sizing`);
    if (o.risk !== undefined) own.risk = risk(o.risk, `${path}.risk`);
    if (o.order !== undefined) own.order = orderType(o.order, `${path}.order`);
    symbols[symbol] = own;
    checkBuilds(resolveSymbolConfig(config, symbol), `${path}.params`, modules);
  }
  return config;
}

/** A strategy's own parameter defaults (a module's: those of its schema). */
function defaultParams(strategy: string, modules: Record<string, StrategyDefinition>): StrategyParams {
  const module = modules[strategy];
  if (module) return schemaDefaults(module.params) as StrategyParams;
  return STRATEGIES[strategy as StrategyName].defaults;
}

function create(
  c: SymbolStrategyConfig,
  venue: string,
  symbol: string,
  modules: Record<string, StrategyDefinition>,
): Strategy {
  const module = modules[c.strategy];
  if (module) return module.create(venue, symbol, c.params);
  return STRATEGIES[c.strategy as StrategyName].create(venue, symbol, c.params);
}

/**
 * Builds the strategy once so constraints between parameters (fast < slow, …) fail at load; a
 * module's merged parameters are checked against its schema here, required ones included.
 */
function checkBuilds(
  c: SymbolStrategyConfig,
  path: string,
  modules: Record<string, StrategyDefinition>,
): void {
  const module = modules[c.strategy];
  if (module) moduleParams(c.params, path, module, false);
  try {
    create(c, 'check', 'CHECK', modules);
  } catch (err) {
    if (err instanceof RangeError || module) throw new StrategyConfigError(path, (err as Error).message);
    throw err;
  }
}

/**
 * One symbol's effective config: the symbol's strategy (else the default one); parameters = the
 * strategy's built-in defaults, then `defaults.params` when the strategy is the default one (params of
 * another strategy would not fit), then the symbol's; sizing and order = the symbol's, else the default; risk =
 * the default limits with the symbol's limits merged over them key by key.
 */
export function resolveSymbolConfig(config: StrategyConfig, symbol: string): SymbolStrategyConfig {
  const own = config.symbols[symbol];
  if (!own) return config.defaults;
  const strategy = own.strategy ?? config.defaults.strategy;
  const base =
    strategy === config.defaults.strategy ? config.defaults.params : defaultParams(strategy, config.modules);
  return {
    strategy,
    params: { ...base, ...own.params },
    sizing: own.sizing ?? config.defaults.sizing,
    risk: { ...config.defaults.risk, ...own.risk },
    order: own.order ?? config.defaults.order,
  };
}

/** (venue, symbol) → that symbol's strategy wrapped in its sizing and risk gates. */
export function factoryFromConfig(config: StrategyConfig): StrategyFactory {
  return (venue, symbol) => {
    const c = resolveSymbolConfig(config, symbol);
    return new GatedStrategy(create(c, venue, symbol, config.modules), c.sizing, c.risk, c.order);
  };
}
