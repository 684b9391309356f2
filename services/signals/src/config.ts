import { type ConfigOf, commonSpec, int, optionalStr, str, url } from '@tickflow/runtime';

export const signalsSpec = {
  ...commonSpec,
  port: int({
    flag: 'port',
    env: 'TICKFLOW_SIGNALS_PORT',
    description: 'HTTP port',
    default: 8080,
    min: 0,
    max: 65535,
  }),
  durable: str({
    flag: 'durable',
    env: 'TICKFLOW_SIGNALS_DURABLE',
    description: 'instance name: its checkpoint key in KV (tickflow_checkpoints, signals.<name>)',
    default: 'signals',
    pattern: /^[A-Za-z0-9_-]{1,64}$/,
    hint: 'letters, digits, _ or -',
  }),
  partition: str({
    flag: 'partition',
    env: 'TICKFLOW_SIGNALS_PARTITION',
    description:
      'this instance’s share i/n of the venue+symbols (FNV-1a hash mod n); give each instance its own --durable',
    default: '0/1',
    pattern: /^\d+\/\d+$/,
    hint: 'i/n, e.g. 0/2',
  }),
  checkpointMs: int({
    flag: 'checkpoint-ms',
    env: 'TICKFLOW_SIGNALS_CHECKPOINT_MS',
    description: 'ms between checkpoints of state + TICKS position (a restart replays at most this much)',
    default: 2000,
    min: 50,
    max: 3_600_000,
  }),
  gapTimeoutMs: int({
    flag: 'gap-timeout-ms',
    env: 'TICKFLOW_SIGNALS_GAP_TIMEOUT_MS',
    description:
      'ms a venue+symbol seq gap may stay open (later ticks held) before the missing ticks are read back from TICKS; ticks not there are an alarm (GAP_SKIPPED)',
    default: 2000,
    min: 10,
    max: 3_600_000,
  }),
  gapHoldTicks: int({
    flag: 'gap-hold-ticks',
    env: 'TICKFLOW_SIGNALS_GAP_HOLD_TICKS',
    description: 'ticks one venue+symbol may hold behind a gap before it is read back at once',
    default: 10_000,
    min: 1,
    max: 10_000_000,
  }),
  gapHoldTotal: int({
    flag: 'gap-hold-total',
    env: 'TICKFLOW_SIGNALS_GAP_HOLD_TOTAL',
    description: 'ticks held behind gaps in all lanes before intake pauses for a read-back',
    default: 100_000,
    min: 1,
    max: 100_000_000,
  }),
  strategies: optionalStr({
    flag: 'strategies',
    env: 'TICKFLOW_SIGNALS_STRATEGIES',
    description:
      'JSON file of per-symbol strategies, sizing and risk gates (docs/STRATEGIES.md); default: SMA cross with --fast/--slow/--qty',
  }),
  fast: int({
    flag: 'fast',
    env: 'TICKFLOW_SIGNALS_FAST',
    description: 'fast SMA period (ticks)',
    default: 10,
    min: 1,
    max: 100_000,
  }),
  slow: int({
    flag: 'slow',
    env: 'TICKFLOW_SIGNALS_SLOW',
    description: 'slow SMA period (ticks)',
    default: 30,
    min: 2,
    max: 100_000,
  }),
  qty: str({
    flag: 'qty',
    env: 'TICKFLOW_SIGNALS_QTY',
    description: 'quantity per decision (decimal)',
    default: '1',
    pattern: /^\d+(\.\d+)?$/,
    hint: 'a positive decimal like 1 or 0.5',
  }),
  botUrl: url({
    flag: 'bot-url',
    env: 'TICKFLOW_SIGNALS_BOT_URL',
    description: 'base URL of the bot’s REST API, proxied for the dashboard (/v1/dashboard/bot)',
    default: 'http://127.0.0.1:8081',
    protocols: ['http', 'https'],
  }),
  feedUrl: url({
    flag: 'feed-url',
    env: 'TICKFLOW_SIGNALS_FEED_URL',
    description:
      'base URL of the feed’s HTTP server, whose /metrics the dashboard shows (/v1/dashboard/feed)',
    default: 'http://127.0.0.1:8082',
    protocols: ['http', 'https'],
  }),
  reportsDir: str({
    flag: 'reports-dir',
    env: 'TICKFLOW_REPORTS_DIR',
    description: 'where eod writes reports/<date>/: the dashboard links the latest',
    default: './reports',
  }),
};

export type SignalsConfig = ConfigOf<typeof signalsSpec>;
