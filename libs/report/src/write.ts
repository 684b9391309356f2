import { writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { toCsv } from './csv.ts';
import type { ReportTable } from './table.ts';

/**
 * The report files a batch command writes. The one module of this lib that touches the disk: the
 * rest is pure (house-rules test).
 */

/** A value as the JSON files are written: two-space indented, one final newline. */
export const jsonText = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** `dir/report.json` → `dir/report.schema.json`: where a JSON file's schema is written. */
export function schemaPathFor(jsonPath: string): string {
  const name = basename(jsonPath).replace(/\.json$/, '');
  return join(dirname(jsonPath), `${name}.schema.json`);
}

/**
 * Writes `value` to `jsonPath` and `schema` (a JSON Schema object, e.g. a TypeBox type) beside it
 * as `<name>.schema.json`, so a reader of the file finds its contract next to it.
 */
export function writeJsonWithSchema(
  jsonPath: string,
  value: unknown,
  schema: object,
): { json: string; schema: string } {
  const schemaPath = schemaPathFor(jsonPath);
  writeFileSync(jsonPath, jsonText(value));
  writeFileSync(schemaPath, jsonText(schema));
  return { json: jsonPath, schema: schemaPath };
}

/** Writes `<dir>/<table>.csv` for each table; returns the paths. */
export function writeCsvFiles(dir: string, tables: readonly ReportTable[]): string[] {
  return tables.map((t) => {
    const path = join(dir, `${t.name}.csv`);
    writeFileSync(path, toCsv(t));
    return path;
  });
}
