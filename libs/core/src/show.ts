/**
 * Renders any untrusted value for an error message without ever throwing (JSON.stringify throws
 * on a BigInt or a cycle) and without flooding a log line: at most `max` characters.
 */
export function show(value: unknown, max = 120): string {
  let text: string;
  if (typeof value === 'bigint') text = `${value}n`;
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = Object.prototype.toString.call(value);
    }
  }
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
