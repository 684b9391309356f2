import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { Bus, decode, readStream } from '@tickflow/bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNats, type TestNats } from './nats-harness.ts';
import { exitCode, spawnTickflow } from './tickflow-process.ts';

/** 2026-11-23T14:30:00Z in epoch µs. */
const T0 = 1_795_444_200_000_000;
const HEADER = 'ts,symbol,price,size,side,trade_id';
const rows = (n: number): string[] =>
  Array.from(
    { length: n },
    (_, i) => `${T0 + i * 1000},BTC-USD,${(87000 + (i % 89) / 100).toFixed(2)},0.01,buy,${i + 1}`,
  );

describe('tickflow feed with bad replay input, against a real nats-server', () => {
  let nats: TestNats;
  let bus: Bus;
  let dir: string;
  const file = (name: string, content: string | Buffer): string => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  /** Runs `tickflow feed --source replay` to its end: exit code and what it wrote. */
  const feed = async (path: string, venue: string, ...extra: string[]) => {
    const p = spawnTickflow(
      [
        'feed',
        '--source',
        'replay',
        '--file',
        path,
        '--speed',
        '0',
        '--port',
        '0',
        '--venue',
        venue,
        ...extra,
      ],
      { NATS_URL: nats.url },
      { capture: true },
    );
    return { code: await exitCode(p.child), output: p.output() };
  };
  /** TICKS and REJECTS messages of one venue. */
  const stored = async (venue: string) => {
    const out = {
      ticks: [] as { seq: number }[],
      rejects: [] as { code: string; raw: string; reason: string }[],
    };
    for (const stream of ['TICKS', 'REJECTS'] as const) {
      await readStream(bus.js, bus.jsm, stream, (m) => {
        const msg = decode(m.data) as {
          venue: string;
          seq: number;
          code: string;
          raw: string;
          reason: string;
        };
        if (msg.venue !== venue) return;
        if (stream === 'TICKS') out.ticks.push(msg);
        else out.rejects.push(msg);
      });
    }
    return out;
  };

  beforeAll(async () => {
    nats = await startTestNats();
    bus = await Bus.connect({ url: nats.url, name: 'feed-bad-input-test' });
    dir = mkdtempSync(join(tmpdir(), 'tickflow-bad-input-'));
  });
  afterAll(async () => {
    await bus?.drain();
    await nats?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes every readable row of a gzip file cut in half, quarantines the cut line and exits 1 saying where', async () => {
    const whole = gzipSync(`${[HEADER, ...rows(20_000)].join('\n')}\n`);
    const half = whole.subarray(0, whole.length >> 1);
    const text = gunzipSync(half, { finishFlush: constants.Z_SYNC_FLUSH }).toString();
    const complete = text.slice(0, text.lastIndexOf('\n') + 1);
    const readableRows = complete.split('\n').length - 2;
    const { code, output } = await feed(file('half.csv.gz', half), 'cut');
    expect(code).toBe(1);
    expect(output).toContain(
      `in the middle of line ${readableRows + 2} (byte offset ${complete.length} of the text`,
    );
    expect(output).not.toMatch(/\n\s+at /); // no stack trace on stderr
    const { ticks, rejects } = await stored('cut');
    expect(ticks).toHaveLength(readableRows);
    expect(ticks.map((t) => t.seq)).toEqual(Array.from({ length: readableRows }, (_, i) => i + 1));
    expect(rejects).toEqual([
      expect.objectContaining({ code: 'FILE_TRUNCATED', raw: text.slice(complete.length) }),
    ]);
  });

  it('refuses with exit 2 a .gz file that is not gzip at all', async () => {
    const { code, output } = await feed(file('garbage.csv.gz', 'not gzip at all\n'), 'garbage');
    expect(code).toBe(2);
    expect(output).toContain('is damaged: read failed (incorrect header check) before line 1 (byte offset 0');
  });

  it('refuses a misspelt header column with exit 2 before connecting, naming it and the likely field', async () => {
    const path = file('sdie.csv', `${['ts,symbol,price,size,sdie,trade_id', ...rows(3)].join('\n')}\n`);
    const p = spawnTickflow(
      ['feed', '--source', 'replay', '--file', path, '--port', '0'],
      // Nothing listens there: the refusal comes before any connection attempt.
      { NATS_URL: 'nats://127.0.0.1:1' },
      { capture: true },
    );
    expect(await exitCode(p.child)).toBe(2);
    expect(p.output()).toContain('header column "sdie" is not one tickflow knows: did you mean side?');
    expect(p.output()).not.toMatch(/\n\s+at /);
  });

  it('names a missing column with exit 2 and no stack, and --columns maps it', async () => {
    const lines = ['ts,symbol,px,qty,side,trade_id', ...rows(5)];
    const path = file('px.csv', `${lines.join('\n')}\n`);
    const refused = await feed(path, 'px');
    expect(refused.code).toBe(2);
    expect(refused.output).toContain('has no price column (map with --columns price=px;');
    expect(refused.output).not.toMatch(/\n\s+at /);
    const mapped = await feed(path, 'px', '--columns', 'price=px,size=qty');
    expect(mapped.code).toBe(0);
    expect((await stored('px')).ticks).toHaveLength(5);
    const noPrice = await feed(file('noprice.csv', `ts,symbol,size\n${T0},BTC-USD,1\n`), 'np');
    expect(noPrice).toMatchObject({ code: 2, output: expect.stringContaining('has no price column') });
    const badFlag = await feed(path, 'px', '--columns', 'prise=px');
    expect(badFlag).toMatchObject({ code: 2, output: expect.stringContaining('did you mean price?') });
  });
});
