import { InvalidDateError, utcDateStartMicros } from '@tickflow/core';

export { InvalidDateError };

/**
 * `date` if it is a real calendar date, YYYY-MM-DD (`2026-02-30` is not); otherwise
 * InvalidDateError, before any SQL or file is touched with it. The same check as core's
 * `utcDateRange` and the configuration's `optionalDate`.
 */
export function checkDate(date: string): string {
  utcDateStartMicros(date);
  return date;
}
