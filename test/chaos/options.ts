import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

/** The services the campaign can kill, and the broker. */
export const VICTIMS = ['feed', 'signals', 'bot', 'archive', 'broker'] as const;
export type VictimName = (typeof VICTIMS)[number];

export interface ChaosOptions {
  /** Seconds of feed under faults (the drain and the audits come after). */
  duration: number;
  rate: number;
  symbols: number;
  seed: number;
  /** A kill every [min, max] seconds, uniform, seeded. */
  killEvery: [number, number];
  /** At most one broker kill in this many seconds. */
  brokerEvery: number;
  victims: VictimName[];
  /** Where the table (JSON), the process logs, the day log, DuckDB files and reports go. */
  out: string;
  /** Longest wait for signals, bot and the archiver to catch up after the feed stops. */
  drainTimeoutSeconds: number;
  /**
   * Servers of a nats-server cluster to run on (streams at min(n, 3) replicas), a "broker" kill
   * then being a SIGKILL of the node leading TICKS; 0 (the default): one server.
   */
  cluster?: number;
}

export class ChaosUsageError extends Error {
  override name = 'ChaosUsageError';
}

export const HELP = `Usage: npm run chaos -- [options]

The fault campaign (docs/RELIABILITY.md): feed, signals, bot and \`eod archive\` as separate
processes on a private nats-server; every --kill-every seconds one victim, chosen at random
(seeded), is killed with SIGKILL and restarted with the same arguments (the broker at most every
--broker-every seconds, on the same port and store). Then the feed stops cleanly, the pipeline
drains, everything stops, and the audits run. Prints a table, writes it as JSON to
<out>/chaos.json, keeps each process's log in <out>/logs/. Exit 0 when every audit passes, 1 when
one fails, 2 on a usage error.

Options:
  --duration <s>        seconds of feed under faults (default 60)
  --rate <n>            ticks per second, all symbols (default 5000)
  --symbols <n>         synthetic symbols (default 8)
  --seed <n>            seed of the kill schedule and of the market (default 1)
  --kill-every <a-b>    seconds between kills, uniform in [a, b] (default 4-8)
  --broker-every <s>    at least this many seconds between broker kills (default 40)
  --victims <list>      comma-separated, of feed,signals,bot,archive,broker (default all)
  --out <dir>           output directory (default ./chaos-out/<UTC timestamp>)
  --drain-timeout <s>   longest drain after the feed stops (default 180)
  --cluster <n>         run on an n-node nats-server cluster (n >= 3; streams at 3 replicas): a
                        broker kill is then a SIGKILL of the node leading TICKS (default: one server)
  -h, --help            this text
`;

function positive(name: string, text: string | undefined, fallback: number, integer = true): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n)))
    throw new ChaosUsageError(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got ${text}`);
  return n;
}

/** Parses the command line; undefined when --help was asked (the caller prints HELP). */
export function parseChaosArgs(argv: string[], now = new Date()): ChaosOptions | undefined {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        duration: { type: 'string' },
        rate: { type: 'string' },
        symbols: { type: 'string' },
        seed: { type: 'string' },
        'kill-every': { type: 'string' },
        'broker-every': { type: 'string' },
        victims: { type: 'string' },
        out: { type: 'string' },
        'drain-timeout': { type: 'string' },
        cluster: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (cause) {
    throw new ChaosUsageError((cause as Error).message, { cause });
  }
  if (values.help) return undefined;
  const str = (k: string) => values[k] as string | undefined;
  const range = str('kill-every') ?? '4-8';
  const m = /^(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?$/.exec(range);
  if (!m) throw new ChaosUsageError(`--kill-every must be <s> or <min>-<max>, got ${range}`);
  const killEvery: [number, number] = [Number(m[1]), Number(m[2] ?? m[1])];
  if (killEvery[0] <= 0 || killEvery[1] < killEvery[0])
    throw new ChaosUsageError(`--kill-every needs 0 < min <= max, got ${range}`);
  const victims = (str('victims') ?? VICTIMS.join(','))
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  for (const v of victims)
    if (!(VICTIMS as readonly string[]).includes(v))
      throw new ChaosUsageError(`--victims: unknown ${v} (choose from ${VICTIMS.join(',')})`);
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const seedText = str('seed');
  const seed = seedText === undefined ? 1 : Number(seedText);
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1)
    throw new ChaosUsageError(`--seed must be an integer in [0, 2^32), got ${seedText}`);
  const cluster = str('cluster') === undefined ? 0 : positive('cluster', str('cluster'), 0);
  if (cluster !== 0 && cluster < 3)
    throw new ChaosUsageError(
      `--cluster needs at least 3 servers (a quorum survives one loss), got ${cluster}`,
    );
  return {
    ...(cluster ? { cluster } : {}),
    duration: positive('duration', str('duration'), 60, false),
    rate: positive('rate', str('rate'), 5000),
    symbols: positive('symbols', str('symbols'), 8),
    seed,
    killEvery,
    brokerEvery: positive('broker-every', str('broker-every'), 40, false),
    victims: victims as VictimName[],
    out: resolve(str('out') ?? `chaos-out/${stamp}`),
    drainTimeoutSeconds: positive('drain-timeout', str('drain-timeout'), 180, false),
  };
}
