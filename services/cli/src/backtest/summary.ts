import type { BacktestReport } from './report-schema.ts';

const ratio = (x: number | null, digits = 2) => (x === null ? '—' : x.toFixed(digits));
const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(2)} %`);

const paramsText = (p: Record<string, number | string>) =>
  Object.entries(p)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

/** The grid's top combinations, or the walk-forward's windows (at most 8 lines). */
function sweepLines(r: BacktestReport): string[] {
  const out: string[] = [];
  if (r.grid) {
    const g = r.grid;
    const ran = g.rows.filter((x) => x.error === undefined);
    const top = [...ran]
      .sort((a, b) => (b.metric ?? Number.NEGATIVE_INFINITY) - (a.metric ?? Number.NEGATIVE_INFINITY))
      .slice(0, 5);
    out.push(
      `  grid ${g.spec}: ${ran.length} of ${g.rows.length} combination(s) ran; best by ${g.metric} (the figures above):`,
    );
    for (const x of top)
      out.push(
        `    ${paramsText(x.params).padEnd(28)} ${g.metric} ${ratio(x.metric).padStart(8)}  net P&L ${x.pnl}`,
      );
    if (ran.length < g.rows.length)
      out.push(`    ${g.rows.length - ran.length} refused by the strategy: see grid.csv`);
  }
  if (r.walkForward) {
    const w = r.walkForward;
    out.push(
      `  walk-forward train ${w.trainDays}d / test ${w.testDays}d by ${w.metric}, ${w.windows.length} window(s) stitched (the figures above):`,
    );
    for (const x of w.windows.slice(0, 6))
      out.push(`    test ${x.test.from}..${x.test.to}  ${paramsText(x.params).padEnd(24)} P&L ${x.pnl}`);
    if (w.windows.length > 6) out.push(`    … ${w.windows.length - 6} more in windows.csv`);
  }
  return out;
}

/** The one-screen summary `tickflow backtest` prints at the end. */
export function renderBacktestSummary(r: BacktestReport, dir: string): string {
  const days = r.days.filter((d) => d.source !== 'none');
  const missing = r.days.length - days.length;
  const lines = [
    `backtest ${r.id}: ${r.config.from} → ${r.config.to}, ${days.length}${r.walkForward ? ' out-of-sample' : ''} day(s) with ticks${missing ? ` (${missing} without)` : ''}`,
    `  ticks ${r.ticks}  decisions ${r.decisions}  fills ${r.fills}  trades ${r.trades}  (replay ${r.replay.ticksPerSecond} ticks/s)`,
    `  net P&L ${r.pnl.total}  (realized ${r.pnl.realized}, unrealized ${r.pnl.unrealized}, fees ${r.pnl.fees})`,
    `  equity ${r.pnl.startEquity} → ${r.pnl.endEquity}  max drawdown ${r.maxDrawdown} (${pct(r.maxDrawdownPct)})`,
    `  Sharpe ${ratio(r.sharpe)}  Sortino ${ratio(r.sortino)}  win rate ${pct(r.winRate)}  profit factor ${ratio(r.profitFactor)}  turnover ${r.turnover}  exposure ${pct(r.exposure)}`,
  ];
  for (const s of r.symbols.slice(0, 10))
    lines.push(
      `  ${s.symbol.padEnd(12)} qty ${s.qty.padStart(8)}  net ${s.net.padStart(16)}  fees ${s.fees}`,
    );
  if (r.symbols.length > 10) lines.push(`  … ${r.symbols.length - 10} more symbol(s) in report.json`);
  if (r.openOrders) lines.push(`  ${r.openOrders} order(s) still working when the last tape ended`);
  if (r.rejectedOrders) {
    const by = Object.entries(r.rejections)
      .map(([reason, n]) => `${reason} ${n}`)
      .join(', ');
    lines.push(`  ${r.rejectedOrders} order(s) refused by the risk limits (${by})`);
  }
  for (const h of r.halts) lines.push(`  halted on ${h.date}: ${h.reason}`);
  if (r.duplicateTicks)
    lines.push(
      `  ${r.duplicateTicks} tick(s) skipped: at or below a lane's last seq (a date whose seqs restart?)`,
    );
  for (const p of r.paused.slice(0, 5))
    lines.push(`  paused ${p.venue}:${p.symbol} at tick ${p.tickSeq}: ${p.error}`);
  lines.push(...sweepLines(r));
  const files = r.grid
    ? 'report.json,report.schema.json,report.html,grid.csv'
    : r.walkForward
      ? 'report.json,report.schema.json,report.html,windows.csv'
      : 'report.json,report.schema.json,report.html,trades.csv,decisions.csv,rejected.csv';
  lines.push(`  wrote ${dir}/{${files}}`);
  return `${lines.join('\n')}\n`;
}
