import type { WireTick } from '@tickflow/core';
import type { NatsConnection } from 'nats';
import { describe, expect, it } from 'vitest';
import { validTickJson } from './codec.ts';
import { FrameWriter, frameData } from './frames.ts';

const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

/** A stand-in connection recording what reaches its outbound buffer (unit test: no server here). */
function connection(opts: { raw?: boolean; closed?: boolean; draining?: boolean; maxPayload?: number } = {}) {
  const sent: Uint8Array[] = [];
  const published: { subject: string; data: Uint8Array; header: Uint8Array }[] = [];
  const nc = {
    info: { max_payload: opts.maxPayload ?? 1024 * 1024 },
    isClosed: () => opts.closed ?? false,
    isDraining: () => opts.draining ?? false,
    publish: (subject: string, data: Uint8Array, o: { headers: { encode(): Uint8Array } }) =>
      published.push({ subject, data, header: o.headers.encode() }),
    ...(opts.raw === false ? {} : { protocol: { sendCommand: (b: Uint8Array) => sent.push(b) } }),
  };
  return { nc: nc as unknown as NatsConnection, sent, published };
}

/** Ticks over the ranges the feed meets: short and long names, seqs and times of every length. */
function randomTicks(n: number): WireTick[] {
  let x = 7;
  const rnd = () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)] as T;
  return Array.from({ length: n }, () => {
    const t: WireTick = {
      v: 1,
      venue: pick(['x', 'binance', 'feedbench0', 'coinbase_pro']),
      symbol: pick(['BTC-USD', 'A', 'SYN0042-USD', 'XAU-USD']),
      seq: pick([1, 9, 10, 99, 100, Math.floor(rnd() * 1e9), Number.MAX_SAFE_INTEGER]),
      ts: pick([0, 9, 1_770_000_000_000_000 + Math.floor(rnd() * 1e12)]),
      price: pick(['0.0001', '123.45', '65000', '1e-8'.length ? '0.00000001' : '1']),
      size: pick(['1', '0.001', '1.250', '123456.789']),
      recvTs: pick([10, 1_770_000_000_000_000 + Math.floor(rnd() * 1e12)]),
    };
    const side = pick(['buy', 'sell', undefined]);
    if (side) t.side = side as WireTick['side'];
    return t;
  });
}

describe('FrameWriter', () => {
  it('writes a tick frame byte for byte as the frame of its validTickJson text', () => {
    const { nc } = connection();
    const w = new FrameWriter(nc);
    for (const t of randomTicks(2000)) {
      const subject = `ticks.${t.venue}.${t.symbol}`;
      const id = `${t.venue}:${t.symbol}:${t.seq}`;
      const direct = w.tick(subject, id, t);
      const viaText = w.text(subject, id, validTickJson(t));
      expect(text(direct.bytes)).toBe(text(viaText.bytes));
      expect(direct.dataStart).toBe(viaText.dataStart);
      expect(JSON.parse(text(frameData(direct)))).toEqual(t);
    }
  });

  it('falls back to the text frame for a tick whose numbers are not safe integers', () => {
    const { nc } = connection();
    const w = new FrameWriter(nc);
    const t = { ...(randomTicks(1)[0] as WireTick), ts: 1.5 };
    expect(text(w.tick('ticks.a.B', 'a:B:1', t).bytes)).toBe(
      text(w.text('ticks.a.B', 'a:B:1', validTickJson(t)).bytes),
    );
  });

  it('writes the HPUB frame nats.js would send for an ASCII payload', () => {
    const { nc, sent } = connection();
    const w = new FrameWriter(nc);
    const f = w.text('ticks.v.BTC-USD', 'v:BTC-USD:7', '{"v":1}');
    w.send(f);
    const header = 'NATS/1.0\r\nNats-Msg-Id: v:BTC-USD:7\r\n\r\n';
    expect(text(sent[0] as Uint8Array)).toBe(
      `HPUB ticks.v.BTC-USD ${header.length} ${header.length + 7}\r\n${header}{"v":1}\r\n`,
    );
    expect(text(frameData(f))).toBe('{"v":1}');
    expect(f.subject).toBe('ticks.v.BTC-USD');
    expect(f.msgId).toBe('v:BTC-USD:7');
  });

  it('counts bytes, not characters, for a UTF-8 payload and id', () => {
    const { nc, sent } = connection();
    const w = new FrameWriter(nc);
    const data = Buffer.from('{"raw":"é€"}', 'utf8');
    w.send(w.bytes('rejects.v', 'reject:é', data));
    const header = Buffer.from('NATS/1.0\r\nNats-Msg-Id: reject:é\r\n\r\n', 'utf8');
    const frame = sent[0] as Uint8Array;
    expect(text(frame)).toBe(
      `HPUB rejects.v ${header.length} ${header.length + data.length}\r\n${header.toString()}{"raw":"é€"}\r\n`,
    );
  });

  it('keeps earlier frames intact when it moves to a new chunk', () => {
    const { nc } = connection();
    const w = new FrameWriter(nc);
    const payload = 'x'.repeat(1000);
    const frames = Array.from({ length: 600 }, (_, i) => w.text(`s.${i}`, `id${i}`, payload)); // > 256 KiB
    for (const [i, f] of frames.entries()) {
      expect(text(frameData(f))).toBe(payload);
      expect(text(f.bytes).startsWith(`HPUB s.${i} `)).toBe(true);
    }
    const big = 'y'.repeat(300 * 1024); // larger than a chunk: gets a chunk of its own
    expect(text(frameData(w.text('s.big', 'big', big)))).toBe(big);
  });

  it("refuses a message over the server's max_payload, as publish does", () => {
    const { nc, sent } = connection({ maxPayload: 1024 });
    const w = new FrameWriter(nc);
    const id = 'v:S:1';
    const fits = 1024 - (27 + id.length); // header bytes: 27 + the id
    expect(() => w.text('s', id, 'x'.repeat(fits))).not.toThrow();
    expect(() => w.text('s', id, 'x'.repeat(fits + 1))).toThrow(/MAX_PAYLOAD_EXCEEDED/);
    expect(() => w.bytes('s', id, new Uint8Array(fits + 1))).toThrow(/MAX_PAYLOAD_EXCEEDED/);
    expect(sent).toHaveLength(0);
  });

  it('falls back to publish with the same header when nats.js exposes no sendCommand', () => {
    const { nc, sent, published } = connection({ raw: false });
    const w = new FrameWriter(nc);
    w.send(w.text('ticks.v.S', 'v:S:1', '{}'));
    expect(sent).toHaveLength(0);
    expect(published[0]?.subject).toBe('ticks.v.S');
    expect(text(published[0]?.data as Uint8Array)).toBe('{}');
    expect(text(published[0]?.header as Uint8Array)).toBe('NATS/1.0\r\nNats-Msg-Id: v:S:1\r\n\r\n');
  });

  it('refuses to send on a closed or draining connection, as publish does', () => {
    for (const state of [{ closed: true }, { draining: true }]) {
      const { nc, sent } = connection(state);
      const w = new FrameWriter(nc);
      expect(() => w.send(w.text('s', 'id', '{}'))).toThrow(/CONNECTION_(CLOSED|DRAINING)/);
      expect(sent).toHaveLength(0);
    }
  });
});
