import { ReplayFileError } from './replay-input.ts';

/** Our names for the fields a replay file can carry. */
export type ReplayField = 'ts' | 'symbol' | 'price' | 'size' | 'side' | 'venue' | 'trade_id';

/** Maps our field names to a file's own column (CSV header) or key (NDJSON) names. */
export type ReplayColumns = Partial<Record<ReplayField, string>>;

/** Position of each of our fields among a file's column names; absent when the file lacks it. */
export type ColumnIndex = Partial<Record<ReplayField, number>>;

/** Names each field is found under when not mapped explicitly, lower case, in order of preference. */
const ALIASES: Readonly<Record<ReplayField, readonly string[]>> = {
  ts: ['ts', 'time', 'timestamp'],
  symbol: ['symbol'],
  price: ['price'],
  size: ['size', 'qty', 'quantity', 'amount'],
  side: ['side'],
  venue: ['venue'],
  trade_id: ['trade_id', 'id', 'tradeid'],
};
export const REPLAY_FIELDS = Object.keys(ALIASES) as ReplayField[];
/** A CSV header without one of these can't yield a single trade: a file error, not n bad rows. */
const REQUIRED: readonly ReplayField[] = ['ts', 'symbol', 'price', 'size'];

/**
 * A replay file's columns do not fit: a required one missing, one of unknown name, a mapping to a
 * column the file lacks. A usage error (exit 2): the file or the flags must change, not the run.
 */
export class ReplayColumnError extends ReplayFileError {
  override name = 'ReplayColumnError';
}

/** A `--columns` value that is not `field=name[,field=name…]` with our field names. */
export class ColumnMappingError extends Error {
  override name = 'ColumnMappingError';
}

/**
 * Parses `price=px,size=qty` (our field = the file's column name) into {@link ReplayColumns}.
 * Names are kept as written (trimmed); a field given twice or not one of ours is refused.
 */
export function parseColumnMapping(text: string): ReplayColumns {
  const columns: ReplayColumns = {};
  for (const pair of text.split(',')) {
    const eq = pair.indexOf('=');
    const field = pair.slice(0, eq).trim() as ReplayField;
    const name = pair.slice(eq + 1).trim();
    if (eq < 0 || name === '') {
      throw new ColumnMappingError(`"${pair}" is not field=column-name (e.g. price=px,size=qty)`);
    }
    if (!REPLAY_FIELDS.includes(field)) {
      const guess = closest(field, REPLAY_FIELDS);
      throw new ColumnMappingError(
        `"${field}" is not a field${guess ? ` (did you mean ${guess}?)` : ''}; fields: ${REPLAY_FIELDS.join(', ')}`,
      );
    }
    if (columns[field] !== undefined) throw new ColumnMappingError(`${field} is mapped twice`);
    columns[field] = name;
  }
  return columns;
}

/**
 * Finds our fields among a file's column names: an explicit mapping first (exact name, then
 * case-insensitive), else the default name and its aliases, case-insensitively.
 */
export function resolveColumns(names: readonly string[], columns: ReplayColumns = {}): ColumnIndex {
  const lower = names.map((n) => n.trim().toLowerCase());
  const index: ColumnIndex = {};
  for (const field of REPLAY_FIELDS) {
    const wanted = columns[field];
    let i = -1;
    if (wanted !== undefined) {
      i = names.indexOf(wanted);
      if (i < 0) i = lower.indexOf(wanted.trim().toLowerCase());
    } else {
      for (const alias of ALIASES[field]) {
        i = lower.indexOf(alias);
        if (i >= 0) break;
      }
    }
    if (i >= 0) index[field] = i;
  }
  return index;
}

/**
 * Resolves a CSV header and refuses one that would lose data without a word: a column mapped but
 * absent, a required field missing, a column of a name we don't know (a typo like `sdie` would
 * drop every tick's side) unless it is in `ignore`. Each message names the column and the fix.
 */
export function resolveCsvHeader(
  file: string,
  names: readonly string[],
  columns: ReplayColumns = {},
  ignore: readonly string[] = [],
): ColumnIndex {
  const index = resolveColumns(names, columns);
  for (const field of REPLAY_FIELDS) {
    const wanted = columns[field];
    if (wanted !== undefined && index[field] === undefined) {
      throw new ReplayColumnError(
        file,
        `--columns ${field}=${wanted}: the header has no column "${wanted}" (it has ${names.join(', ')})`,
      );
    }
  }
  const known = knownNames(columns, ignore);
  const nameless = names.findIndex((n) => n.trim() === '');
  if (nameless >= 0) {
    throw new ReplayColumnError(file, `header column ${nameless + 1} has no name (a trailing comma?)`);
  }
  const unknown = names.map((n) => n.trim()).filter((n) => !known.has(n.toLowerCase()));
  const missing = REQUIRED.filter((f) => index[f] === undefined);
  if (missing.length > 0) {
    // One required field missing and one column unknown: that column is most likely the field.
    const only = missing.length === 1 && unknown.length === 1 ? unknown[0] : undefined;
    const hint = missing.map((f) => `${f}=${only ?? '<name>'}`).join(',');
    const others = unknown.length > 0 ? `; columns tickflow does not know: ${unknown.join(', ')}` : '';
    throw new ReplayColumnError(
      file,
      `header ${names.join(',')} has no ${missing.join(', ')} column (map with --columns ${hint}${others})`,
    );
  }
  const problem = unknownNameProblem(names, index, columns, ignore, 'header column');
  if (problem) throw new ReplayColumnError(file, problem);
  return index;
}

/** Every name a column may have without being refused: aliases, mapped names, ignored names. */
function knownNames(columns: ReplayColumns, ignore: readonly string[]): Set<string> {
  return new Set([
    ...Object.values(ALIASES).flat(),
    ...Object.values(columns).map((n) => n.trim().toLowerCase()),
    ...ignore.map((n) => n.trim().toLowerCase()),
  ]);
}

/**
 * What is wrong with the first of `names` that is not a name we know (`what` "header column" or
 * "key"), naming the field it likely means and the flags that fix it; undefined when all are known.
 */
export function unknownNameProblem(
  names: readonly string[],
  index: ColumnIndex,
  columns: ReplayColumns = {},
  ignore: readonly string[] = [],
  what = 'key',
): string | undefined {
  const known = knownNames(columns, ignore);
  const name = names.map((n) => n.trim()).find((n) => !known.has(n.toLowerCase()));
  if (name === undefined) return undefined;
  // The fields still unfound are what an unknown name most likely meant.
  const open = REPLAY_FIELDS.filter((f) => index[f] === undefined);
  const guess = closest(name, open, ALIASES);
  const fix = `--columns ${guess ?? '<field>'}=${name} maps it, --ignore-columns ${name} skips it`;
  return `${what} "${name}" is not one tickflow knows${guess ? `: did you mean ${guess}?` : ''} (${fix}; fields: ${REPLAY_FIELDS.join(', ')})`;
}

/**
 * The candidate closest to `name` (case, `-`, `_` and spaces ignored) within an edit distance of
 * about a third of its length, or undefined. `aliases` adds other spellings of each candidate.
 */
export function closest<T extends string>(
  name: string,
  candidates: readonly T[],
  aliases?: Readonly<Partial<Record<T, readonly string[]>>>,
): T | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[-_\s]/g, '');
  const target = norm(name);
  let best: T | undefined;
  let bestDistance = Math.max(1, Math.floor(target.length / 3));
  for (const candidate of candidates) {
    for (const spelling of [candidate, ...(aliases?.[candidate] ?? [])]) {
      const d = editDistance(target, norm(spelling));
      if (d < bestDistance || (d === bestDistance && best === undefined)) {
        best = candidate;
        bestDistance = d;
      }
    }
  }
  return best;
}

/** Levenshtein distance with adjacent transpositions (`sdie` → `side` is 1). Names are short. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const up = d[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((up[j] as number) + 1, (row[j - 1] as number) + 1, (up[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, ((d[i - 2] as number[])[j - 2] as number) + 1);
      }
      row[j] = v;
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}
