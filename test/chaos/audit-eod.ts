import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Dec } from '@tickflow/core';
import type { Audit } from './audit-ticks.ts';
import { TICKFLOW_BIN } from './processes.ts';

/** The parts of an end-of-day report (services/eod/src/report/report.ts) the audits read. */
interface ReportPart {
  pnl: { total: string };
  load: { ticks: number; decisions: number; fills: number };
  quality: { missingSeqs: number; duplicates: number; outOfOrder: number };
  reconciliation: {
    clean: boolean;
    decisions: { matched: number; missing: number; extra: number; differing: number };
    fills: { matched: number; missing: number; extra: number; differing: number };
    pnl: { equal: boolean };
  };
}

export interface EodOutcome {
  path: 'JetStream' | 'day log';
  exitCode: number | null;
  report?: ReportPart;
  log: string;
}

/**
 * `tickflow eod run --date <date>` as its own process, from JetStream or (`fromLog`) from the day
 * log the archiver wrote, alone (`--skip-backfill`: what the log holds, nothing read from NATS to
 * make up for it). Each path has its own DuckDB file and reports directory.
 */
export async function runEod(opts: {
  date: string;
  natsUrl: string;
  dataDir: string;
  out: string;
  fromLog: boolean;
}): Promise<EodOutcome> {
  const tag = opts.fromLog ? 'log' : 'js';
  const reportsDir = join(opts.out, `reports-${tag}`);
  const log = join(opts.out, 'logs', `eod-run-${tag}.log`);
  const args = [
    ...['eod', 'run', '--date', opts.date, '--data-dir', opts.dataDir],
    ...['--db', join(opts.out, `eod-${tag}.duckdb`), '--reports-dir', reportsDir, '--skip-archive'],
    ...(opts.fromLog ? ['--from-log', '--skip-backfill'] : []),
  ];
  const fd = openSync(log, 'w');
  const child = spawn(process.execPath, [TICKFLOW_BIN, ...args], {
    env: { ...process.env, NATS_URL: opts.natsUrl },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const exitCode = await new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const file = join(reportsDir, opts.date, 'report.json');
  const report = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ReportPart) : undefined;
  return { path: opts.fromLog ? 'day log' : 'JetStream', exitCode, log, ...(report ? { report } : {}) };
}

const breaks = (r: ReportPart['reconciliation']) =>
  `decisions matched ${r.decisions.matched}, missing ${r.decisions.missing}, extra ${r.decisions.extra}, differing ${r.decisions.differing}; ` +
  `fills matched ${r.fills.matched}, missing ${r.fills.missing}, extra ${r.fills.extra}, differing ${r.fills.differing}` +
  (r.pnl.equal ? '' : '; P&L two ways NOT equal');

/** The audit lines of one end-of-day run: exit 0 with a clean reconciliation, and the bot's P&L. */
export function eodAudits(o: EodOutcome, botNet: string | undefined): Audit[] {
  const r = o.report;
  const run: Audit = r
    ? {
        name: `eod run from ${o.path}: exit 0, reconciled`,
        pass: o.exitCode === 0 && r.reconciliation.clean,
        figures: `exit ${o.exitCode}; ${breaks(r.reconciliation)}; quality ${r.quality.missingSeqs} missing, ${r.quality.duplicates} dup, ${r.quality.outOfOrder} out of order`,
      }
    : {
        name: `eod run from ${o.path}: exit 0, reconciled`,
        pass: false,
        figures: `exit ${o.exitCode}, no report (${o.log})`,
      };
  const eodNet = r?.pnl.total;
  const equal = botNet !== undefined && eodNet !== undefined && new Dec(botNet).eq(eodNet);
  return [
    run,
    {
      name: `bot P&L = eod P&L (${o.path})`,
      pass: equal,
      figures: `bot ${botNet ?? 'n/a'}, eod ${eodNet ?? 'n/a'}${equal || botNet === undefined || eodNet === undefined ? '' : ` (off by ${new Dec(botNet).minus(eodNet).toFixed()})`}`,
    },
  ];
}
