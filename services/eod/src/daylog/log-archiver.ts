import { join, resolve } from 'node:path';
import { Bus, type StreamName } from '@tickflow/bus';
import {
  busAuthFrom,
  createRegistry,
  type Logger,
  listen,
  loadHttpSecurity,
  type ServiceHandle,
  warnStreamSetting,
} from '@tickflow/runtime';
import { archiveMetrics, buildArchiveApp } from './archive-app.ts';
import { type EodArchiveConfig, eodArchiveSpec } from './archive-config.ts';
import { readPosition } from './segment-log.ts';
import { StreamArchive } from './stream-archive.ts';
import { KEPT_STREAMS, LOG_STREAMS } from './stream-rules.ts';

export interface LogArchiverStats {
  written: Record<string, number>;
  invalid: Record<string, number>;
  /**
   * Messages after the log's position that the stream no longer held when the archiver started
   * (its retention removed them while the archiver was down): lost to the log, said so loudly.
   */
  expired: Record<string, number>;
}

/** The position file of a stream's day log: every message up to its sequence is on disk. */
export const logPositionFile = (logRoot: string, stream: StreamName) =>
  join(logRoot, stream, 'position.json');

/**
 * `tickflow eod archive`: per stream, an ordered push consumer (no acks: flow control and
 * heartbeats, recreated from the next unseen sequence after a gap or a reconnect) appends each
 * valid message to `<log-dir>/<STREAM>/<date>/<first seq>.ndjson` (its JSON with `stream_seq`
 * added) or, for ticks, `.csv` (tick-csv.ts), the date by exchange time (stream-rules.ts). Lines are written and
 * fsynced in group commits; after each, `<STREAM>/position.json` records the stream sequence up to
 * which every message is on disk — the log's own position, as a tickerplant's log is. A start
 * (after a stop or a kill) resumes after that position: nothing past it was acknowledged to anyone,
 * so nothing is lost, and what is on disk twice is kept once by the load. JetStream keeps the
 * messages meanwhile (retention by limits, not by acks). A full disk pauses a stream's archiving
 * until space returns (stream-archive.ts; /healthz degraded, metrics); any other failed write stops
 * the archiver. Neither moves the position. Invalid messages are counted and logged, not written.
 *
 * Why not a durable consumer acking each message after its fsync: on this 2-core machine that
 * tops out near 150–200 k msgs/s raw and the archiver reached 84 k/s; the feed publishes 150 k/s.
 */
export async function startLogArchiver(
  config: EodArchiveConfig,
  log: Logger,
): Promise<ServiceHandle<void> & { stats: LogArchiverStats; streams: StreamArchive[] }> {
  const security = loadHttpSecurity(config);
  const root = resolve(config.logDir ?? join(config.dataDir, 'log'));
  const stats: LogArchiverStats = { written: {}, invalid: {}, expired: {} };
  const bus = await Bus.connect({ ...busAuthFrom(config), name: 'tickflow-eod-archive' });
  await bus.ensureStreams({ replicas: config.replicas }, warnStreamSetting(log));
  const streams: StreamArchive[] = [];
  const registry = createRegistry('eod-archive');
  const diskFull = archiveMetrics(registry, streams, stats);
  let failed: ((err: unknown) => void) | undefined;
  let stopped: (() => void) | undefined;
  // Ends when closed, or with the first failure the archiver cannot wait out (a full disk it can).
  const running = new Promise<void>((resolve, reject) => {
    failed = reject;
    stopped = resolve;
  });
  running.catch(() => {});
  // Listens before touching the log: a second archiver (its port taken) must not write a segment.
  const app = buildArchiveApp({ bus, streams, registry, security });
  const port = await listen(app, config.host, config.port, eodArchiveSpec.port);
  for (const rules of KEPT_STREAMS) {
    const { stream } = rules;
    const positionFile = logPositionFile(root, stream);
    const position = readPosition(positionFile);
    stats.written[stream] = 0;
    stats.invalid[stream] = 0;
    const { first_seq: first, messages } = (await bus.jsm.streams.info(stream)).state;
    stats.expired[stream] = messages > 0 && first > position + 1 ? first - position - 1 : 0;
    if (stats.expired[stream])
      log.error(
        { stream, position, firstInStream: first, expired: stats.expired[stream] },
        'the stream no longer holds messages after the log position: they are lost to the day log',
      );
    const archive = new StreamArchive({
      bus,
      rules,
      dir: join(root, stream),
      positionFile,
      segmentBytes: config.segmentMib * 1024 * 1024,
      idleCloseMs: config.idleCloseSeconds * 1000,
      spaceRetryMs: config.spaceRetryMs,
      log,
      stats,
      fatal: (err) => failed?.(err),
      onDiskFull: () => diskFull.inc({ stream }),
    });
    streams.push(archive);
    await archive.start();
  }
  // Finishes idle segments even when no message arrives.
  const idle = setInterval(
    () => {
      for (const s of streams) s.tick();
    },
    Math.max(100, (config.idleCloseSeconds * 1000) / 2),
  );
  log.info({ root, streams: LOG_STREAMS, port }, 'archiving streams to day-log segments');
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      clearInterval(idle);
      for (const s of streams) await s.close();
      await app.close();
      await bus.drain();
      stopped?.();
      log.info(stats, 'log archiver stopped');
    })();
    return closing;
  };
  const done = running.catch(async (err: unknown) => {
    await close();
    throw err;
  });
  return { done, close, port, stats, streams };
}
