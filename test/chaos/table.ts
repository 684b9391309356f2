import type { CampaignResult } from './campaign.ts';

const n = (x: number) => x.toLocaleString('en-US');

/** The campaign's result as the table a person reads (docs/RELIABILITY.md, "Reading the table"). */
export function renderTable(r: CampaignResult): string {
  const o = r.options;
  const lines = [
    '',
    `tickflow chaos ${r.startedAt}: ${o.duration} s at ${n(o.rate)} ticks/s, ${o.symbols} symbols, seed ${o.seed}, kill every ${o.killEvery.join('-')} s, broker every >= ${o.brokerEvery} s`,
    `  feed ran ${r.feedSeconds.toFixed(1)} s, drain ${r.drainSeconds.toFixed(1)} s, load average ${r.load.map((x) => x.toFixed(2)).join(' ')}, date ${r.date}`,
    '',
    `  ${'victim'.padEnd(9)} ${'SIGKILL'.padStart(7)} ${'own exits'.padStart(9)}  stop`,
  ];
  let total = 0;
  for (const [victim, s] of Object.entries(r.victims)) {
    total += s.kills;
    const stop = s.stop
      ? `${s.stop.hung ? 'HUNG, killed' : `exit ${s.stop.code ?? s.stop.signal}`} in ${(s.stop.ms / 1000).toFixed(2)} s`
      : '';
    const own = s.ownExits ? `${s.ownExits} (${s.ownExitCodes.join(',')})` : '0';
    lines.push(`  ${victim.padEnd(9)} ${String(s.kills).padStart(7)} ${own.padStart(9)}  ${stop}`);
  }
  lines.push(`  ${'total'.padEnd(9)} ${String(total).padStart(7)}`);
  if (o.cluster)
    lines.push(
      `  on a ${o.cluster}-node cluster; broker kills took down ${r.killedNodes?.join(', ') || 'no node'} (each leading TICKS then)`,
    );
  const c = r.counts;
  const e = r.ends;
  lines.push(
    '',
    `  stored: ticks ${n(c.ticks)}, decisions ${n(c.decisions)}, fills ${n(c.fills)}, order events ${n(c.orderEvents)}`,
    `  decisions ended: filled ${n(e.filled)}, rejected ${n(e.rejected)}, expired ${n(e.expired)}, nothing to close ${n(e.nothingToDo)}, open at the end ${n(e.openAtEnd)}, broken ${n(e.broken)}`,
    `  live subscriber received: ticks ${n(r.live.ticks.received)}, decisions ${n(r.live.decisions.received)}, fills ${n(r.live.fills.received)}`,
    `  bot P&L ${r.botPnl?.net ?? 'n/a'} (${r.botPnl ? n(r.botPnl.fills) : '?'} fills)`,
    '',
    `  ${'audit'.padEnd(44)} result  figures`,
  );
  for (const a of r.audits)
    lines.push(`  ${a.name.padEnd(44)} ${(a.pass ? 'PASS' : 'FAIL').padEnd(6)}  ${a.figures}`);
  if (r.examples.length) {
    lines.push('', '  first findings:');
    for (const x of r.examples.slice(0, 15)) lines.push(`    ${x}`);
  }
  const failed = r.audits.filter((a) => !a.pass).length;
  lines.push(
    '',
    failed === 0 ? '  ALL AUDITS PASS' : `  ${failed} of ${r.audits.length} audits FAIL`,
    `  logs ${o.out}/logs/   table ${o.out}/chaos.json`,
    '',
  );
  return lines.join('\n');
}
