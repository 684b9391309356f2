import { ConfigError } from '@tickflow/runtime/internal';

/**
 * `--grid` and `--walk-forward` syntax (also in --help and docs/STRATEGIES.md):
 *
 *   --grid 'fast=5..20:5,slow=20..60:10'   parameters separated by commas; each `name=values`
 *     lo..hi:step   lo, lo+step, … up to hi included (step defaults to 1; decimals allowed)
 *     a|b|c         a list (numbers, or words such as `seed=first|sma`)
 *     v             one value
 *   A name is a strategy parameter (`fast`), or `SYMBOL.name` for one symbol's section.
 *   --walk-forward 'train=5d,test=1d'      training and test windows in days
 *
 * Combinations come in grid order: the first parameter varies slowest.
 */

export type GridValue = number | string;
export type Combination = Record<string, GridValue>;

export interface GridParam {
  name: string;
  values: GridValue[];
}

export interface WalkForwardSpec {
  trainDays: number;
  testDays: number;
}

/** More combinations than this is a typo (a step of 1 where 10 was meant), not a plan. */
export const MAX_COMBINATIONS = 10_000;
const NAME = /^(?:[A-Z0-9][A-Z0-9:/_-]*\.)?[A-Za-z_][A-Za-z0-9_]*$/;
const NUMBER = /^-?\d+(?:\.\d+)?$/;
const WORD = /^[A-Za-z0-9_.-]+$/;

const usage = (problem: string) => new ConfigError([`--grid: ${problem}`]);

/** Decimal places of a number as written (`0.25` → 2), so `0.1` steps do not drift to 0.30000000000000004. */
const places = (s: string) => (s.includes('.') ? (s.split('.')[1] as string).length : 0);

function rangeValues(name: string, text: string): number[] {
  const m = /^(-?\d+(?:\.\d+)?)\.\.(-?\d+(?:\.\d+)?)(?::(\d+(?:\.\d+)?))?$/.exec(text);
  if (!m) throw usage(`${name}=${text}: expected lo..hi:step, e.g. ${name}=5..20:5`);
  const [lo, hi, step = '1'] = [m[1] as string, m[2] as string, m[3]];
  const [a, b, s] = [Number(lo), Number(hi), Number(step)];
  if (s <= 0) throw usage(`${name}=${text}: the step must be > 0`);
  if (b < a) throw usage(`${name}=${text}: ${hi} is below ${lo}`);
  const digits = Math.max(places(lo), places(hi), places(step));
  const n = Math.floor((b - a) / s + 1e-9) + 1;
  if (n > MAX_COMBINATIONS) throw usage(`${name}=${text}: ${n} values; at most ${MAX_COMBINATIONS}`);
  return Array.from({ length: n }, (_, i) => Number((a + i * s).toFixed(digits)));
}

function listValues(name: string, text: string): GridValue[] {
  return text.split('|').map((v) => {
    if (NUMBER.test(v)) return Number(v);
    if (WORD.test(v)) return v;
    throw usage(`${name}: ${JSON.stringify(v)} is not a number or a word`);
  });
}

/** The parameters of a --grid value, or a ConfigError (exit 2) saying what is wrong. */
export function parseGrid(text: string): GridParam[] {
  if (text.trim() === '') throw usage('empty; expected e.g. fast=5..20:5,slow=20..60:10');
  const params: GridParam[] = [];
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    const name = part.slice(0, eq).trim();
    const values = part.slice(eq + 1).trim();
    if (eq < 0 || values === '')
      throw usage(`${JSON.stringify(part)}: expected name=lo..hi:step or name=a|b|c`);
    if (!NAME.test(name))
      throw usage(`${JSON.stringify(name)} is not a parameter name (a word, or SYMBOL.word)`);
    if (params.some((p) => p.name === name)) throw usage(`${name} is given twice`);
    const parsed = values.includes('..') ? rangeValues(name, values) : listValues(name, values);
    if (new Set(parsed).size !== parsed.length) throw usage(`${name}=${values}: a value repeats`);
    params.push({ name, values: parsed });
  }
  const count = params.reduce((n, p) => n * p.values.length, 1);
  if (count > MAX_COMBINATIONS) throw usage(`${count} combinations; at most ${MAX_COMBINATIONS}`);
  return params;
}

/** Every combination, the first parameter varying slowest. */
export function combinations(params: readonly GridParam[]): Combination[] {
  let out: Combination[] = [{}];
  for (const p of params) out = out.flatMap((c) => p.values.map((v) => ({ ...c, [p.name]: v })));
  return out;
}

/** `train=5d,test=1d` (the `d` may be left out), or a ConfigError (exit 2). */
export function parseWalkForward(text: string): WalkForwardSpec {
  const m = /^\s*train=(\d+)d?\s*,\s*test=(\d+)d?\s*$/.exec(text);
  const train = Number(m?.[1]);
  const test = Number(m?.[2]);
  if (!m || train < 1 || test < 1)
    throw new ConfigError([
      `--walk-forward: expected train=<days>d,test=<days>d with both ≥ 1, e.g. train=5d,test=1d; got ${JSON.stringify(text)}`,
    ]);
  return { trainDays: train, testDays: test };
}

/** "fast=5 slow=20": a combination as people write it. */
export const describeCombination = (c: Combination) =>
  Object.entries(c)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
