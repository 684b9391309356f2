import { type ConfigOf, choice, commonSpec, int, num, optionalStr, str } from '@tickflow/runtime';

const ISO_OR_NOW = /^(now|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z)$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/;

export const feedSpec = {
  ...commonSpec,
  port: int({
    flag: 'port',
    env: 'TICKFLOW_FEED_PORT',
    description: 'HTTP port (health, metrics)',
    default: 8082,
    min: 0,
    max: 65535,
  }),
  partitions: int({
    flag: 'partitions',
    env: 'TICKFLOW_PARTITIONS',
    description:
      'n > 1: publish each tick on ticks.<venue>.<symbol>.p<k>of<n> (k its partition) so that signals and bot instances with --partition k/n read only their share (docs/SCALING.md)',
    default: 1,
    min: 1,
    max: 1024,
  }),
  source: choice({
    flag: 'source',
    env: 'TICKFLOW_FEED_SOURCE',
    description: 'where ticks come from',
    default: 'synthetic',
    choices: ['synthetic', 'replay', 'binance', 'coinbase', 'ws'] as const,
  }),
  venue: optionalStr({
    flag: 'venue',
    env: 'TICKFLOW_FEED_VENUE',
    description: 'venue name for synthetic (default synth) and replay (default replay) ticks',
    pattern: /^[a-z0-9_]{1,32}$/,
    hint: 'a lower-case identifier',
  }),
  duration: num({
    flag: 'duration',
    env: 'TICKFLOW_FEED_DURATION',
    description: 'seconds to run, 0 = until stopped or the source ends',
    default: 0,
    min: 0,
  }),
  // synthetic
  symbols: int({
    flag: 'symbols',
    env: 'TICKFLOW_FEED_SYMBOLS',
    description: 'synthetic: number of symbols',
    default: 5,
    min: 1,
    max: 5000,
  }),
  rate: int({
    flag: 'rate',
    env: 'TICKFLOW_FEED_RATE',
    description: 'synthetic: ticks per second (all symbols)',
    default: 1000,
    min: 1,
    max: 2_000_000,
  }),
  pace: choice({
    flag: 'pace',
    env: 'TICKFLOW_FEED_PACE',
    description: 'synthetic: realtime (paced to --rate) or afap (as fast as possible)',
    default: 'realtime',
    choices: ['realtime', 'afap'] as const,
  }),
  count: int({
    flag: 'count',
    env: 'TICKFLOW_FEED_COUNT',
    description: 'synthetic: ticks to generate, 0 = no limit',
    default: 0,
    min: 0,
  }),
  seed: int({
    flag: 'seed',
    env: 'TICKFLOW_FEED_SEED',
    description: 'synthetic: random seed',
    default: 42,
    min: 0,
    max: 2 ** 32 - 1,
  }),
  start: str({
    flag: 'start',
    env: 'TICKFLOW_FEED_START',
    description: 'synthetic: exchange time of the first tick (ISO 8601 UTC), or "now"',
    default: 'now',
    pattern: ISO_OR_NOW,
    hint: '"now" or an ISO time like 2026-11-23T13:30:00Z',
  }),
  timeScale: num({
    flag: 'time-scale',
    env: 'TICKFLOW_FEED_TIME_SCALE',
    description: 'synthetic: simulated seconds per real second (1 = live; 1170 compresses 6.5 h into 20 s)',
    default: 1,
    min: 0.001,
  }),
  regimes: num({
    flag: 'regimes',
    env: 'TICKFLOW_FEED_REGIMES',
    description: 'synthetic: per-tick chance of a volatility regime switch',
    default: 0,
    min: 0,
    max: 1,
  }),
  jumps: num({
    flag: 'jumps',
    env: 'TICKFLOW_FEED_JUMPS',
    description: 'synthetic: per-tick chance of a price jump (~2 %)',
    default: 0,
    min: 0,
    max: 1,
  }),
  // replay
  file: optionalStr({
    flag: 'file',
    env: 'TICKFLOW_FEED_FILE',
    description: 'replay: CSV or NDJSON tick file (.gz accepted)',
  }),
  mapping: optionalStr({
    flag: 'mapping',
    env: 'TICKFLOW_FEED_MAPPING',
    description: 'ws: JSON file saying how a venue spells a trade (docs/FEED.md)',
  }),
  speed: num({
    flag: 'speed',
    env: 'TICKFLOW_FEED_SPEED',
    description: 'replay: 1 = original timing, 10 = ten times faster, 0 = as fast as possible',
    default: 1,
    min: 0,
  }),
  from: optionalStr({
    flag: 'from',
    env: 'TICKFLOW_FEED_FROM',
    description: 'replay: first exchange time to include (ISO 8601 UTC)',
    pattern: ISO,
    hint: 'an ISO time',
  }),
  to: optionalStr({
    flag: 'to',
    env: 'TICKFLOW_FEED_TO',
    description: 'replay: exchange time to stop before (ISO 8601 UTC)',
    pattern: ISO,
    hint: 'an ISO time',
  }),
  replayFormat: optionalStr({
    flag: 'replay-format',
    env: 'TICKFLOW_FEED_REPLAY_FORMAT',
    description: 'replay: csv or ndjson (default: from the file name)',
    pattern: /^(csv|ndjson)$/,
    hint: 'csv or ndjson',
  }),
  columns: optionalStr({
    flag: 'columns',
    env: 'TICKFLOW_FEED_COLUMNS',
    description:
      'replay: the file’s names for our fields, e.g. price=px,size=qty (fields: ts, symbol, price, size, side, venue, trade_id)',
    pattern: /^[a-z_]+=[^,=]+(,[a-z_]+=[^,=]+)*$/,
    hint: 'field=name[,field=name…], e.g. price=px,size=qty',
  }),
  ignoreColumns: optionalStr({
    flag: 'ignore-columns',
    env: 'TICKFLOW_FEED_IGNORE_COLUMNS',
    description:
      'replay: CSV columns or NDJSON keys to skip (comma-separated); any other unknown name is refused',
  }),
  // exchanges
  url: optionalStr({
    flag: 'url',
    env: 'TICKFLOW_FEED_URL',
    description:
      'binance/coinbase/ws: WebSocket URL (default: the venue’s public endpoint, or the mapping’s url)',
  }),
  markets: str({
    flag: 'markets',
    env: 'TICKFLOW_FEED_MARKETS',
    description: 'binance/coinbase: comma-separated markets in our spelling',
    default: 'BTC-USD,ETH-USD',
    pattern: /^[A-Z0-9]{1,20}(-[A-Z0-9]{1,20})?(,[A-Z0-9]{1,20}(-[A-Z0-9]{1,20})?)*$/,
    hint: 'e.g. BTC-USDT,ETH-USDT',
  }),
  staleAfter: num({
    flag: 'stale-after',
    env: 'TICKFLOW_FEED_STALE_AFTER',
    description: 'binance/coinbase/ws: seconds without a message before the staleness alarm',
    default: 30,
    min: 1,
  }),
  // hygiene
  spikePct: num({
    flag: 'spike-pct',
    env: 'TICKFLOW_FEED_SPIKE_PCT',
    description: 'quarantine prices further than this % from the rolling median (0 = off)',
    default: 10,
    min: 0,
  }),
  spikeWindow: int({
    flag: 'spike-window',
    env: 'TICKFLOW_FEED_SPIKE_WINDOW',
    description: 'prices in the spike filter’s rolling median',
    default: 51,
    min: 3,
    max: 10_001,
  }),
  dedupWindow: int({
    flag: 'dedup-window',
    env: 'TICKFLOW_FEED_DEDUP_WINDOW',
    description: 'venue trade ids remembered per symbol to drop replays',
    default: 10_000,
    min: 1,
    max: 10_000_000,
  }),
  maxFuture: num({
    flag: 'max-future',
    env: 'TICKFLOW_FEED_MAX_FUTURE',
    description: 'seconds an exchange time may be ahead of our clock',
    default: 5,
    min: 0,
  }),
  // durable publishing
  outboxMib: int({
    flag: 'outbox-mib',
    env: 'TICKFLOW_FEED_OUTBOX_MIB',
    description: 'MiB of unconfirmed ticks kept for re-sending',
    default: 64,
    min: 1,
    max: 16_384,
  }),
  overflow: choice({
    flag: 'overflow',
    env: 'TICKFLOW_FEED_OVERFLOW',
    description: 'when the outbox is full: block the source, or drop-oldest (counted, logged)',
    default: 'block',
    choices: ['block', 'drop-oldest'] as const,
  }),
  confirmStallSeconds: int({
    flag: 'confirm-stall-seconds',
    env: 'TICKFLOW_FEED_CONFIRM_STALL_SECONDS',
    description: 'health is degraded when ticks wait and JetStream confirmed nothing for this long',
    default: 10,
    min: 1,
  }),
  confirmEvery: int({
    flag: 'confirm-every',
    env: 'TICKFLOW_FEED_CONFIRM_EVERY',
    description: 'ticks between confirmations (a read-back of what TICKS stored)',
    default: 5000,
    min: 1,
    max: 1_000_000,
  }),
};

export type FeedConfig = ConfigOf<typeof feedSpec>;
