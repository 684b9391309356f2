/**
 * What a stream RePublish (nats-server ≥ 2.9: the stream sends each message it stores on to a
 * live subject) costs the feed (issue 14, item 6): the feed's synthetic source → ConfirmingPublisher
 * → TICKS, alternately with TICKS as tickflow creates it and with a `republish` of every stored
 * tick to `live.ticks.>` (nobody subscribed, as in `npm run bench`), same server, same run.
 * `node --import tsx bench/republish.ts` (BENCH_RUNS, BENCH_FEED_TICKS). Prints medians and ratio.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bus, startNatsServer } from '@tickflow/bus';
import { feedSpec, startFeed } from '@tickflow/feed';
import { createLogger, resolveConfig } from '@tickflow/runtime';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const FEED_N = Number(process.env.BENCH_FEED_TICKS ?? 500_000);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** CPU seconds (user + system) a process has used, from /proc (clock ticks of 10 ms). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function main(): Promise<void> {
  Error.stackTraceLimit = 0; // as in the feed process (DESIGN.md pitfalls)
  const dir = mkdtempSync(join(tmpdir(), 'tickflow-bench-republish-'));
  const server = await startNatsServer({ storeDir: join(dir, 'nats') });
  const bus = await Bus.connect({ url: server.url, name: 'bench-republish' });
  await bus.ensureStreams();
  // TICKS as tickflow creates it; a republish is added to a copy.
  const created = (await bus.jsm.streams.info('TICKS')).config;
  const rates: Record<'plain' | 'republish', number[]> = { plain: [], republish: [] };
  // Less sensitive than a rate to other load on the machine: the server's CPU per million ticks.
  const serverCpu: Record<'plain' | 'republish', number[]> = { plain: [], republish: [] };
  const pid = server.process.pid as number;
  try {
    for (let r = 0; r < RUNS; r++) {
      for (const mode of r % 2 === 0
        ? (['plain', 'republish'] as const)
        : (['republish', 'plain'] as const)) {
        await bus.jsm.streams.delete('TICKS');
        await bus.jsm.streams.add(
          mode === 'republish'
            ? { ...created, republish: { src: 'ticks.>', dest: 'live.ticks.>' } }
            : created,
        );
        const cpuBefore = cpuSeconds(pid);
        const feed = await startFeed(
          resolveConfig(
            feedSpec,
            {
              port: '0',
              venue: `rp${r}`,
              count: String(FEED_N),
              pace: 'afap',
              symbols: '50',
              start: '2026-01-05T14:30:00Z',
              timeScale: '1000',
              spikePct: '0',
            },
            { NATS_URL: server.url },
          ),
          createLogger('bench', 'warn'),
        );
        const stats = await feed.done;
        const rate =
          stats.published /
          (((stats.finishedAt ?? Date.now()) - (stats.firstEventsAt ?? stats.startedAt)) / 1000);
        await feed.close();
        const cpuPerMillion = ((cpuSeconds(pid) - cpuBefore) / stats.published) * 1e6;
        rates[mode].push(rate);
        serverCpu[mode].push(cpuPerMillion);
        console.error(
          `run ${r} ${mode}: ${Math.round(rate).toLocaleString('en-US')} ticks/s, nats-server ${cpuPerMillion.toFixed(2)} CPU s per million ticks`,
        );
      }
    }
    const [p, q] = [median(rates.plain), median(rates.republish)];
    const [cp, cq] = [median(serverCpu.plain), median(serverCpu.republish)];
    console.log(
      `nats-server CPU per million ticks: plain ${cp.toFixed(2)} s, with republish ${cq.toFixed(2)} s (${((cq / cp) * 100).toFixed(0)} %)`,
    );
    console.log(
      `feed → TICKS, median of ${RUNS} (${FEED_N.toLocaleString('en-US')} ticks): plain ${Math.round(p).toLocaleString('en-US')} ticks/s, with republish ${Math.round(q).toLocaleString('en-US')} ticks/s (${((q / p) * 100).toFixed(0)} %)`,
    );
  } finally {
    await bus.drain().catch(() => {});
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
