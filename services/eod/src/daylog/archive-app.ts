import type { Bus } from '@tickflow/bus';
import { Counter, createHttpApp, Gauge, type HttpSecurity, type Registry } from '@tickflow/runtime';
import type { LogArchiverStats } from './log-archiver.ts';
import type { StreamArchive } from './stream-archive.ts';

/**
 * `eod archive`'s HTTP surface: `/healthz` is degraded while a stream waits for disk space (each
 * stream's check says since when and at which position) and down without NATS; `/metrics`.
 */
export function buildArchiveApp(opts: {
  bus: Bus;
  streams: readonly StreamArchive[];
  registry: Registry;
  security?: HttpSecurity;
}) {
  return createHttpApp({
    registry: opts.registry,
    ...(opts.security ? { security: opts.security } : {}),
    health: () => {
      const nats = opts.bus.isConnected;
      const checks: Record<string, { ok: boolean; detail?: string }> = {
        nats: { ok: nats, detail: opts.bus.url },
      };
      let full = false;
      for (const s of opts.streams) {
        const w = s.waiting;
        if (w) full = true;
        checks[s.stream] = w
          ? {
              ok: false,
              detail: `disk full since ${new Date(w.since).toISOString()}: waiting for space at log position ${w.position} (${w.error})`,
            }
          : { ok: true, detail: `log position ${s.position}` };
      }
      return { status: !nats ? 'down' : full ? 'degraded' : 'ok', checks };
    },
  });
}

/**
 * The archiver's metrics, the gauges read from its streams when scraped (`streams` may be filled
 * later); returns the counter of writes that failed for lack of space.
 */
export function archiveMetrics(
  registry: Registry,
  streams: readonly StreamArchive[],
  stats: LogArchiverStats,
): Counter<'stream'> {
  new Gauge({
    name: 'tickflow_eod_archive_disk_full',
    help: '1 while the stream waits for disk space (its archiving paused), else 0',
    labelNames: ['stream'],
    registers: [registry],
    collect() {
      for (const s of streams) this.set({ stream: s.stream }, s.waiting ? 1 : 0);
    },
  });
  new Gauge({
    name: 'tickflow_eod_archive_position',
    help: 'the log position: every message up to this stream sequence is on disk',
    labelNames: ['stream'],
    registers: [registry],
    collect() {
      for (const s of streams) this.set({ stream: s.stream }, s.position);
    },
  });
  new Gauge({
    name: 'tickflow_eod_archive_written',
    help: 'messages written to the day log since start (a resume writes some again)',
    labelNames: ['stream'],
    registers: [registry],
    collect() {
      for (const s of streams) this.set({ stream: s.stream }, stats.written[s.stream] ?? 0);
    },
  });
  return new Counter({
    name: 'tickflow_eod_archive_disk_full_total',
    help: 'times a stream of the day log found the disk full (ENOSPC, EDQUOT) and paused',
    labelNames: ['stream'],
    registers: [registry],
  });
}
