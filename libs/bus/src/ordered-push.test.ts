import { describe, expect, it } from 'vitest';
import { type AckNumbers, ackReplyTokens, readAckReply } from './ordered-push.ts';

describe('readAckReply', () => {
  const out: AckNumbers = { sseq: 0, dseq: 0, pending: 0 };

  it('reads stream seq, consumer seq and pending from a 9-token reply subject', () => {
    const reply = '$JS.ACK.TICKS.abc123.1.4711.42.1764000000000000000.99';
    expect(ackReplyTokens(reply)).toBe(9);
    expect(readAckReply(reply, 9, out)).toBe(true);
    expect(out).toEqual({ sseq: 4711, dseq: 42, pending: 99 });
  });

  it('reads them from a 12-token reply subject with domain, account hash and a trailing token', () => {
    const reply = '$JS.ACK.hub.ACCHASH.TICKS.abc123.2.8000000001.7.1764000000000000000.0.xyz';
    expect(ackReplyTokens(reply)).toBe(12);
    expect(readAckReply(reply, 12, out)).toBe(true);
    expect(out).toEqual({ sseq: 8_000_000_001, dseq: 7, pending: 0 });
  });

  it('refuses a subject with too few tokens', () => {
    expect(readAckReply('$JS.ACK.TICKS', 9, out)).toBe(false);
  });
});
