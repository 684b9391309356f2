import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { table, textColumn } from './table.ts';
import { schemaPathFor, writeCsvFiles, writeJsonWithSchema } from './write.ts';

const dir = mkdtempSync(join(tmpdir(), 'tickflow-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeJsonWithSchema', () => {
  it('writes the JSON and its schema beside it as <name>.schema.json, indented, newline-terminated', () => {
    const schema = { type: 'object', properties: { n: { type: 'integer' } } };
    const paths = writeJsonWithSchema(join(dir, 'result.json'), { n: 1 }, schema);
    expect(paths).toEqual({ json: join(dir, 'result.json'), schema: join(dir, 'result.schema.json') });
    expect(readFileSync(paths.json, 'utf8')).toBe('{\n  "n": 1\n}\n');
    expect(JSON.parse(readFileSync(paths.schema, 'utf8'))).toEqual(schema);
  });

  it('names the schema file after the JSON file', () => {
    expect(schemaPathFor('/r/2026-05-04/report.json')).toBe('/r/2026-05-04/report.schema.json');
    expect(schemaPathFor('out/data')).toBe('out/data.schema.json');
  });
});

describe('writeCsvFiles', () => {
  it('writes <dir>/<name>.csv per table and returns the paths in order', () => {
    const t = (name: string) => table(name, name, [textColumn('a', 'a')], [{ a: `x,${name}` }]);
    const paths = writeCsvFiles(dir, [t('one'), t('two')]);
    expect(paths).toEqual([join(dir, 'one.csv'), join(dir, 'two.csv')]);
    expect(readFileSync(join(dir, 'two.csv'), 'utf8')).toBe('a\r\n"x,two"\r\n');
  });
});
