import type { ConfirmingPublisherStats } from '@tickflow/bus';
import { Counter, Gauge, Histogram, type Registry } from '@tickflow/runtime';
import type { SourceHealth } from './sources/types.ts';

/** The feed's Prometheus metrics: ticks in/out/rejected/duplicate, outbox, resends, staleness. */
export class FeedMetrics {
  /** Per-venue published counts, moved into the counter at scrape time: no label hashing per tick. */
  private readonly publishedByVenue = new Map<string, { n: number }>();
  private lastVenue = '';
  private lastCount: { n: number } = { n: 0 };
  readonly rejected: Counter<'venue' | 'code'>;
  readonly duplicates: Counter<'venue'>;
  readonly outOfOrder: Counter<'venue'>;
  private readonly received: Counter<'source'>;
  private readonly batchSize: Histogram;
  readonly confirmSeconds: Histogram;
  readonly natsReconnects: Counter;

  constructor(
    registry: Registry,
    private readonly source: string,
    publisher: () => ConfirmingPublisherStats,
    health: () => SourceHealth,
    /** Before a scrape: counts the duplicates the source dropped itself into `duplicates`. */
    syncDuplicates: () => void = () => {},
  ) {
    const registers = [registry];
    this.received = new Counter({
      name: 'tickflow_feed_events_total',
      help: 'Events from the source',
      labelNames: ['source'],
      registers,
    });
    const publishedByVenue = this.publishedByVenue;
    const reported = new Map<string, number>();
    new Counter({
      name: 'tickflow_feed_ticks_published_total',
      help: 'Ticks sent to TICKS (confirmed later: see tickflow_feed_outbox_messages)',
      labelNames: ['venue'],
      registers,
      collect() {
        for (const [venue, { n }] of publishedByVenue) {
          const delta = n - (reported.get(venue) ?? 0);
          if (delta > 0) this.inc({ venue }, delta);
          reported.set(venue, n);
        }
      },
    });
    this.rejected = new Counter({
      name: 'tickflow_feed_ticks_rejected_total',
      help: 'Inputs quarantined to REJECTS, by reason code',
      labelNames: ['venue', 'code'],
      registers,
    });
    this.duplicates = new Counter({
      name: 'tickflow_feed_duplicates_dropped_total',
      help: 'Trades dropped as replays of a recent venue trade id (by the source after a reconnect, or the pipeline)',
      labelNames: ['venue'],
      registers,
      collect: syncDuplicates,
    });
    this.outOfOrder = new Counter({
      name: 'tickflow_feed_out_of_order_total',
      help: 'Trades published with an exchange time earlier than the symbol’s latest',
      labelNames: ['venue'],
      registers,
    });
    this.batchSize = new Histogram({
      name: 'tickflow_feed_batch_size',
      help: 'Events per source batch',
      buckets: [1, 10, 100, 1000, 10_000],
      registers,
    });
    this.confirmSeconds = new Histogram({
      name: 'tickflow_feed_confirm_seconds',
      help: 'Time of one JetStream confirmation round (the durable publish latency of a window)',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2],
      registers,
    });
    this.natsReconnects = new Counter({
      name: 'tickflow_feed_nats_reconnects_total',
      help: 'Reconnections to NATS',
      registers,
    });
    new Gauge({
      name: 'tickflow_feed_source_reconnects',
      help: 'Reconnections of the source to its venue',
      registers,
      collect() {
        this.set(health().reconnects ?? 0);
      },
    });
    const stat = (name: string, help: string, pick: (s: ConfirmingPublisherStats) => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(pick(publisher()));
        },
      });
    stat(
      'tickflow_feed_outbox_messages',
      'Messages sent but not yet confirmed by the stream',
      (s) => s.outboxMessages,
    );
    stat('tickflow_feed_outbox_bytes', 'Bytes held for re-sending until confirmed', (s) => s.outboxBytes);
    stat('tickflow_feed_confirmed_total', 'Messages the stream confirmed', (s) => s.confirmed);
    stat(
      'tickflow_feed_resent_total',
      'Messages re-sent after a lost confirmation or a reconnect',
      (s) => s.resent,
    );
    stat(
      'tickflow_feed_dropped_total',
      'Messages dropped from a full outbox (drop-oldest policy)',
      (s) => s.dropped,
    );
    new Gauge({
      name: 'tickflow_feed_source_stale',
      help: '1 when the source has been silent longer than its staleness threshold',
      registers,
      collect() {
        this.set(health().stale ? 1 : 0);
      },
    });
  }

  countPublished(venue: string): void {
    if (venue !== this.lastVenue) {
      let c = this.publishedByVenue.get(venue);
      if (!c) {
        c = { n: 0 };
        this.publishedByVenue.set(venue, c);
      }
      this.lastVenue = venue;
      this.lastCount = c;
    }
    this.lastCount.n++;
  }

  observeBatch(n: number): void {
    this.received.inc({ source: this.source }, n);
    this.batchSize.observe(n);
  }
}
