import { type ConfigOf, commonSpec, int, optionalStr, str } from '@tickflow/runtime';

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
    description: 'prefix of the durable consumers (<prefix> on DECISIONS, <prefix>-marks on TICKS)',
    default: 'bot',
    pattern: /^[A-Za-z0-9_-]{1,58}$/,
    hint: 'letters, digits, _ or -',
  }),
  adminToken: optionalStr({
    flag: 'admin-token',
    env: 'TICKFLOW_BOT_ADMIN_TOKEN',
    description: 'bearer token for POST /v1/halt and /v1/resume (unset: those endpoints answer 403)',
  }),
  feeBps: str({
    flag: 'fee-bps',
    env: 'TICKFLOW_BOT_FEE_BPS',
    description: 'taker fee in basis points of notional',
    default: '1',
    pattern: DECIMAL,
    hint: 'a non-negative decimal',
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
