/**
 * For sibling packages' tests and benches only (as nats.js keeps internal_mod.ts): what the public
 * entry does not promise. The raw DuckDB connection is here for a bench measuring DuckDB's own
 * rates and for tests planting what the adapter never writes (an old or a newer file).
 */

export { duckdbConnection } from './connection.ts';
export * from './index.ts';
export { stagingColumns } from './schema.ts';
export { doubles } from './tick-readback.ts';
