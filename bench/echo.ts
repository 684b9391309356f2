/** Echo for the raw round-trip baseline: every message on bench.ping goes back on bench.pong. */
import { Bus } from '@tickflow/bus';

const bus = await Bus.connect({ url: process.argv[2] ?? 'nats://127.0.0.1:4222', name: 'bench-echo' });
bus.subscribe('bench.ping', (_s, data) => bus.nc.publish('bench.pong', data));
await bus.flush();
process.stdout.write('ready\n');
process.on('SIGTERM', () => void bus.drain().then(() => process.exit(0)));
