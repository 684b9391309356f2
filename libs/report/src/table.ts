/**
 * A table laid out once for every format: CSV gets the raw records, Markdown and HTML the display
 * rows. Pure: values in, values out.
 */

/** A raw value: exact decimals stay strings, counts and estimates are numbers, missing is null. */
export type Cell = string | number | null;

export interface Column {
  key: string;
  label: string;
  /** Right-aligned in Markdown and HTML. */
  numeric?: boolean;
  /** How a person reads the value (Markdown, HTML); CSV always gets the raw value. */
  show?: (v: Cell) => string;
}

/** One table of a report, laid out once for Markdown, HTML and CSV. */
export interface ReportTable {
  /** CSV file name without extension. */
  name: string;
  title: string;
  columns: Column[];
  records: Record<string, Cell>[];
  /** Display cells, in column order. */
  rows: string[][];
}

/** A fraction shown as a percentage with two decimals; null as n/a. */
export const percent = (v: Cell) => (v === null ? 'n/a' : `${(Number(v) * 100).toFixed(2)} %`);
/** A number shown with `dp` decimals; null as n/a. */
export const fixedDigits = (dp: number) => (v: Cell) => (v === null ? 'n/a' : Number(v).toFixed(dp));
/** A right-aligned column, shown as is unless `show` formats it. */
export const numericColumn = (key: string, label: string, show?: Column['show']): Column => ({
  key,
  label,
  numeric: true,
  show,
});
export const textColumn = (key: string, label: string): Column => ({ key, label });

/**
 * A table of `records` (objects whose `columns` keys hold Cells; other keys are ignored): display
 * rows are computed here, once, with each column's `show` (missing values shown empty).
 */
export function table(
  name: string,
  title: string,
  columns: Column[],
  records: readonly object[],
): ReportTable {
  const recs = records as Record<string, Cell>[];
  return {
    name,
    title,
    columns,
    records: recs,
    rows: recs.map((r) =>
      columns.map((c) => {
        const v = r[c.key] ?? null;
        return c.show ? c.show(v) : v === null ? '' : String(v);
      }),
    ),
  };
}
