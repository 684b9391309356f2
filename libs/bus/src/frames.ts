import type { WireTick } from '@tickflow/core';
import { ErrorCode, type NatsConnection, NatsError } from 'nats';
import { validTickJson } from './codec.ts';
import { msgIdHeader } from './msg-id-header.ts';
import { MSG_ID_HEADER_HEAD, tickFrameSize, writableTick, writeTickFrame } from './tick-frame.ts';

/** One message as it goes on the wire: an HPUB frame with its `Nats-Msg-Id` header. */
export interface Frame {
  subject: string;
  msgId: string;
  /** `HPUB <subject> <hlen> <len>\r\n<header><payload>\r\n`, a view into a shared chunk. */
  bytes: Uint8Array;
  /** Where the payload starts in `bytes` (it ends 2 bytes before the end). */
  dataStart: number;
}

/** The payload of a frame (a view, no copy). */
export const frameData = (f: Frame): Uint8Array => f.bytes.subarray(f.dataStart, f.bytes.length - 2);

const CHUNK_BYTES = 256 * 1024;
const HEADER_HEAD = MSG_ID_HEADER_HEAD;
const HEADER_FIXED = HEADER_HEAD.length + 4; // + `\r\n\r\n` after the id

/** The part of nats.js's protocol handler a frame is handed to (internal to nats.js 2.x). */
interface RawSender {
  sendCommand(frame: Uint8Array): void;
}

/**
 * Writes each message's whole HPUB frame into shared 256 KiB chunks and hands it to the
 * connection's outbound buffer as is. nats.js's `publish` builds the same bytes from four pieces
 * (a protocol line string it encodes, the header's own buffer, the payload, CRLF), which cost the
 * feed about a third of its CPU per tick with the garbage; a re-send hands over the same frame.
 *
 * The frame goes through nats.js's own outbound buffer, so it keeps its place among the
 * connection's other traffic (read-backs, JetStream publishes) and is dropped with the rest of
 * that buffer on a reconnect, exactly like a `publish`. Should a nats.js release no longer expose
 * `protocol.sendCommand`, every message goes through `publish` instead (same bytes, slower).
 */
export class FrameWriter {
  private chunk = Buffer.allocUnsafeSlow(CHUNK_BYTES);
  private used = 0;
  private readonly raw: RawSender | undefined;

  constructor(private readonly nc: NatsConnection) {
    // nats.js keeps its protocol handler on the connection object; not part of its typed API.
    const protocol = (nc as unknown as { protocol?: Partial<RawSender> }).protocol;
    this.raw = typeof protocol?.sendCommand === 'function' ? (protocol as RawSender) : undefined;
  }

  /**
   * A frame for a payload given as text the caller knows to be ASCII (a tick that passed
   * validation: see encodeValidTick). Subject and id are tokens, ASCII too.
   */
  text(subject: string, msgId: string, ascii: string): Frame {
    const hlen = HEADER_FIXED + msgId.length;
    this.checkPayload(hlen + ascii.length);
    const line = `HPUB ${subject} ${hlen} ${hlen + ascii.length}\r\n`;
    const size = line.length + hlen + ascii.length + 2;
    const at = this.reserve(size);
    this.chunk.write(`${line}${HEADER_HEAD}${msgId}\r\n\r\n${ascii}\r\n`, at, size, 'latin1');
    return { subject, msgId, bytes: this.chunk.subarray(at, at + size), dataStart: line.length + hlen };
  }

  /**
   * A frame for a validated tick (encodeValidTick's precondition), its JSON written straight into
   * the chunk: the bytes of `text(subject, msgId, validTickJson(t))` without building any string.
   */
  tick(subject: string, msgId: string, t: WireTick): Frame {
    if (!writableTick(t)) return this.text(subject, msgId, validTickJson(t));
    const size = tickFrameSize(subject, msgId, t);
    this.checkPayload(size.hlen + size.payload);
    const at = this.reserve(size.frame);
    const dataStart = writeTickFrame(this.chunk, at, subject, msgId, t, size);
    return { subject, msgId, bytes: this.chunk.subarray(at, at + size.frame), dataStart };
  }

  /** A frame for any payload bytes (ids and subjects may then be any UTF-8). */
  bytes(subject: string, msgId: string, data: Uint8Array): Frame {
    const hlen = HEADER_FIXED + Buffer.byteLength(msgId);
    this.checkPayload(hlen + data.byteLength);
    const line = `HPUB ${subject} ${hlen} ${hlen + data.byteLength}\r\n`;
    const head = `${line}${HEADER_HEAD}${msgId}\r\n\r\n`;
    const headBytes = Buffer.byteLength(head);
    const size = headBytes + data.byteLength + 2;
    const at = this.reserve(size);
    this.chunk.write(head, at, headBytes, 'utf8');
    this.chunk.set(data, at + headBytes);
    this.chunk[at + size - 2] = 13;
    this.chunk[at + size - 1] = 10;
    return { subject, msgId, bytes: this.chunk.subarray(at, at + size), dataStart: headBytes };
  }

  /** Sends a frame on the connection, throwing as `publish` would on a closed or draining one. */
  send(frame: Frame): void {
    if (!this.raw) {
      this.nc.publish(frame.subject, frameData(frame), msgIdHeader(frame.msgId));
      return;
    }
    if (this.nc.isClosed()) throw NatsError.errorForCode(ErrorCode.ConnectionClosed);
    if (this.nc.isDraining()) throw NatsError.errorForCode(ErrorCode.ConnectionDraining);
    this.raw.sendCommand(frame.bytes);
  }

  /**
   * Refuses a message over the server's max_payload as `publish` does: the server would answer
   * it with an error and close the connection.
   */
  private checkPayload(len: number): void {
    const max = this.nc.info?.max_payload;
    if (max !== undefined && len > max) throw NatsError.errorForCode(ErrorCode.MaxPayloadExceeded);
  }

  /** Room for `size` bytes: the current chunk, or a new one (a frame never spans two). */
  private reserve(size: number): number {
    if (this.used + size > this.chunk.length) {
      this.chunk = Buffer.allocUnsafeSlow(Math.max(CHUNK_BYTES, size));
      this.used = 0;
    }
    const at = this.used;
    this.used += size;
    return at;
  }
}
