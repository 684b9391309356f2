import { partitionOf } from '@tickflow/core';

/** Partition `index` of `count` (`--partition i/n`); count 1 is one instance handling everything. */
export interface Partition {
  index: number;
  count: number;
}

/** The subject token of partition i of n: `p0of2`. */
export const partitionToken = (p: Partition): string => `p${p.index}of${p.count}`;

/** A partition token (`p0of2`) as the last subject token. */
const PARTITION_TOKEN = /^p\d+of\d+$/;

/** The partition token of venue+symbol among `partitions` (FNV-1a, `partitionOf` in core). */
const tokenOf = (venue: string, symbol: string, partitions: number) =>
  partitionToken({ index: partitionOf(venue, symbol, partitions), count: partitions });

/**
 * Subject names for the v1 contracts. Tokens come from validated venues and symbols, which never
 * contain `.`, `*`, `>` or spaces (see @tickflow/core isValidSymbol / isValidVenue).
 *
 * Rejected ticks travel on `rejects.<venue>`, not `ticks.rejected.<venue>`: the latter matches
 * TICKS's `ticks.*.*`, and JetStream refuses two streams with overlapping subjects.
 *
 * Partitioned layout (publishers started with `--partitions n`, n > 1): ticks and decisions carry
 * their venue+symbol's partition as a last token, `ticks.<venue>.<symbol>.p<k>of<n>` and
 * `decisions.<symbol>.p<k>of<n>`, so that instance k of n reads its share through one filter subject
 * (`ticks.*.*.p<k>of<n>`: nats-server 2.9 takes one filter per consumer). With n = 1 the subjects
 * are the plain ones. Readers of everything filter on `ticks.>` / `decisions.>`, both layouts.
 */
export const subjects = {
  tick: (venue: string, symbol: string, partitions = 1) =>
    partitions > 1
      ? `ticks.${venue}.${symbol}.${tokenOf(venue, symbol, partitions)}`
      : `ticks.${venue}.${symbol}`,
  reject: (venue: string) => `rejects.${venue}`,
  decision: (symbol: string, venue = '', partitions = 1) =>
    partitions > 1 ? `decisions.${symbol}.${tokenOf(venue, symbol, partitions)}` : `decisions.${symbol}`,
  fill: (symbol: string) => `fills.${symbol}`,
  /** An order the bot did not fill (in full): `orders.rejected.<symbol>`, `orders.expired.<symbol>`. */
  orderEvent: (status: 'rejected' | 'expired', symbol: string) => `orders.${status}.${symbol}`,
  /** Every tick, plain and partitioned (a filter: streams store `ticks.*.*` and `ticks.*.*.*`). */
  allTicks: 'ticks.>',
  allRejects: 'rejects.*',
  /** Every decision, plain and partitioned. */
  allDecisions: 'decisions.>',
  allFills: 'fills.*',
  allOrderEvents: 'orders.*.*',
  /** The ticks partition `p` reads: `ticks.*.*.p<i>of<n>`, or every tick when n is 1. */
  ticksOf: (p: Partition) => (p.count > 1 ? `ticks.*.*.${partitionToken(p)}` : 'ticks.>'),
  /** The decisions partition `p` reads: `decisions.*.p<i>of<n>`, or every decision when n is 1. */
  decisionsOf: (p: Partition) => (p.count > 1 ? `decisions.*.${partitionToken(p)}` : 'decisions.>'),
} as const;

/**
 * Live subjects: where the stream itself delivers each message it stores, once (RePublish,
 * nats-server ≥ 2.9). A plain core subscriber on `live.decisions.>` sees each decision once even
 * across a broker restart or a leader election, because a copy the stream drops as a duplicate is
 * not republished; a subscriber on `decisions.>` sees what publishers send, re-sends included.
 * DECISIONS, FILLS and ORDERS always republish; TICKS only when the operator asks for it
 * (`tickflow streams apply --live-ticks`: it costs the feed about a third of its throughput).
 */
export const LIVE_PREFIX = 'live.';

export const liveSubjects = {
  allTicks: `${LIVE_PREFIX}ticks.>`,
  allDecisions: `${LIVE_PREFIX}decisions.>`,
  allFills: `${LIVE_PREFIX}fills.>`,
  allOrderEvents: `${LIVE_PREFIX}orders.>`,
  /** The live subject a stored subject is republished to: `decisions.BTC-USD` → `live.decisions.BTC-USD`. */
  of: (subject: string) => `${LIVE_PREFIX}${subject}`,
} as const;

/**
 * The subjects each stream stores: the plain layout, and the partitioned one (a last token more).
 * The second is optional on an existing stream until something publishes partitioned.
 */
export const streamSubjects = {
  TICKS: { plain: 'ticks.*.*', partitioned: 'ticks.*.*.*' },
  REJECTS: { plain: 'rejects.*' },
  DECISIONS: { plain: 'decisions.*', partitioned: 'decisions.*.*' },
  FILLS: { plain: 'fills.*' },
  ORDERS: { plain: 'orders.*.*' },
} as const;

/** What each stream republishes to its live subjects; TICKS only with the `liveTicks` setting. */
export const streamRepublish = {
  TICKS: { src: 'ticks.>', dest: liveSubjects.allTicks },
  DECISIONS: { src: 'decisions.>', dest: liveSubjects.allDecisions },
  FILLS: { src: 'fills.>', dest: liveSubjects.allFills },
  ORDERS: { src: 'orders.>', dest: liveSubjects.allOrderEvents },
} as const;

/**
 * The subjects of the same publisher's other series, for one read that covers them all:
 * `ticks.<venue>.*` for `ticks.<venue>.<symbol>`, `ticks.<venue>.*.p0of2` for a partitioned one.
 * Undefined for a subject of one token.
 */
export function siblingsOf(subject: string): string | undefined {
  const tokens = subject.split('.');
  const last = tokens.length - 1;
  const at = last >= 2 && PARTITION_TOKEN.test(tokens[last] ?? '') ? last - 1 : last;
  if (at < 1) return undefined;
  tokens[at] = '*';
  return tokens.join('.');
}

/** Dedup id of a tick in TICKS (`Nats-Msg-Id`): a re-published tick is dropped by the window. */
export function tickMsgId(venue: string, symbol: string, seq: number): string {
  return `${tickMsgIdPrefix(venue, symbol)}${seq}`;
}

/** A venue+symbol's tick ids without the seq (a publisher keeps it per key: id = prefix + seq). */
export function tickMsgIdPrefix(venue: string, symbol: string): string {
  return `${venue}:${symbol}:`;
}
