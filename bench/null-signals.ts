/**
 * The latency floor of the signals stage: a process that does what signals must do to see a tick
 * and answer it — read TICKS through the same durable-stream consumer (JetStream push, in stream
 * order), or, with `core`, take the feed's core publishes directly — and does none of the work:
 * no validation, no indicators, no strategy, no confirmation. Every 35th tick of a symbol (about
 * signals' decision rate in the latency bench) it publishes a decision-shaped message carrying the
 * tick's recvTs, which the bench's monitor times like a real decision.
 * Usage: node --import tsx bench/null-signals.ts <nats-url> [jetstream|core]
 */
import { Bus, consumeFrom, subjects } from '@tickflow/bus';

const url = process.argv[2] ?? 'nats://127.0.0.1:4222';
const mode = process.argv[3] === 'core' ? 'core' : 'jetstream';
const bus = await Bus.connect({ url, name: `bench-null-signals-${mode}` });
await bus.ensureStreams();
const decoder = new TextDecoder();
const encoder = new TextEncoder();

const answer = (data: Uint8Array) => {
  const t = JSON.parse(decoder.decode(data)) as {
    venue: string;
    symbol: string;
    seq: number;
    recvTs: number;
  };
  if (t.seq % 35 !== 0) return;
  const d = { venue: t.venue, symbol: t.symbol, tickSeq: t.seq, tickRecvTs: t.recvTs };
  bus.nc.publish(subjects.decision(t.symbol), encoder.encode(JSON.stringify(d)));
};

let stop: () => Promise<void>;
if (mode === 'core') {
  const unsubscribe = bus.subscribe(subjects.allTicks, (_s, data) => answer(data));
  stop = async () => unsubscribe();
} else {
  const c = await consumeFrom(
    bus,
    'TICKS',
    1,
    (m) => answer(m.data),
    (err) => console.error(err),
    { filterSubject: subjects.allTicks },
  );
  stop = () => c.stop();
}
await bus.flush();
process.stdout.write('ready\n');
process.on('SIGTERM', () => void stop().then(() => bus.drain().then(() => process.exit(0))));
