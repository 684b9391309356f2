import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { Bus } from '@tickflow/bus';
import { MICROS_PER_DAY, utcDateOf } from '@tickflow/core';
import { createLogger, type Logger, readSettingFile } from '@tickflow/runtime';
import { strategySetup } from '@tickflow/strategy';
import { rejectCounts, symbolAnalytics, unmarkedFills } from './analytics.ts';
import { collectDay } from './collect.ts';
import type { EodConfig } from './config.ts';
import { DayLoader } from './loader.ts';
import { reconcileDecisions } from './reconcile.ts';
import { buildReport, type Report, renderMarkdown } from './report.ts';

export interface EodResult {
  report: Report;
  paths: { json: string; markdown: string; database: string };
}

/** The last completed UTC day before `nowMs`. */
export function lastCompletedUtcDay(nowMs = Date.now()): string {
  return utcDateOf(nowMs * 1000 - MICROS_PER_DAY);
}

/**
 * End of day for one date: JetStream → DuckDB (staged, one transaction, replacing the date) →
 * analytics and reconciliation in DuckDB → reports/<date>/report.json and report.md.
 */
export async function runEod(
  config: EodConfig,
  log: Logger = createLogger('eod', config.logLevel),
): Promise<EodResult> {
  const date = config.date ?? lastCompletedUtcDay();
  // The batch recomputation must run the very strategies the speed layer ran.
  const setup = strategySetup(
    config.strategies === undefined ? undefined : readSettingFile(config.strategies, 'strategies'),
    {
      fast: config.fast,
      slow: config.slow,
      qty: config.qty,
    },
  );
  const database = resolve(config.db ?? join(config.dataDir, 'tickflow.duckdb'));
  mkdirSync(resolve(database, '..'), { recursive: true });
  const bus = await Bus.connect({ url: config.natsUrl, name: 'tickflow-eod' });
  const instance = await DuckDBInstance.create(database);
  const conn = await instance.connect();
  try {
    await bus.ensureStreams();
    const started = Date.now();
    const loader = await DayLoader.open(conn, date);
    const watermarks = await collectDay(bus, loader);
    await loader.commit(watermarks);
    log.info({ date, ...loader.counts, ms: Date.now() - started }, 'loaded into DuckDB');
    const report = buildReport({
      date,
      database,
      generatedAt: new Date(),
      load: { ...loader.counts, watermarks },
      symbols: await symbolAnalytics(conn, date),
      rejects: await rejectCounts(conn, date),
      unmarkedFills: await unmarkedFills(conn, date),
      decisions: await reconcileDecisions(conn, date, setup.factory),
    });
    const dir = resolve(config.reportsDir, date);
    mkdirSync(dir, { recursive: true });
    const paths = { json: join(dir, 'report.json'), markdown: join(dir, 'report.md'), database };
    writeFileSync(paths.json, `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(paths.markdown, renderMarkdown(report));
    log.info({ date, json: paths.json, ms: Date.now() - started }, 'report written');
    return { report, paths };
  } finally {
    conn.closeSync();
    instance.closeSync();
    await bus.drain();
  }
}
