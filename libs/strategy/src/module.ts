import type { Decision, DecisionAction, Micros, Tick } from '@tickflow/core';
import type { Static, TObject } from 'typebox';
import Value from 'typebox/value';
import { makeDecision } from './internal.ts';
import type { Strategy } from './strategy.ts';

/**
 * A strategy written in a user's own file (docs/STRATEGIES.md): its name, the TypeBox schema of its
 * parameters, and how to make one instance per venue+symbol. The module's default export.
 */
export interface StrategyDefinition<P extends TObject = TObject> {
  /** The decisions' `strategy` and the first part of their ids: lower case, digits and '-'. */
  name: string;
  /** JSON Schema (TypeBox) of the parameters; its `default`s fill what a config leaves out. */
  params: P;
  /** One instance for one venue+symbol, with parameters the schema has validated. */
  create(venue: string, symbol: string, params: Static<P>): Strategy;
}

const NAME = /^[a-z][a-z0-9-]{0,62}$/;

/** Why `x` is not a StrategyDefinition, or undefined when it is one. */
export function definitionProblem(x: unknown): string | undefined {
  if (typeof x !== 'object' || x === null) return 'the default export is not an object (use defineStrategy)';
  const d = x as Partial<StrategyDefinition>;
  if (typeof d.name !== 'string' || !NAME.test(d.name))
    return `name must be lower case letters, digits and '-' (got ${JSON.stringify(d.name)})`;
  if (typeof d.params !== 'object' || d.params === null || d.params.type !== 'object')
    return 'params must be a TypeBox object schema, e.g. Type.Object({ fast: Type.Integer() })';
  if (typeof d.create !== 'function') return 'create must be a function (venue, symbol, params) => Strategy';
  return undefined;
}

/** Declares a strategy module's default export (types the parameters from the schema). */
export function defineStrategy<P extends TObject>(definition: StrategyDefinition<P>): StrategyDefinition<P> {
  const problem = definitionProblem(definition);
  if (problem) throw new TypeError(`defineStrategy: ${problem}`);
  return definition;
}

/**
 * The decision a rule returns, in the shape of every built-in's: id `<name>:<venue>:<symbol>:<seq>`
 * (a replay re-emits the same id), the tick's price as refPrice, `now` as decidedAt. Its qty is a
 * placeholder: the config's sizing sets the qty of every decision.
 */
export function decide(
  name: string,
  tick: Tick,
  now: Micros,
  action: DecisionAction,
  reason: string,
  indicators: Record<string, number> = {},
): Decision {
  return makeDecision(name, tick, now, action, '1', reason, indicators);
}

/** The values the schema's `default`s give (parameters without one are absent). */
export function schemaDefaults(schema: TObject): Record<string, unknown> {
  return Value.Default(schema, {}) as Record<string, unknown>;
}

/** One bad parameter: where (instance path as dots) and what the schema wanted. */
export interface ParamProblem {
  key: string;
  problem: string;
}

/**
 * The parameters with the schema's defaults filled in, or the first problem (unknown keys are
 * refused, as everywhere in a config file). Never throws.
 */
export function validateParams(
  schema: TObject,
  raw: unknown,
): { params: Record<string, unknown> } | { error: ParamProblem } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { error: { key: '', problem: 'must be an object' } };
  const known = Object.keys(schema.properties);
  const unknown = Object.keys(raw).find((k) => !known.includes(k));
  if (unknown !== undefined)
    return { error: { key: unknown, problem: `unknown parameter (expected one of ${known.join(', ')})` } };
  const params = Value.Default(schema, structuredClone(raw)) as Record<string, unknown>;
  const first = Value.Errors(schema, params)[0];
  if (!first) return { params };
  const key = first.instancePath.split('/').filter(Boolean).join('.');
  const missing =
    first.keyword === 'required' ? (first.params as { requiredProperties?: string[] }) : undefined;
  if (missing?.requiredProperties?.length)
    return {
      error: { key: missing.requiredProperties[0] ?? '', problem: 'required (the schema has no default)' },
    };
  return { error: { key, problem: describe(schema, key, first.message) } };
}

/** "must be >= 1" → "expected integer >= 1": the schema's type said with the failed rule. */
function describe(schema: TObject, key: string, message: string): string {
  const property = schema.properties[key.split('.')[0] ?? ''] as
    | { type?: unknown; anyOf?: { const?: unknown }[] }
    | undefined;
  const choices = property?.anyOf?.map((s) => s.const);
  if (choices?.length && choices.every((c) => c !== undefined))
    return `expected one of ${choices.map((c) => JSON.stringify(c)).join(', ')}`;
  const type = typeof property?.type === 'string' ? property.type : undefined;
  const rule = message.replace(/^must (be )?/, '');
  if (type && !rule.includes(type)) return `expected ${type} ${rule}`;
  return `expected ${rule}`;
}
