import { bool, type ConfigOf, commonSpec, int, optionalStr, str } from '@tickflow/runtime';

const DECIMAL = /^\d+(\.\d+)?$/;

export const botSpec = {
  ...commonSpec,
  port: int({
    flag: 'port',
    env: 'TICKFLOW_BOT_PORT',
    description: 'HTTP port',
    default: 8081,
    min: 0,
    max: 65535,
  }),
  durable: str({
    flag: 'durable',
    env: 'TICKFLOW_BOT_DURABLE',
    description: 'name of the durable DECISIONS consumer (also names the session snapshots)',
    default: 'bot',
    pattern: /^[A-Za-z0-9_-]{1,58}$/,
    hint: 'letters, digits, _ or -',
  }),
  partition: str({
    flag: 'partition',
    env: 'TICKFLOW_BOT_PARTITION',
    description:
      'this instance’s share i/n of the venue+symbols (FNV-1a hash mod n, as signals): it reads every decision and tick, handles only its own, and its consumer and snapshots are named <durable>-p<i>of<n>',
    default: '0/1',
    pattern: /^\d+\/\d+$/,
    hint: 'i/n, e.g. 0/2',
  }),
  adminToken: optionalStr({
    flag: 'admin-token',
    env: 'TICKFLOW_BOT_ADMIN_TOKEN',
    description:
      'deprecated, use --tokens: one bearer token with the trade scope (POST /v1/halt, /v1/resume); unlike --tokens it leaves reads open',
  }),
  feeBps: str({
    flag: 'fee-bps',
    env: 'TICKFLOW_BOT_FEE_BPS',
    description: 'taker fee in basis points of notional (market orders take liquidity)',
    default: '1',
    pattern: DECIMAL,
    hint: 'a non-negative decimal',
  }),
  makerFeeBps: str({
    flag: 'maker-fee-bps',
    env: 'TICKFLOW_BOT_MAKER_FEE_BPS',
    description: 'maker fee in basis points of notional (limit orders filled while resting)',
    default: '0',
    pattern: DECIMAL,
    hint: 'a non-negative decimal',
  }),
  minFee: str({
    flag: 'min-fee',
    env: 'TICKFLOW_BOT_MIN_FEE',
    description: 'minimum fee per fill, in quote currency',
    default: '0',
    pattern: DECIMAL,
    hint: 'a non-negative decimal',
  }),
  latencyMs: int({
    flag: 'latency-ms',
    env: 'TICKFLOW_BOT_LATENCY_MS',
    description: 'order latency in exchange time: fills use the first tick this long after the decision',
    default: 0,
    min: 0,
    max: 3_600_000,
  }),
  slippageBps: str({
    flag: 'slippage-bps',
    env: 'TICKFLOW_BOT_SLIPPAGE_BPS',
    description: 'fixed slippage per fill in basis points (buys pay more, sells get less)',
    default: '0',
    pattern: DECIMAL,
    hint: 'a non-negative decimal',
  }),
  impactBps: str({
    flag: 'impact-bps',
    env: 'TICKFLOW_BOT_IMPACT_BPS',
    description: 'extra slippage in bps per unit of participation (fill qty / tick size)',
    default: '0',
    pattern: DECIMAL,
    hint: 'a non-negative decimal',
  }),
  partialFills: bool({
    flag: 'partial-fills',
    env: 'TICKFLOW_BOT_PARTIAL_FILLS',
    description: "fill at most each tick's printed size; the rest waits for later ticks",
    default: false,
  }),
  orderTtlMs: int({
    flag: 'order-ttl-ms',
    env: 'TICKFLOW_BOT_ORDER_TTL_MS',
    description: 'exchange time after the decision when an unfilled rest expires (published on ORDERS)',
    default: 60_000,
    min: 1,
    max: 86_400_000,
  }),
  maxPosition: optionalStr({
    flag: 'max-position',
    env: 'TICKFLOW_BOT_MAX_POSITION',
    description: 'largest absolute position per symbol (unset: no limit)',
    pattern: DECIMAL,
    hint: 'a non-negative decimal',
  }),
  maxNotional: optionalStr({
    flag: 'max-notional',
    env: 'TICKFLOW_BOT_MAX_NOTIONAL',
    description: 'largest absolute position value per symbol (unset: no limit)',
    pattern: DECIMAL,
    hint: 'a non-negative decimal',
  }),
  maxGrossExposure: optionalStr({
    flag: 'max-gross-exposure',
    env: 'TICKFLOW_BOT_MAX_GROSS_EXPOSURE',
    description: 'largest sum of |position value| over all symbols (unset: no limit)',
    pattern: DECIMAL,
    hint: 'a non-negative decimal',
  }),
  dailyLossLimit: optionalStr({
    flag: 'daily-loss-limit',
    env: 'TICKFLOW_BOT_DAILY_LOSS_LIMIT',
    description: "halt when the UTC day's net P&L falls to minus this (unset: no limit)",
    pattern: DECIMAL,
    hint: 'a non-negative decimal',
  }),
  lostTickMs: int({
    flag: 'lost-tick-ms',
    env: 'TICKFLOW_BOT_LOST_TICK_MS',
    description:
      'how long an order waits at a tick missing from TICKS below newer ones (looked for there first) before passing over it as lost, as the end of day does; counted in tickflow_bot_ticks_lost_total (0: wait for ever)',
    default: 30_000,
    min: 0,
    max: 86_400_000,
  }),
  tapeTicks: int({
    flag: 'tape-ticks',
    env: 'TICKFLOW_BOT_TAPE_TICKS',
    description:
      'recent ticks kept for matching, shared by all symbols (each keeps its share, at least 64; ~100 bytes each); older ones are read back from TICKS',
    default: 500_000,
    min: 64,
    max: 50_000_000,
  }),
  cash: str({
    flag: 'cash',
    env: 'TICKFLOW_BOT_CASH',
    description: 'starting cash',
    default: '100000',
    pattern: DECIMAL,
    hint: 'a non-negative decimal',
  }),
};

export type BotConfig = ConfigOf<typeof botSpec>;
