import type { Decision } from '@tickflow/core';
import type { EngineState } from '@tickflow/strategy';

/** What signals stores in NATS KV to resume after a restart (see SignalsService.checkpoint). */
export interface SignalsCheckpoint {
  v: 1;
  /**
   * TICKS stream sequence to resume after: every tick stored up to it is in the state. It stays
   * below any tick held behind a gap, so ticks after it may be in the state too (their replay is
   * skipped by seq).
   */
  streamSeq: number;
  /** Last TICKS stream sequence handled when it was taken (≥ streamSeq). */
  handledSeq?: number;
  /**
   * DECISIONS' last stream sequence just before it was taken: every decision the replay re-emits
   * is stored after it, so a restart reads the ids from there and publishes none twice.
   */
  decisionsSeq?: number;
  /** Fingerprint of the strategy setup (see strategySetup). */
  strategies: string;
  engine: EngineState;
  venueOf: [string, string][];
  lastDecisions: Decision[];
  /** `i/n` of the instance that wrote it. */
  partition?: string;
}
