import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import {
  bool,
  ConfigError,
  type ConfigOf,
  int,
  loadStrategyModule,
  optionalStr,
  str,
} from '@tickflow/runtime';
import { StrategyFileError, validateParams } from '@tickflow/strategy';
import { checkContract, contractTicks } from './strategy-contract.ts';
import { fill, STARTER_CONFIG, STARTER_MODULE, STARTER_TEST } from './strategy-starter-kit.ts';

/** `strategy check` exit codes (also in its --help and docs/STRATEGIES.md). */
export const CHECK_EXIT = { pass: 0, failed: 1, usage: 2 } as const;

const dir = str({
  flag: 'dir',
  env: 'TICKFLOW_STRATEGY_DIR',
  description: 'directory of strategy modules',
  default: 'strategies',
});

export const strategyNewSpec = {
  dir,
  force: bool({
    flag: 'force',
    env: 'TICKFLOW_STRATEGY_FORCE',
    description: 'overwrite files that exist',
    default: false,
  }),
};

export const strategyCheckSpec = {
  dir,
  params: optionalStr({
    flag: 'params',
    env: 'TICKFLOW_STRATEGY_PARAMS',
    description: "parameters as JSON, e.g. '{\"fast\":5}' (default: the schema's defaults)",
  }),
  ticks: int({
    flag: 'ticks',
    env: 'TICKFLOW_STRATEGY_TICKS',
    description: 'ticks per symbol of the test market (two symbols)',
    default: 20_000,
    min: 100,
    max: 10_000_000,
  }),
};

const NAME = /^[a-z][a-z0-9-]{0,62}$/;

/** Writes <dir>/<name>.ts, its test and a config naming it; returns the lines to print. */
export function strategyNew(name: string, c: ConfigOf<typeof strategyNewSpec>): string {
  if (!NAME.test(name))
    throw new ConfigError([`strategy name ${JSON.stringify(name)}: use lower case letters, digits and '-'`]);
  const files = [
    [`${name}.ts`, STARTER_MODULE],
    [`${name}.test.ts`, STARTER_TEST],
    [`${name}.json`, STARTER_CONFIG],
  ] as const;
  const target = resolve(c.dir);
  const existing = files.filter(([f]) => existsSync(join(target, f))).map(([f]) => join(c.dir, f));
  if (existing.length && !c.force)
    throw new ConfigError([`${existing.join(', ')} exist(s): pick another name or pass --force`]);
  mkdirSync(target, { recursive: true });
  for (const [file, template] of files) writeFileSync(join(target, file), fill(template, name));
  const shown = (f: string) => relative(process.cwd(), join(target, f)) || f;
  return [
    `wrote ${shown(`${name}.ts`)} (the rule), ${shown(`${name}.test.ts`)} (its test), ${shown(`${name}.json`)} (a config naming it)`,
    'next:',
    `  tickflow strategy check ${shown(`${name}.ts`)}`,
    `  tickflow signals --strategies ${shown(`${name}.json`)}`,
    '',
  ].join('\n');
}

/** The module a `strategy check` argument names: a path, or a name looked up in --dir. */
function moduleFile(target: string, directory: string): string {
  if (target.includes('/') || /\.m?[jt]s$/.test(target)) return target;
  for (const ext of ['.ts', '.mts', '.js', '.mjs']) {
    const file = join(directory, `${target}${ext}`);
    if (existsSync(file)) return file;
  }
  throw new StrategyFileError(`no strategy module ${target}.{ts,mts,js,mjs} in ${directory}`);
}

/** Runs the contract on a module; prints what passed and what failed; returns the exit code. */
export async function strategyCheck(
  target: string,
  c: ConfigOf<typeof strategyCheckSpec>,
  out: (line: string) => void,
): Promise<number> {
  const file = moduleFile(target, c.dir);
  const definition = await loadStrategyModule(file);
  let raw: unknown = {};
  if (c.params !== undefined) {
    try {
      raw = JSON.parse(c.params);
    } catch (err) {
      throw new ConfigError([`--params: not JSON: ${(err as Error).message}`]);
    }
  }
  const checked = validateParams(definition.params, raw);
  if ('error' in checked)
    throw new ConfigError([`--params.${checked.error.key}: ${checked.error.problem}`.replace('.:', ':')]);
  out(`tickflow strategy check ${file}: ${definition.name} ${JSON.stringify(checked.params)}`);
  const ticks = contractTicks(c.ticks);
  const { results, ticksPerSecond } = checkContract(definition, checked.params, ticks);
  for (const r of results) out(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.name}: ${r.detail}`);
  out(`  speed: ${Math.round(ticksPerSecond).toLocaleString('en-US')} ticks/s (${ticks.length} ticks)`);
  const failed = results.filter((r) => !r.ok).length;
  out(failed ? `FAILED: ${failed} of ${results.length} checks` : `PASSED: ${results.length} checks`);
  return failed ? CHECK_EXIT.failed : CHECK_EXIT.pass;
}
