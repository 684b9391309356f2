import type { Bus } from '@tickflow/bus';
import { systemClock } from '@tickflow/core';

/** The first seconds of a run include JIT compilation of four fresh processes on two cores. */
export const WARM_UP_MS = 2000;

export interface LatencySummary {
  p50?: number;
  p99?: number;
  max?: number;
  n: number;
}

/** Nearest-rank percentile of a sorted sample. */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/**
 * Watches the pipeline from outside, as a separate subscriber: counts ticks, decisions and fills
 * and measures tick → decision latency (decision received here minus the feed's recvTs of the
 * tick that caused it; one machine, one clock).
 */
export class PipelineMonitor {
  ticks = 0;
  firstTickAt = 0;
  lastTickAt = 0;
  decisions = 0;
  fills = 0;
  readonly latenciesMs: number[] = [];
  /** Latencies after the warm-up (the first WARM_UP_MS of ticks), when the processes are JIT-warm. */
  readonly steadyLatenciesMs: number[] = [];
  private readonly recvTs = new Map<string, number>();
  private readonly decided = new Set<string>();
  private readonly unsubscribe: (() => void)[] = [];

  private firstDecisionAt = 0;

  /**
   * `followTicks: false` leaves the ticks alone (no tick counts or rate): latency then comes from
   * the decision's own `tickRecvTs`, and the monitor is not one more process parsing every tick on
   * the two cores it measures.
   */
  constructor(bus: Bus, opts: { followTicks?: boolean } = {}) {
    const decoder = new TextDecoder();
    if (opts.followTicks !== false) this.followTicks(bus, decoder);
    this.unsubscribe.push(
      bus.subscribe('decisions.>', (_s, data) => {
        const d = JSON.parse(decoder.decode(data)) as {
          venue: string;
          symbol: string;
          tickSeq: number;
          tickRecvTs?: number;
        };
        const key = `${d.venue}:${d.symbol}:${d.tickSeq}`;
        const recv = d.tickRecvTs ?? this.recvTs.get(key);
        // A re-send after a broker reconnect can repeat a decision already seen here (the
        // stream drops the copy; core subscribers see it): count and time each one once, at its
        // first arrival.
        if (this.decided.has(key)) return;
        this.decided.add(key);
        if (this.decided.size > 200_000) this.decided.clear();
        this.decisions++;
        if (this.decisions === 1) this.firstDecisionAt = performance.now();
        if (recv === undefined) return;
        const ms = (systemClock.nowMicros() - recv) / 1000;
        this.latenciesMs.push(ms);
        if (performance.now() - (this.firstTickAt || this.firstDecisionAt) > WARM_UP_MS)
          this.steadyLatenciesMs.push(ms);
      }),
      bus.subscribe('fills.*', () => {
        this.fills++;
      }),
    );
  }

  private followTicks(bus: Bus, decoder: InstanceType<typeof TextDecoder>): void {
    this.unsubscribe.push(
      bus.subscribe('ticks.>', (_s, data) => {
        const t = JSON.parse(decoder.decode(data)) as {
          venue: string;
          symbol: string;
          seq: number;
          recvTs: number;
        };
        // A re-send after a broker reconnect can repeat a tick already seen here.
        const key = `${t.venue}:${t.symbol}:${t.seq}`;
        if (this.recvTs.has(key)) return;
        this.recvTs.set(key, t.recvTs);
        this.ticks++;
        this.lastTickAt = performance.now();
        if (this.ticks === 1) this.firstTickAt = this.lastTickAt;
        // Bounded: forget the oldest half once it holds 200k ticks.
        if (this.recvTs.size > 200_000) {
          let n = 0;
          for (const k of this.recvTs.keys()) {
            this.recvTs.delete(k);
            if (++n >= 100_000) break;
          }
        }
      }),
    );
  }

  /** Ticks per second seen here, first tick to last. */
  tickRate(): number {
    const secs = (this.lastTickAt - this.firstTickAt) / 1000;
    return secs > 0 ? (this.ticks - 1) / secs : 0;
  }

  /** Percentiles over every decision, or only those after the warm-up. */
  latency(steady = false): LatencySummary {
    const sorted = [...(steady ? this.steadyLatenciesMs : this.latenciesMs)].sort((a, b) => a - b);
    return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1), n: sorted.length };
  }

  close(): void {
    for (const u of this.unsubscribe) u();
  }
}
