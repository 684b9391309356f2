export { decisionProblem, fillProblem, rejectProblem } from './messages.ts';
export {
  cents,
  Dec,
  dec,
  InvalidDecimalError,
  isDecimalString,
  MONEY_DP,
  money,
  plain,
  ZERO,
} from './money.ts';
export { PartitionSpecError, parsePartition, partitionOf } from './partition.ts';
export { show } from './show.ts';
export { isValidSymbol, isValidVenue, normaliseSymbol } from './symbols.ts';
export {
  TICK_COLUMN_FIELDS,
  TICK_FIELDS,
  TICK_JSON_BEFORE,
  TICK_JSON_END,
  TICK_JSON_KEYS,
  type TickField,
  type TickFieldKind,
  type TickFieldName,
  tickColumnType,
  type WireTick,
} from './tick-wire.ts';
export {
  type Clock,
  InvalidDateError,
  isCalendarDate,
  ManualClock,
  MICROS_PER_DAY,
  MICROS_PER_SECOND,
  type Micros,
  systemClock,
  utcDateOf,
  utcDateRange,
  utcDateStartMicros,
} from './time.ts';
export type {
  Decision,
  DecisionAction,
  Fill,
  FillSide,
  OrderEvent,
  OrderStatus,
  Position,
  RejectedTick,
  Tick,
  TradeSide,
} from './types.ts';
export { WIRE_VERSION } from './types.ts';
export {
  type TickErrorCode,
  type TickValidation,
  TickValidationError,
  type TickValidationOptions,
  tickError,
  validateTick,
} from './validate.ts';
