import type { Tick } from './types.ts';

/**
 * The tick's wire layout, declared once: the fields of a TICKS message in the order the feed
 * writes them, how each value is written, which may be absent, and each field's column in the day
 * log's CSV and the ticks table. The feed's JSON encoder (`encodeValidTick`), the byte decoder
 * (`decodeTick`) and the archiver's byte scan take their key text from it, the day log's CSV
 * header and column types derive from it. Those hot paths are spelled out field by field for
 * speed: tsc ties them to `Tick` (and `Tick` to this list, below), and
 * services/eod/src/tick-wire.test.ts holds every direction equal for random valid ticks.
 */

/**
 * How a value is written in the JSON: `int`, a bare non-negative integer; `string`, a quoted
 * printable-ASCII string without escapes (what a valid tick's venue, symbol, decimals and side are).
 */
export type TickFieldKind = 'int' | 'string';

export interface TickField {
  readonly name: keyof Tick;
  readonly kind: TickFieldKind;
  /** May be absent from the message (then written as an empty CSV field, NULL in the table). */
  readonly optional: boolean;
  /** The field's column in the day log's CSV and the ticks table; none for the version. */
  readonly column: string | undefined;
}

export const TICK_FIELDS = [
  { name: 'v', kind: 'int', optional: false, column: undefined },
  { name: 'venue', kind: 'string', optional: false, column: 'venue' },
  { name: 'symbol', kind: 'string', optional: false, column: 'symbol' },
  { name: 'seq', kind: 'int', optional: false, column: 'seq' },
  { name: 'ts', kind: 'int', optional: false, column: 'ts' },
  { name: 'price', kind: 'string', optional: false, column: 'price' },
  { name: 'size', kind: 'string', optional: false, column: 'size' },
  { name: 'side', kind: 'string', optional: true, column: 'side' },
  { name: 'recvTs', kind: 'int', optional: false, column: 'recv_ts' },
] as const satisfies readonly TickField[];

export type TickFieldName = (typeof TICK_FIELDS)[number]['name'];

// The list and the `Tick` type cannot drift apart: tsc fails here unless the list names every
// field of Tick exactly once, optional exactly where Tick's is, `int` exactly where it is a number.
type Listed = (typeof TICK_FIELDS)[number];
type ValueOf<F extends Listed> = F['kind'] extends 'int' ? number : string;
/**
 * A tick's fields as the layout types them: any number for `v`, any string for `side`. What the
 * JSON encoder takes and the byte decoder returns; `validateTick` narrows it to a `Tick`.
 */
export type WireTick = { [F in Listed as F['optional'] extends true ? never : F['name']]: ValueOf<F> } & {
  [F in Listed as F['optional'] extends true ? F['name'] : never]?: ValueOf<F>;
};
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type OptionalKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? K : never }[keyof T];
type Widened = {
  [K in keyof Tick]: Tick[K] extends number ? number : Tick[K] extends string | undefined ? string : never;
};
/** An optional field has the kind of the field before it (see TICK_JSON_BEFORE). */
type OptionalClosesAsBefore<T extends readonly Listed[]> = T extends readonly [
  infer A extends Listed,
  infer B extends Listed,
  ...infer Rest extends readonly Listed[],
]
  ? B['optional'] extends true
    ? Same<A['kind'], B['kind']> extends true
      ? OptionalClosesAsBefore<readonly [B, ...Rest]>
      : false
    : OptionalClosesAsBefore<readonly [B, ...Rest]>
  : true;
type First = (typeof TICK_FIELDS)[0];
type Last = typeof TICK_FIELDS extends readonly [...unknown[], infer L extends Listed] ? L : never;
const layoutMatchesTick: [
  Same<keyof Tick, TickFieldName>,
  Same<OptionalKeys<Tick>, OptionalKeys<WireTick>>,
  Same<Required<Widened>, Required<WireTick>>,
  // A message opens with the first field and closes after the last: both are always there.
  Same<[First['optional'], Last['optional']], [false, false]>,
  OptionalClosesAsBefore<typeof TICK_FIELDS>,
] = [true, true, true, true, true];
void layoutMatchesTick;

/** The fields that are CSV columns, in column order (after `stream_seq`). */
export const TICK_COLUMN_FIELDS = TICK_FIELDS.filter(
  (f): f is Extract<Listed, { column: string }> => f.column !== undefined,
);

/** DuckDB type of a field's column: integers are BIGINT; strings stay VARCHAR, so no decimal rounds. */
export const tickColumnType = (f: TickField): 'BIGINT' | 'VARCHAR' =>
  f.kind === 'int' ? 'BIGINT' : 'VARCHAR';

const byName = <T>(value: (f: (typeof TICK_FIELDS)[number]) => T) =>
  Object.fromEntries(TICK_FIELDS.map((f) => [f.name, value(f)])) as Record<TickFieldName, T>;

const closing = (f: TickField) => (f.kind === 'string' ? '"' : '');

/**
 * The JSON text before each field's value: the previous field's closing quote, if a string, then
 * `{` for the first field or `,`, the key, and the value's opening quote if a string — `{"v":`,
 * `,"venue":"`, `","symbol":"`, `","seq":`, … `","recvTs":`. An optional field closes as the
 * field before it does, so the next one's text is the same whether it is there or not.
 */
export const TICK_JSON_BEFORE = byName((f) => {
  const i = TICK_FIELDS.indexOf(f);
  const previous = TICK_FIELDS[i - 1];
  return `${previous ? `${closing(previous)},` : '{'}"${f.name}":${f.kind === 'string' ? '"' : ''}`;
});

/** The JSON text after the last field's value. */
export const TICK_JSON_END = `${closing(TICK_FIELDS[TICK_FIELDS.length - 1] as TickField)}}`;

/** The bytes of each field's key, `"name":`, as the byte readers match them. */
export const TICK_JSON_KEYS = byName((f) => Uint8Array.from(`"${f.name}":`, (c) => c.charCodeAt(0)));
