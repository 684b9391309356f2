export {
  ARCHIVE_ORDER,
  ARCHIVE_TABLES,
  type ArchivedTable,
  ArchiveError,
  type ArchiveTable,
  archiveDate,
  archivedDates,
  readArchive,
} from './archive.ts';
export {
  type ArchiveRange,
  dailyBars,
  dailyPnl,
  dailyVolatility,
  type HistoryRow,
} from './archive-queries.ts';
export {
  HistoryConnection,
  qualifiedTable,
  type SqlParams,
  type SqlValue,
  type TempColumn,
} from './connection.ts';
export { History, HistoryOpenError, type HistoryOptions, openHistory } from './database.ts';
export { checkDate, InvalidDateError } from './date.ts';
export { DayLoader, type LoadCounts, type Watermarks } from './day-loader.ts';
export { type DuplicateRecord, KEYED_TABLES, type KeyedTable, readDuplicates } from './duplicates.ts';
export { SqlLiteralError, sqlIdentifier, sqlString } from './literal.ts';
export { readParquetColumns } from './parquet-baseline.ts';
export { fastDecimal, PRICE, stagedSelect, TABLE_NAMES, TABLES, type TableName } from './schema.ts';
export { SCHEMA_VERSION, SchemaVersionError } from './schema-version.ts';
export { type ImportedDate, TickImport } from './tick-import.ts';
export { forEachSymbol, type ReadSymbolsOptions, readSymbols } from './tick-readback.ts';
// The light entry's symbol-ticks views (`@tickflow/history/ticks`): the same modules.
export * from './ticks.ts';
