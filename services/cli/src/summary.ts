import { type EodResult, fillLine } from '@tickflow/eod/cli';
import { type LatencySummary, WARM_UP_MS } from './monitor.ts';

const say = (line: string) => process.stdout.write(`${line}\n`);

/** Prints the report's one-screen summary (numbers from DuckDB) and where the files are. */
export function printSummary(
  { report, paths }: EodResult,
  run: {
    botNet: string;
    pnlMatches: boolean;
    ticksPerSecond: number;
    latency: LatencySummary;
    steady: LatencySummary;
  },
): void {
  const r = report;
  const rec = r.reconciliation.decisions;
  say('');
  say(`  symbol        ticks       open      close   vol(1m,ann)  decisions  fills        P&L`);
  for (const s of r.symbols) {
    const vol = s.volatility1mAnnualised === null ? 'n/a' : `${(s.volatility1mAnnualised * 100).toFixed(1)}%`;
    say(
      `  ${s.symbol.padEnd(10)} ${String(s.ticks).padStart(8)} ${s.open.padStart(10)} ${s.close.padStart(10)} ${vol.padStart(12)}` +
        ` ${String(s.decisions).padStart(10)} ${String(s.fills).padStart(6)} ${s.pnl.padStart(14)}`,
    );
  }
  say('');
  say(
    `  ticks in DuckDB ${r.load.ticks}, seq gaps ${r.quality.seqGaps}, duplicates ${r.quality.duplicates}, rejects ${r.load.rejects}`,
  );
  say(`  P&L from DuckDB ${r.pnl.total} vs bot ${run.botNet}: ${run.pnlMatches ? 'equal' : 'DIFFERENT'}`);
  say(
    `  decisions: speed ${rec.speed}, batch recomputation ${rec.batch}, matched ${rec.matched}` +
      (r.reconciliation.clean
        ? ' — reconciliation clean'
        : ` — BREAKS: ${rec.missing} missing, ${rec.extra} extra, ${rec.differing} differing`),
  );
  say(`  fills: ${fillLine(r.reconciliation.fills)}`);
  const fmt = (l: LatencySummary) =>
    l.p50 === undefined
      ? 'n/a'
      : `p50 ${l.p50.toFixed(2)} ms, p99 ${l.p99?.toFixed(2)} ms, max ${l.max?.toFixed(1)} ms (n=${l.n})`;
  say(
    `  throughput ${Math.round(run.ticksPerSecond).toLocaleString('en-US')} ticks/s (as seen by a separate subscriber)`,
  );
  say(`  tick→decision, feed stamp to decision received here: ${fmt(run.latency)}`);
  say(`               after the first ${WARM_UP_MS / 1000} s (warm processes): ${fmt(run.steady)}`);
  say('');
  say(`  report  ${paths.json}`);
  say(`          ${paths.markdown}`);
  say(`          ${paths.html} (+ CSV per table)`);
  say(`  duckdb  ${paths.database}`);
}
