import type { StreamName } from '@tickflow/bus';
import {
  type Decision,
  decisionProblem,
  type Fill,
  fillProblem,
  type RejectedTick,
  rejectProblem,
} from '@tickflow/core';

/**
 * The exchange time a (decoded) reject, decision or fill belongs to its date by: a reject's `at`,
 * a decision's `tickTs`, a fill's `ts`; undefined when the message is invalid (or a tick: ticks are
 * checked by `validateTick`). `eod run` loads a message into the date of this time and `eod
 * archive` files its log line under it: one definition, so the two agree.
 */
export function exchangeTime(stream: StreamName, value: unknown): number | undefined {
  switch (stream) {
    case 'REJECTS':
      return rejectProblem(value as RejectedTick) ? undefined : (value as RejectedTick).at;
    case 'DECISIONS':
      return decisionProblem(value as Decision) ? undefined : (value as Decision).tickTs;
    case 'FILLS':
      return fillProblem(value as Fill) ? undefined : (value as Fill).ts;
    default:
      return undefined;
  }
}
