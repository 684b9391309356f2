import { Counter, Histogram, type Registry } from '@tickflow/runtime';

/** The signals service's counters and its tick-to-decision latency, registered in `registry`. */
export function signalsMetrics(registry: Registry) {
  return {
    ticks: new Counter({
      name: 'tickflow_signals_ticks_total',
      help: 'Ticks applied',
      registers: [registry],
    }),
    decisions: new Counter({
      name: 'tickflow_signals_decisions_total',
      help: 'Decisions published',
      labelNames: ['action'] as const,
      registers: [registry],
    }),
    bad: new Counter({
      name: 'tickflow_signals_bad_messages_total',
      help: 'Messages on TICKS that were not valid ticks, duplicates (DUPLICATE_SEQ), or seqs given up on as not in TICKS (GAP_SKIPPED), by code',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
    strategyErrors: new Counter({
      name: 'tickflow_signals_strategy_errors_total',
      help: 'Strategies that threw or returned an invalid decision (each pauses its venue+symbol), by strategy',
      labelNames: ['strategy'] as const,
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'tickflow_signals_tick_to_decision_seconds',
      help: 'From the feed receiving a tick (recvTs) to its decision being stamped (decidedAt)',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
  };
}
