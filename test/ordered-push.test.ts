import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Bus,
  type Consumption,
  consumeFrom,
  encode,
  freePort,
  type NatsServerHandle,
  startNatsServer,
} from '@tickflow/bus';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from './nats-harness.ts';

/** Stores `n` ticks on `ticks.t.<symbol>` with core publishes and waits until TICKS holds them. */
async function store(bus: Bus, from: number, n: number, symbol = 'AAA'): Promise<void> {
  const before = (await bus.jsm.streams.info('TICKS')).state.messages;
  for (let i = from; i < from + n; i++) bus.nc.publish(`ticks.t.${symbol}`, encode({ i }));
  await waitFor('stored', async () => (await bus.jsm.streams.info('TICKS')).state.messages >= before + n);
}

describe('consumeFrom (ordered push consumer) against a real nats-server', () => {
  let dir: string;
  let server: NatsServerHandle | undefined;
  let bus: Bus | undefined;
  let consumption: Consumption | undefined;

  afterEach(async () => {
    await consumption?.stop();
    await bus?.nc.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
    consumption = bus = server = undefined;
  });

  async function start(port?: number): Promise<NatsServerHandle> {
    server = await startNatsServer({ storeDir: join(dir, 'nats'), ...(port ? { port } : {}) });
    return server;
  }

  /** Follows TICKS from its first message, recording stream sequences and consumer re-creations. */
  async function follow(b: Bus, opts: { heartbeatMs?: number } = {}) {
    const seqs: number[] = [];
    const resets: string[] = [];
    consumption = await consumeFrom(
      b,
      'TICKS',
      1,
      (m) => seqs.push(m.streamSeq),
      () => {},
      { ...opts, onReset: (reason) => resets.push(reason) },
    );
    return { seqs, resets };
  }

  async function connect(): Promise<Bus> {
    dir = mkdtempSync(join(tmpdir(), 'tickflow-push-'));
    const s = await start(await freePort());
    bus = await Bus.connect({ url: s.url, name: 'push-test' });
    await bus.ensureStreams();
    return bus;
  }

  it('delivers from the start sequence in stream order, then the messages stored later', async () => {
    const b = await connect();
    await store(b, 1, 5000);
    const seqs: number[] = [];
    const values: number[] = [];
    consumption = await consumeFrom(
      b,
      'TICKS',
      1001,
      (m) => {
        seqs.push(m.streamSeq);
        values.push((JSON.parse(Buffer.from(m.data).toString()) as { i: number }).i);
      },
      (err) => {
        throw err;
      },
    );
    await store(b, 5001, 3000);
    await waitFor('8,000 − 1,000 delivered', () => seqs.length >= 7000);
    expect(seqs).toEqual(Array.from({ length: 7000 }, (_, k) => k + 1001));
    expect(values).toEqual(seqs);
  });

  it('keeps only the filtered subject and reports the pending count', async () => {
    const b = await connect();
    await store(b, 1, 100, 'AAA');
    await store(b, 101, 50, 'BBB');
    const got: { subject: string; pending: number }[] = [];
    consumption = await consumeFrom(
      b,
      'TICKS',
      1,
      (m) => got.push({ subject: m.subject, pending: m.pending }),
      () => {},
      { filterSubject: 'ticks.t.BBB' },
    );
    await waitFor('50 delivered', () => got.length >= 50);
    expect(new Set(got.map((g) => g.subject))).toEqual(new Set(['ticks.t.BBB']));
    expect(got[0]?.pending).toBe(49);
    expect(got.at(-1)?.pending).toBe(0);
  });

  it('passes a handler error to onError and goes on with the next message', async () => {
    const b = await connect();
    await store(b, 1, 10);
    const failed: number[] = [];
    const ok: number[] = [];
    consumption = await consumeFrom(
      b,
      'TICKS',
      1,
      (m) => {
        if (m.streamSeq === 4) throw new Error('bad tick');
        ok.push(m.streamSeq);
      },
      (_err, m) => failed.push(m.streamSeq),
    );
    await waitFor('9 handled', () => ok.length >= 9);
    expect(failed).toEqual([4]);
    expect(ok).toEqual([1, 2, 3, 5, 6, 7, 8, 9, 10]);
  });

  it('holds the server back while beforeFlowControl is pending, then goes on in order', async () => {
    const b = await connect();
    const n = 40_000;
    await store(b, 1, n);
    const seqs: number[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let asked = 0;
    consumption = await consumeFrom(
      b,
      'TICKS',
      1,
      (m) => seqs.push(m.streamSeq),
      () => {},
      {
        beforeFlowControl: () => {
          asked++;
          return held;
        },
      },
    );
    await waitFor('a flow-control request', () => asked > 0);
    await new Promise((r) => setTimeout(r, 300));
    const whileHeld = seqs.length;
    await new Promise((r) => setTimeout(r, 300));
    // The server waits for the answer: nothing more arrives while it is held.
    expect(seqs.length).toBe(whileHeld);
    expect(whileHeld).toBeLessThan(n);
    release();
    await waitFor('all delivered', () => seqs.length >= n);
    expect(seqs).toEqual(Array.from({ length: n }, (_, k) => k + 1));
  });

  it('recreates a consumer deleted under it and goes on from the next unseen sequence', async () => {
    const b = await connect();
    await store(b, 1, 2000);
    // A short heartbeat: the server says nothing when it deletes a push consumer, so the silence
    // (three missed heartbeats) is what tells.
    const { seqs, resets } = await follow(b, { heartbeatMs: 300 });
    await waitFor('2,000 delivered', () => seqs.length >= 2000);
    for await (const c of b.jsm.consumers.list('TICKS')) await b.jsm.consumers.delete('TICKS', c.name);
    await waitFor('a reset', () => resets.length > 0);
    expect(resets[0]).toMatch(/heartbeat|status/);
    await store(b, 2001, 2000);
    await waitFor('4,000 delivered', () => seqs.length >= 4000);
    expect(seqs).toEqual(Array.from({ length: 4000 }, (_, k) => k + 1));
  });

  it('loses and doubles nothing when the broker is killed and restarted', async () => {
    const b = await connect();
    const port = (server as NatsServerHandle).port;
    await store(b, 1, 20_000);
    const { seqs, resets } = await follow(b);
    await waitFor('some delivered', () => seqs.length > 0);
    (server as NatsServerHandle).process.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    await start(port);
    await waitFor('reconnected', () => resets.includes('reconnect'), 20_000);
    await store(b, 20_001, 1000);
    await waitFor('21,000 delivered', () => seqs.length >= 21_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(seqs).toEqual(Array.from({ length: 21_000 }, (_, k) => k + 1));
  });
});
