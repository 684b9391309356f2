import { DuckDBInstance } from '@duckdb/node-api';
import { closeDay } from './services/eod/src/index.ts';
import { strategySetup } from '@tickflow/strategy';
const inst = await DuckDBInstance.create('/tmp/tickflow-eod-bench-6723/tickflow.duckdb');
const c = await inst.connect();
for (const m of ['run', 'runAndReadAll', 'runAndRead', 'stream', 'streamAndReadAll'] as const) {
  const orig = (c as any)[m].bind(c);
  (c as any)[m] = async (sql: string, ...a: unknown[]) => { const s = performance.now(); const r = await orig(sql, ...a); const ms = performance.now() - s; if (ms > 80) console.log(m, Math.round(ms), sql.replace(/\s+/g, ' ').slice(0, 140)); return r; };
}
const setup = strategySetup(undefined, { fast: 10, slow: 30, qty: '1' });
let at = performance.now();
await closeDay(c, { date: '2026-01-05', database: 'x', archiveDir: undefined, reportsDir: '/tmp/exp7-reports', factory: setup.factory, load: { ticks: 0 } as any,
  onStep: (s) => { console.log('STEP', s, Math.round(performance.now() - at)); at = performance.now(); } });
console.log('end', Math.round(performance.now() - at));
