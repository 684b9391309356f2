import { existsSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isCalendarDate, type Tick, utcDateOf, validateTick, WIRE_VERSION } from '@tickflow/core';
import {
  BINANCE_VENUE,
  binanceSymbol,
  formatFromName,
  ReplayColumnError,
  ReplayFileError,
  ReplaySource,
  ReplayTruncatedError,
  type SourceEvent,
} from '@tickflow/feed';
import { type HistoryConnection, type ImportedDate, openHistory, TickImport } from '@tickflow/history';
import { BinanceFormatError, type ImportRowCode, TimeUnitError } from './binance-rows.ts';
import { binanceEvents, type UnitChoice } from './binance-source.ts';
import { Quarantine } from './quarantine.ts';
import { IMPORT_EXIT, type ImportConfig } from './spec.ts';
import { type ZipCorruptError, ZipEntryError } from './zip.ts';

/** A file `tickflow import` cannot take as asked (unknown kind, no symbol): usage error. */
export class ImportUsageError extends Error {
  override name = 'ImportUsageError';
}

/** What became of one file. */
export interface FileReport {
  file: string;
  kind: 'binance' | 'replay';
  /** A Binance dump's venue:symbol. */
  lane?: string;
  unit?: UnitChoice;
  /** Data rows read (header and blank lines excluded). */
  rows: number;
  imported: number;
  /** Bad rows by code. */
  bad: Record<string, number>;
  quarantine?: string;
  dates: ImportedDate[];
  /** Where a damaged file stopped being readable (its readable part was imported). */
  stopped?: string;
  /** Why nothing of the file was imported. */
  error?: string;
  /** A zip's entries in file order (each a CSV). */
  entries?: EntryReport[];
  exit: number;
}

/** What became of one entry of a zip. */
export interface EntryReport {
  name: string;
  rows: number;
  imported: number;
  bad: number;
  /** Why none of it was imported: its content does not match its CRC-32 (exit 3). */
  corrupt?: string;
  /** The same, without the file and entry names (for the summary's line of the entry). */
  corruptWhy?: string;
}

/** `<SYMBOL>-trades-<YYYY-MM-DD>.csv|.csv.gz|.zip`, Binance's name for a daily trades dump. */
const BINANCE_NAME = /^([A-Za-z0-9]+)-trades-(\d{4}-\d{2}-\d{2})\.(csv|csv\.gz|zip)$/i;

/** Imports `files` one after another into the archive; each file's report, in order. */
export async function runImport(files: readonly string[], c: ImportConfig): Promise<FileReport[]> {
  const archiveDir = c.archiveDir ?? join(c.dataDir, 'archive');
  const quarantineDir = c.quarantineDir ?? join(c.dataDir, 'quarantine');
  // Staged rows may outgrow memory on a busy day's dump: DuckDB spills past 1 GB instead.
  const spill = join(c.dataDir, `.import-tmp-${process.pid}`);
  const history = await openHistory(':memory:', { memoryLimit: '1GB', tempDirectory: spill });
  try {
    const conn = await history.connect();
    const reports: FileReport[] = [];
    for (const file of files) reports.push(await importFile(conn, file, c, archiveDir, quarantineDir));
    return reports;
  } finally {
    history.close();
    rmSync(spill, { recursive: true, force: true });
  }
}

/** The worst of the files' exit codes: usage, then failure, then a damaged file, then ok. */
export function importExitCode(reports: readonly FileReport[]): number {
  for (const code of [IMPORT_EXIT.usage, IMPORT_EXIT.failed, IMPORT_EXIT.truncated])
    if (reports.some((r) => r.exit === code)) return code;
  return IMPORT_EXIT.ok;
}

const USAGE_ERRORS = [ImportUsageError, BinanceFormatError, TimeUnitError, ZipEntryError, ReplayColumnError];

async function importFile(
  conn: HistoryConnection,
  file: string,
  c: ImportConfig,
  archiveDir: string,
  quarantineDir: string,
): Promise<FileReport> {
  const name = basename(file);
  const binance = BINANCE_NAME.exec(name);
  const kind = c.format === 'auto' ? (binance ? 'binance' : 'replay') : c.format;
  const report: FileReport = { file, kind, rows: 0, imported: 0, bad: {}, dates: [], exit: IMPORT_EXIT.ok };
  const quarantine = new Quarantine(join(quarantineDir, `${name}.bad.ndjson`));
  let stage: TickImport | undefined;
  try {
    if (!existsSync(file)) throw new ImportUsageError(`${file}: not found`);
    /** The zip entry being read: bad rows name it and count from its first row. */
    let entry: EntryReport | undefined;
    const onEntry = (name: string, corrupt?: ZipCorruptError) => {
      entry = { name, rows: 0, imported: 0, bad: 0 };
      if (corrupt) {
        entry.corrupt = corrupt.message;
        entry.corruptWhy = corrupt.why;
        report.exit = IMPORT_EXIT.truncated;
      }
      report.entries = [...(report.entries ?? []), entry];
    };
    const events = await eventsOf(file, kind, binance, c, report, onEntry);
    stage = await TickImport.open(conn);
    const seqs = new Map<string, number>();
    const lastIds = kind === 'binance' ? new Map<string, number>() : undefined;
    const now = Date.now() * 1000;
    const bad = (code: string, reason: string, raw: string) => {
      report.bad[code] = (report.bad[code] ?? 0) + 1;
      if (entry) entry.bad++;
      quarantine.add({
        ...(entry ? { entry: entry.name } : {}),
        row: entry ? entry.rows : report.rows,
        code,
        reason,
        raw,
      });
    };
    try {
      for await (const batch of events) {
        for (const event of batch) {
          report.rows++;
          if (entry) entry.rows++;
          if (event.kind === 'invalid') {
            bad(event.code, event.reason, event.raw);
            continue;
          }
          const t = event.trade;
          // recvTs: an imported trade was never received live; its exchange time stands in.
          const tick: Tick = {
            v: WIRE_VERSION,
            venue: t.venue,
            symbol: t.symbol,
            seq: 1,
            ts: t.ts,
            price: t.price,
            size: t.size,
            recvTs: t.ts,
          };
          if (t.side) tick.side = t.side;
          const checked = validateTick(tick, { now });
          if (!checked.ok) {
            bad(checked.error.code, checked.error.message, t.raw ?? JSON.stringify(t));
            continue;
          }
          if (lastIds !== undefined && t.tradeId !== undefined) {
            // Binance numbers a symbol's trades in time order: an id not above the last one imported is a repeat.
            const id = Number(t.tradeId);
            const last = lastIds.get(laneOf(tick)) ?? -1;
            if (id <= last) {
              bad(REPEATED, `trade id ${id} is not after ${last}`, t.raw ?? JSON.stringify(t));
              continue;
            }
            lastIds.set(laneOf(tick), id);
          }
          const date = utcDateOf(tick.ts);
          const key = `${date}|${tick.venue}|${tick.symbol}`;
          tick.seq = (seqs.get(key) ?? 0) + 1;
          seqs.set(key, tick.seq);
          stage.add(date, tick);
          report.imported++;
          if (entry) entry.imported++;
        }
      }
    } catch (err) {
      if (!(err instanceof ReplayTruncatedError)) throw err;
      const cut = err.tail === '' ? 'at the start of' : 'in the middle of';
      const where = entry ? `entry ${entry.name}: ` : '';
      report.stopped = `${where}${err.why} ${cut} line ${err.line} (byte ${err.byteOffset} of the text, ${err.fileBytes} bytes of the file read); every row before it imported (${report.rows} rows read)`;
      report.exit = IMPORT_EXIT.truncated;
    }
    report.dates = await stage.writeArchive(archiveDir);
  } catch (err) {
    const usage =
      USAGE_ERRORS.some((E) => err instanceof E) ||
      (err instanceof ReplayFileError && !(err instanceof ReplayTruncatedError));
    report.error = err instanceof Error ? err.message : String(err);
    if (!usage && err instanceof Error && err.cause instanceof Error)
      report.error += ` (${err.cause.message})`;
    report.exit = usage ? IMPORT_EXIT.usage : IMPORT_EXIT.failed;
    report.imported = 0;
    delete report.entries;
  } finally {
    stage?.close();
    const written = quarantine.close();
    if (written) report.quarantine = written;
  }
  return report;
}

const REPEATED: ImportRowCode = 'REPEATED_TRADE_ID';
const laneOf = (t: Tick) => `${t.venue}|${t.symbol}`;

/** The file's rows as source events: a Binance dump through its reader, a replay file through the feed's. */
async function eventsOf(
  file: string,
  kind: 'binance' | 'replay',
  binance: RegExpExecArray | null,
  c: ImportConfig,
  report: FileReport,
  onEntry: (name: string, corrupt?: ZipCorruptError) => void,
): Promise<AsyncIterable<SourceEvent[]>> {
  if (kind === 'replay') {
    if (formatFromName(file) === undefined)
      throw new ImportUsageError(
        `${file}: neither a Binance dump (<SYMBOL>-trades-<YYYY-MM-DD>.csv|.csv.gz|.zip) nor a replay file (.csv, .ndjson, .jsonl, optionally .gz)`,
      );
    const source = await ReplaySource.open({ file, speed: 0, venue: c.venue ?? 'replay', batchSize: 4096 });
    return source.batches();
  }
  const symbol = c.symbol?.toUpperCase() ?? (binance ? binanceSymbol(binance[1] as string) : undefined);
  if (symbol === undefined)
    throw new ImportUsageError(
      `${file}: no symbol (name it <SYMBOL>-trades-<YYYY-MM-DD>.zip or pass --symbol)`,
    );
  const date = binance && isCalendarDate(binance[2] as string) ? binance[2] : undefined;
  const venue = c.venue ?? BINANCE_VENUE;
  report.lane = `${venue}:${symbol}`;
  const unit = c.timeUnit === 'auto' ? undefined : c.timeUnit;
  return binanceEvents(
    { file, venue, symbol, date, unit },
    (u) => {
      report.unit = u;
    },
    onEntry,
  );
}
