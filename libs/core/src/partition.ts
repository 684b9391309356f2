/**
 * Which of `n` partitions a venue+symbol belongs to: FNV-1a (32-bit) of `venue:symbol`, mod n.
 * Deterministic everywhere (any language can compute it), so N signals instances split the symbols
 * without overlap or gaps, and an operator can tell which instance owns a symbol.
 */
export function partitionOf(venue: string, symbol: string, n: number): number {
  let h = 0x811c9dc5;
  const key = `${venue}:${symbol}`;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % n;
}

export class PartitionSpecError extends Error {
  override name = 'PartitionSpecError';
}

/** Parses `i/n` (0 ≤ i < n ≤ 1024), e.g. `0/2`. */
export function parsePartition(spec: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(spec);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || count > 1024 || index >= count) {
    throw new PartitionSpecError(
      `partition must be i/n with 0 <= i < n <= 1024, got ${JSON.stringify(spec)}`,
    );
  }
  return { index, count };
}
