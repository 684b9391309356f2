/**
 * The light entry: what reads archived ticks' views and dates without loading DuckDB (a backtest
 * grid's worker thread that is handed its days never needs it; loading it cost ~0.2 s of CPU a
 * thread). Everything here is also in the main entry.
 */
export { archivedDates } from './archive.ts';
export { checkDate, InvalidDateError } from './date.ts';
export { sqlString } from './literal.ts';
export { columnStorage } from './readback-columns.ts';
export {
  type DictionaryData,
  type LaneRows,
  type SharedSymbolTicks,
  SymbolTicks,
  type TickColumns,
  type TickDictionaries,
  type ValueDictionary,
} from './symbol-ticks.ts';
