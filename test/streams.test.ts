import {
  applyStreams,
  Bus,
  DEFAULT_STREAM_LIMITS,
  ensureStreams,
  planStreams,
  STREAM_NAMES,
  type StreamMismatch,
  StreamSubjectsError,
  streamConfig,
  streamStatus,
} from '@tickflow/bus';
import { createLogger, resolveConfig } from '@tickflow/runtime';
import { signalsSpec, startSignals } from '@tickflow/signals';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestNats, type TestNats } from './nats-harness.ts';
import { exitCode, spawnTickflow } from './tickflow-process.ts';

const SEC = 1_000_000_000;

describe('stream settings belong to the operator (a real nats-server)', () => {
  let nats: TestNats;
  let bus: Bus;
  beforeEach(async () => {
    nats = await startTestNats();
    bus = await Bus.connect({ url: nats.url, name: 'streams-test' });
  });
  afterEach(async () => {
    await bus?.drain();
    await nats?.stop();
  });

  it('creates the missing streams with the given replicas and the built-in limits', async () => {
    expect(await ensureStreams(bus.jsm, { replicas: 1 })).toEqual([]);
    for (const name of STREAM_NAMES) {
      const c = (await bus.jsm.streams.info(name)).config;
      expect(c.num_replicas).toBe(1);
      expect(c.max_age).toBe(DEFAULT_STREAM_LIMITS.maxAgeSeconds * SEC);
    }
  });

  it('lets two services that start at once with other settings both start, one naming the difference', async () => {
    const other = await Bus.connect({ url: nats.url, name: 'streams-test-2' });
    try {
      // Whichever creates a stream second is refused it (10058) and compares with the first's.
      const both = await Promise.all([
        bus.ensureStreams(),
        other.ensureStreams({ duplicateWindowSeconds: 60 }),
      ]);
      const diffs = both.flat();
      expect(diffs.map((d) => d.field)).toEqual(Array(STREAM_NAMES.length).fill('duplicate_window'));
      expect(new Set(diffs.map((d) => d.stream)).size).toBe(STREAM_NAMES.length);
    } finally {
      await other.drain();
    }
  });

  it("never changes an existing stream's settings at start, and names each that differs", async () => {
    await bus.ensureStreams();
    await bus.jsm.streams.update('TICKS', {
      ...(await bus.jsm.streams.info('TICKS')).config,
      max_age: 3600 * SEC,
      max_bytes: 1024 ** 3,
      duplicate_window: 30 * SEC,
    });
    const seen: StreamMismatch[] = [];
    const diffs = await bus.ensureStreams(undefined, (m) => seen.push(m));
    expect(seen).toEqual(diffs);
    expect(diffs).toEqual([
      { stream: 'TICKS', field: 'max_age', current: '1 h', wanted: '7 d' },
      { stream: 'TICKS', field: 'max_bytes', current: '1 GiB', wanted: '8 GiB' },
      { stream: 'TICKS', field: 'duplicate_window', current: '30 s', wanted: '120 s' },
    ]);
    const after = (await bus.jsm.streams.info('TICKS')).config;
    expect([after.max_age, after.max_bytes, after.duplicate_window]).toEqual([
      3600 * SEC,
      1024 ** 3,
      30 * SEC,
    ]);
  });

  it('refuses to start on a stream that does not store the subjects tickflow publishes to', async () => {
    await bus.jsm.streams.add({ name: 'FILLS', subjects: ['fills.only.this'] });
    await expect(bus.ensureStreams()).rejects.toThrow(StreamSubjectsError);
    await expect(bus.ensureStreams()).rejects.toThrow(
      /stream FILLS stores fills\.only\.this but not fills\.\*/,
    );
  });

  it('starts on a stream made before the partitioned layout, unless the service uses that layout', async () => {
    await bus.jsm.streams.add({ ...streamConfig('TICKS'), subjects: ['ticks.*.*'] });
    const seen: StreamMismatch[] = [];
    await bus.ensureStreams(undefined, (m) => seen.push(m));
    expect(seen).toContainEqual({
      stream: 'TICKS',
      field: 'subjects',
      current: 'ticks.*.*',
      wanted: 'ticks.*.*.*',
    });
    await expect(bus.ensureStreams(undefined, undefined, { partitioned: true })).rejects.toThrow(
      /stream TICKS stores ticks\.\*\.\* but not ticks\.\*\.\*\.\*/,
    );
  });

  it('logs the differing setting when signals starts on a stream an operator changed, and keeps it', async () => {
    await bus.ensureStreams();
    const c = (await bus.jsm.streams.info('DECISIONS')).config;
    await bus.jsm.streams.update('DECISIONS', { ...c, duplicate_window: 60 * SEC });
    const lines: string[] = [];
    const log = createLogger('signals', 'warn', { write: (l: string) => lines.push(l) });
    const signals = await startSignals(
      resolveConfig(signalsSpec, { port: '0', fast: '3', slow: '5' }, { NATS_URL: nats.url }),
      log,
    );
    await signals.close();
    const warned = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.stream === 'DECISIONS');
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({
      field: 'duplicate_window',
      current: '60 s',
      builtIn: '120 s',
      level: 40,
    });
    expect((await bus.jsm.streams.info('DECISIONS')).config.duplicate_window).toBe(60 * SEC);
  });

  it('plans and applies changes, refusing to lower limits without force', async () => {
    await bus.ensureStreams();
    const c = (await bus.jsm.streams.info('ORDERS')).config;
    await bus.jsm.streams.update('ORDERS', {
      ...c,
      max_age: 3600 * SEC,
      subjects: [...c.subjects, 'extra.ops'],
    });
    await bus.jsm.streams.delete('REJECTS');
    await bus.objectPut('tickflow_checkpoints', 'signals.signals', { at: 1 });
    const plans = await planStreams(bus.jsm, {});
    expect(plans.map((p) => `${p.stream} ${p.action}`)).toEqual([
      'TICKS keep',
      'REJECTS create',
      'DECISIONS keep',
      'FILLS keep',
      'ORDERS update',
      'OBJ_tickflow_checkpoints keep',
    ]);
    expect(plans[4]?.risky).toEqual([]);
    await applyStreams(bus.jsm, plans);
    const orders = (await bus.jsm.streams.info('ORDERS')).config;
    expect(orders.max_age).toBe(DEFAULT_STREAM_LIMITS.maxAgeSeconds * SEC);
    expect(orders.subjects).toContain('extra.ops');
    expect((await bus.jsm.streams.info('REJECTS')).config.num_replicas).toBe(1);

    const shorter = { ...DEFAULT_STREAM_LIMITS, maxBytes: 1024 ** 3 };
    const lowering = await planStreams(bus.jsm, shorter);
    expect(lowering.flatMap((p) => p.risky.map((r) => `${r.stream} ${r.field}`))).toHaveLength(5);
    // An object store has no byte limit of tickflow's: only its replicas are brought along.
    expect(lowering.find((p) => p.stream === 'OBJ_tickflow_checkpoints')?.action).toBe('keep');
    await expect(applyStreams(bus.jsm, lowering)).rejects.toThrow(
      /refusing to lower TICKS max_bytes 8 GiB → 1 GiB/,
    );
    expect((await bus.jsm.streams.info('TICKS')).config.max_bytes).toBe(8 * 1024 ** 3);
    await applyStreams(bus.jsm, lowering, { force: true });
    expect((await bus.jsm.streams.info('TICKS')).config.max_bytes).toBe(1024 ** 3);
  });

  it('gives a stream made before the live subjects its RePublish only by --recreate, and TICKS only with liveTicks', async () => {
    await bus.ensureStreams();
    const fills = (await bus.jsm.streams.info('FILLS')).config;
    expect(fills.republish).toEqual({ src: 'fills.>', dest: 'live.fills.>' });
    expect((await bus.jsm.streams.info('TICKS')).config.republish).toBeUndefined();
    // As made before the live subjects: FILLS without its RePublish (2.9 cannot remove it either).
    await bus.jsm.streams.delete('FILLS');
    const { republish: _, ...old } = fills;
    await bus.jsm.streams.add(old);
    await bus.js.publish('fills.AAA-USD', new TextEncoder().encode('{}'));
    const warned: string[] = [];
    await bus.ensureStreams({}, (m) => warned.push(`${m.stream} ${m.field} ${m.current} → ${m.wanted}`));
    expect(warned).toEqual(['FILLS republish none → fills.> → live.fills.>']);

    const plans = await planStreams(bus.jsm, { liveTicks: true });
    expect(plans.flatMap((p) => p.impossible.map((c) => `${c.stream} ${c.field}`))).toEqual([
      'TICKS republish',
      'FILLS republish',
    ]);
    await expect(applyStreams(bus.jsm, plans)).rejects.toThrow(
      /cannot change TICKS republish, FILLS republish.*--recreate/,
    );
    expect((await bus.jsm.streams.info('FILLS')).state.messages).toBe(1);
    await applyStreams(bus.jsm, plans, { recreate: true });
    expect((await bus.jsm.streams.info('FILLS')).config.republish?.dest).toBe('live.fills.>');
    expect((await bus.jsm.streams.info('TICKS')).config.republish?.dest).toBe('live.ticks.>');
    // A service without --live-ticks leaves the operator's TICKS RePublish alone, and says nothing.
    warned.length = 0;
    await bus.ensureStreams({}, (m) => warned.push(`${m.stream} ${m.field}`));
    expect(warned).toEqual([]);
  });

  it('reports each stream with its settings and contents', async () => {
    await bus.ensureStreams();
    await bus.js.publish('fills.AAA-USD', new TextEncoder().encode('{}'));
    const status = await streamStatus(bus.jsm);
    const fills = status.find((s) => s.stream === 'FILLS');
    expect(fills).toMatchObject({ exists: true, messages: 1, lastSeq: 1, subjects: ['fills.*'] });
    expect(fills?.settings).toMatchObject({
      num_replicas: '1',
      storage: 'file',
      max_bytes: '8 GiB',
      discard: 'new',
    });
  });

  it('runs as tickflow streams apply and status: dry run, refusal with exit 2, apply', async () => {
    const env = { NATS_URL: nats.url };
    const run = async (args: string[]) => {
      const p = spawnTickflow(['streams', ...args], env, { capture: true });
      return { code: await exitCode(p.child), out: p.output() };
    };
    const dry = await run(['apply', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/TICKS: create with replicas 1/);
    expect(dry.out).toMatch(/dry run: nothing changed/);
    expect(await planStreams(bus.jsm)).toSatisfy((p: { action: string }[]) =>
      p.every((x) => x.action === 'create'),
    );
    // A single server has no cluster to hold three copies: NATS refuses, exit 1 with its reason.
    const r3 = await run(['apply', '--replicas', '3']);
    expect(r3.code).toBe(1);
    expect(r3.out).toMatch(/replicas/i);
    expect((await run(['apply'])).code).toBe(0);
    await bus.jsm.streams.update('TICKS', {
      ...(await bus.jsm.streams.info('TICKS')).config,
      max_age: 30 * 86_400 * SEC,
    });
    const refused = await run(['apply']);
    expect(refused.code).toBe(2);
    expect(refused.out).toMatch(/TICKS: update max_age 30 d → 7 d \(lowers: --force\)/);
    const status = await run(['status']);
    expect(status.code).toBe(0);
    expect(status.out).toMatch(
      /TICKS: subjects ticks\.\*\.\*,ticks\.\*\.\*\.\*; file storage, replicas 1, max age 30 d/,
    );
  }, 60_000);
});
