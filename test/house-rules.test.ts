import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The house rules of docs/ARCHITECTURE.md, held by the build instead of by memory: this test reads
 * every import of every workspace package's sources and fails naming the file and the import.
 */

const root = resolve(import.meta.dirname, '..');
const DOMAIN_LIBS = ['libs/core', 'libs/indicators', 'libs/strategy', 'libs/paper'];
/** Only these folders may import the named package. */
const OWNERS: Record<string, string[]> = {
  nats: ['libs/bus/src'],
  '@duckdb/node-api': ['libs/history/src'],
};
const IO_MODULES = [
  'fs',
  'fs/promises',
  'net',
  'http',
  'https',
  'http2',
  'child_process',
  'dgram',
  'worker_threads',
];
/** Libs that are pure but for the one module that writes their files (a report's renderings). */
const PURE_BUT_WRITER: Record<string, string> = { 'libs/report': 'libs/report/src/write.ts' };
/** The one place a domain lib may read the wall clock: the production clock that is injected. */
const CLOCK_OWNERS = ['libs/core/src/time.ts'];
const WALL_CLOCK = /\bDate\.now\(|\bnew Date\(\s*\)|\bperformance\.now\(|\bMath\.random\(/;

interface Source {
  pkg: string;
  file: string;
  text: string;
  imports: string[];
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === 'node_modules' || e.name === 'dist') return [];
    const path = join(dir, e.name);
    return e.isDirectory() ? walk(path) : /\.(ts|mts|tsx)$/.test(e.name) ? [path] : [];
  });
}

function packages(): string[] {
  return ['libs', 'services'].flatMap((group) =>
    readdirSync(join(root, group), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => `${group}/${e.name}`),
  );
}

function sources(pkg: string): Source[] {
  return walk(join(root, pkg, 'src')).map((path) => {
    const text = readFileSync(path, 'utf8');
    return { pkg, file: relative(root, path), text, imports: importsOf(text) };
  });
}

/**
 * Module specifiers of `import … from`, `export … from`, `import 'x'` and `import('x')`. A regex, not
 * a parser: TypeScript 7 has no JS API, and the sources follow the formatter's one style.
 */
const IMPORT =
  /(?:^|[\s;}])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*\(?\s*['"]([^'"]+)['"]/gm;
function importsOf(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  return [...code.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? '');
}

/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`; undefined for relative and node: imports. */
function packageName(spec: string): string | undefined {
  if (spec.startsWith('.') || spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0] ?? ''))
    return undefined;
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Tests and benches outside the packages' sources: they reach DuckDB through the adapter too. */
function testsAndBenches(): Source[] {
  const dirs = ['test', 'bench', ...packages().map((p) => `${p}/bench`)];
  return dirs
    .filter((d) => existsSync(join(root, d)))
    .flatMap((d) => walk(join(root, d)))
    .filter((path) => path !== import.meta.filename)
    .map((path) => {
      const text = readFileSync(path, 'utf8');
      return { pkg: '', file: relative(root, path), text, imports: importsOf(text) };
    });
}
const ADAPTER_ONLY = '@duckdb/node-api';

/** services/eod/src's folders in the order a day's data moves through them (docs/EOD.md). */
const EOD_SRC = 'services/eod/src';
const EOD_STAGES = ['daylog', 'load', 'analytics', 'reconcile', 'report'];
/**
 * Top-level modules of services/eod/src a stage may import: none. The driver (run.ts, close.ts) and
 * the entry points import the stages, never the other way; serve/ reads the reports from outside.
 */
const EOD_SHARED: string[] = [];
/** The stage folder a file is in, if it is in one. */
function eodStageOf(file: string): string | undefined {
  if (!file.startsWith(`${EOD_SRC}/`)) return undefined;
  const folder = file.slice(EOD_SRC.length + 1).split('/')[0] ?? '';
  return EOD_STAGES.includes(folder) ? folder : undefined;
}

const isTestFile = (file: string) => /\.(test|bench)\.ts$|[-/](testing|test-data|kit)\b/.test(file);
const all = packages().flatMap(sources);

function violations(check: (s: Source) => string[]): string[] {
  return all.flatMap((s) => check(s).map((v) => `${s.file}: ${v}`));
}

const rules = {
  libsImportNoService: (s: Source) =>
    s.pkg.startsWith('libs/')
      ? s.imports.filter(
          (i) =>
            /^@tickflow\/(feed|signals|bot|eod|cli)\b/.test(i) ||
            (i.startsWith('.') && resolve(root, s.file, '..', i).startsWith(join(root, 'services'))),
        )
      : [],
  ownedPackages: (s: Source) =>
    s.imports.filter((i) => {
      const owners = OWNERS[packageName(i) ?? ''];
      return owners !== undefined && !owners.some((o) => s.file.startsWith(`${o}/`));
    }),
  domainIsPure: (s: Source) => {
    if (!DOMAIN_LIBS.includes(s.pkg) || isTestFile(s.file)) return [];
    const io = s.imports.filter((i) => IO_MODULES.includes(i.replace(/^node:/, '')));
    const clock = !CLOCK_OWNERS.includes(s.file) && WALL_CLOCK.test(s.text) ? ['reads the wall clock'] : [];
    return [...io, ...clock];
  },
  renderingIsPure: (s: Source) => {
    const writer = PURE_BUT_WRITER[s.pkg];
    if (writer === undefined || s.file === writer || isTestFile(s.file)) return [];
    const io = s.imports.filter((i) => IO_MODULES.includes(i.replace(/^node:/, '')));
    return [...io, ...(WALL_CLOCK.test(s.text) ? ['reads the wall clock'] : [])];
  },
  eodStagesFlowOneWay: (s: Source) => {
    const stage = eodStageOf(s.file);
    if (stage === undefined) return [];
    return s.imports.filter((i) => {
      if (!i.startsWith('.')) return false;
      const target = relative(root, resolve(root, s.file, '..', i));
      const to = eodStageOf(target);
      if (to !== undefined) return EOD_STAGES.indexOf(to) > EOD_STAGES.indexOf(stage);
      return !EOD_SHARED.includes(target);
    });
  },
  declaresItsImports: (s: Source) => {
    const manifest = JSON.parse(readFileSync(join(root, s.pkg, 'package.json'), 'utf8')) as {
      name: string;
      dependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
      peerDependencies?: Record<string, string>;
    };
    const declared = new Set([
      manifest.name,
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
      ...(isTestFile(s.file) ? Object.keys(manifest.devDependencies ?? {}) : []),
    ]);
    return s.imports.flatMap((i) => {
      const name = packageName(i);
      // Tests may use the root's dev tools (vitest, fast-check, typescript) without each declaring them.
      if (name === undefined || declared.has(name) || (isTestFile(s.file) && !name.startsWith('@tickflow/')))
        return [];
      return [`imports ${name}, which ${s.pkg}/package.json does not declare`];
    });
  },
};

describe('house rules over the import graph', () => {
  it('reads the sources of every workspace package', () => {
    expect(new Set(all.map((s) => s.pkg)).size).toBeGreaterThanOrEqual(11);
    expect(all.length).toBeGreaterThan(200);
  });

  it('keeps libs from importing services', () => {
    expect(violations(rules.libsImportNoService)).toEqual([]);
  });

  it('lets only libs/bus import nats and only the DuckDB adapter import @duckdb/node-api', () => {
    expect(violations(rules.ownedPackages)).toEqual([]);
  });

  it('has tests and benches reach DuckDB through @tickflow/history, never @duckdb/node-api itself', () => {
    const outside = testsAndBenches();
    expect(outside.length).toBeGreaterThan(50);
    expect(
      outside.flatMap((s) =>
        s.imports.filter((i) => packageName(i) === ADAPTER_ONLY).map((i) => `${s.file}: ${i}`),
      ),
    ).toEqual([]);
  });

  it('keeps the domain libs free of I/O and of the wall clock', () => {
    expect(violations(rules.domainIsPure)).toEqual([]);
  });

  it('keeps @tickflow/report pure but for its file writer', () => {
    expect(violations(rules.renderingIsPure)).toEqual([]);
  });

  it('has every package declare what it imports', () => {
    expect(violations(rules.declaresItsImports)).toEqual([]);
  });

  it('moves a day through services/eod/src one way: daylog, load, analytics, reconcile, report', () => {
    for (const stage of EOD_STAGES)
      expect(all.filter((s) => eodStageOf(s.file) === stage).length, stage).toBeGreaterThan(0);
    expect(violations(rules.eodStagesFlowOneWay)).toEqual([]);
  });

  it('catches a planted violation of each rule', () => {
    const planted = (pkg: string, file: string, text: string): Source => ({
      pkg,
      file,
      text,
      imports: importsOf(text),
    });
    expect(
      rules.libsImportNoService(planted('libs/core', 'libs/core/src/x.ts', "import '@tickflow/eod';")),
    ).toEqual(['@tickflow/eod']);
    expect(
      rules.ownedPackages(
        planted('services/feed', 'services/feed/src/x.ts', "import { connect } from 'nats';"),
      ),
    ).toEqual(['nats']);
    expect(
      rules.ownedPackages(planted('libs/bus', 'libs/bus/src/x.ts', "import '@duckdb/node-api';")),
    ).toEqual(['@duckdb/node-api']);
    expect(
      rules.domainIsPure(
        planted('libs/paper', 'libs/paper/src/x.ts', "import { readFileSync } from 'node:fs';\nDate.now();"),
      ),
    ).toEqual(['node:fs', 'reads the wall clock']);
    expect(
      rules.renderingIsPure(
        planted('libs/report', 'libs/report/src/html.ts', "import { writeFileSync } from 'node:fs';"),
      ),
    ).toEqual(['node:fs']);
    expect(
      rules.renderingIsPure(
        planted('libs/report', 'libs/report/src/write.ts', "import { writeFileSync } from 'node:fs';"),
      ),
    ).toEqual([]);
    expect(rules.declaresItsImports(planted('libs/core', 'libs/core/src/x.ts', "import 'fastify';"))).toEqual(
      ['imports fastify, which libs/core/package.json does not declare'],
    );
    const eod = (file: string, text: string) =>
      rules.eodStagesFlowOneWay(planted('services/eod', `services/eod/src/${file}`, text));
    expect(eod('analytics/x.ts', "import type { Report } from '../report/report.ts';")).toEqual([
      '../report/report.ts',
    ]);
    expect(eod('daylog/x.ts', "import { closeDay } from '../close.ts';")).toEqual(['../close.ts']);
    expect(eod('report/x.ts', "import { startEodServer } from '../serve/serve.ts';")).toEqual([
      '../serve/serve.ts',
    ]);
    expect(eod('reconcile/x.ts', "import { plainDec } from '../analytics/sql.ts';")).toEqual([]);
  });
});
