import { Counter, type Registry } from '@tickflow/runtime';

/** The bot's counters, registered once per registry. */
export function botMetrics(registry: Registry) {
  return {
    fills: new Counter({
      name: 'tickflow_bot_fills_total',
      help: 'Fills published',
      labelNames: ['side'] as const,
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'tickflow_bot_decisions_rejected_total',
      help: 'Decisions not filled, by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    expired: new Counter({
      name: 'tickflow_bot_orders_expired_total',
      help: 'Orders whose unfilled rest expired (time to live in exchange time)',
      registers: [registry],
    }),
    foreign: new Counter({
      name: 'tickflow_bot_foreign_decisions_total',
      help: "Decisions of other partitions' symbols, acked without handling (--partition)",
      registers: [registry],
    }),
    lostTicks: new Counter({
      name: 'tickflow_bot_ticks_lost_total',
      help: 'Ticks missing from TICKS below newer ones that an order waited --lost-tick-ms for, then passed over',
      registers: [registry],
    }),
    bad: new Counter({
      name: 'tickflow_bot_bad_messages_total',
      help: 'Messages that were not usable decisions or ticks',
      labelNames: ['stream'] as const,
      registers: [registry],
    }),
  };
}
