/** One sample of the Prometheus text exposition format. */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * Parses the samples of a /metrics body (comments and malformed lines skipped). Enough for the
 * dashboard's feed panel; not a full implementation (no timestamps, no exemplars).
 */
export function parsePromText(text: string): PromSample[] {
  const out: PromSample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const value = Number(m[4]);
    if (Number.isNaN(value)) continue;
    // fromEntries defines own properties: a label named __proto__ cannot touch the prototype.
    const labels: Record<string, string> = Object.fromEntries(
      [...(m[3] ?? '').matchAll(LABEL)].map((l) => [
        l[1] as string,
        (l[2] as string).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c)),
      ]),
    );
    out.push({ name: m[1] as string, labels, value });
  }
  return out;
}

/** Sum of the samples named `name`, or 0 when there are none. */
export function sumOf(samples: PromSample[], name: string): number {
  let n = 0;
  for (const s of samples) if (s.name === name) n += s.value;
  return n;
}

/** Samples named `name` summed by the value of one label. */
export function sumBy(samples: PromSample[], name: string, label: string): Record<string, number> {
  // A Map: label values such as `__proto__` or `constructor` are keys like any other.
  const out = new Map<string, number>();
  for (const s of samples) {
    if (s.name !== name) continue;
    const key = Object.hasOwn(s.labels, label) ? (s.labels[label] as string) : '';
    out.set(key, (out.get(key) ?? 0) + s.value);
  }
  return Object.fromEntries(out);
}
