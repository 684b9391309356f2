import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bus, readStream, startNatsServer } from '@tickflow/bus';
import { feedSpec, startFeed } from '@tickflow/feed';
import { createLogger, resolveConfig } from '@tickflow/runtime';
import { signalsSpec, startSignals } from '@tickflow/signals';
const N = 500_000;
const dir = mkdtempSync(join(tmpdir(), 'exp13-'));
const sserver = await startNatsServer({ storeDir: join(dir, 'n') });
const feed = await startFeed(resolveConfig(feedSpec, { port: '0', count: String(N), pace: 'afap', symbols: '50', start: '2026-01-05T14:30:00Z', timeScale: '1000', spikePct: '0' }, { NATS_URL: sserver.url }), createLogger('bench', 'warn'));
await feed.done; await feed.close();
const sbus = await Bus.connect({ url: sserver.url, name: 'x' });
for (let r = 0; r < 3; r++) {
  let s = performance.now();
  const n = (await readStream(sbus.js, sbus.jsm, 'TICKS', () => {})).count;
  const raw = n / ((performance.now() - s) / 1000);
  s = performance.now();
  const sig = await startSignals(resolveConfig(signalsSpec, { port: '0', durable: `d${r}` }, { NATS_URL: sserver.url }), createLogger('bench', 'warn'));
  const up = performance.now() - s;
  let first = 0;
  while (sig.service.lastApplied < N) { if (!first && sig.service.lastApplied > 0) first = performance.now() - s; await new Promise((res) => setTimeout(res, 1)); }
  const total = performance.now() - s;
  console.log(`raw ${Math.round(raw)} | startSignals ${Math.round(up)} ms, first tick ${Math.round(first)} ms, all ${Math.round(total)} ms -> ${Math.round(N / total * 1000)}/s; from first tick ${Math.round(N / (total - first) * 1000)}/s`);
  await sig.close();
}
await sbus.drain(); await sserver.stop();
