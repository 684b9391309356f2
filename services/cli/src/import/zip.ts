import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { crc32, createInflateRaw } from 'node:zlib';
import {
  centralEntries,
  DESCRIPTOR_FLAG,
  localEntry,
  SIG,
  ZipEntryError,
  type ZipEntryInfo,
} from './zip-directory.ts';

export { ZipEntryError, type ZipEntryInfo } from './zip-directory.ts';

/**
 * An entry whose content does not have the CRC-32 its zip recorded, or whose deflate stream is
 * not valid: nothing of it is imported.
 */
export class ZipCorruptError extends Error {
  override name = 'ZipCorruptError';
  constructor(
    readonly file: string,
    readonly entry: string,
    readonly why: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: entry ${entry} is corrupt: ${why}`, options);
  }
}

const hex = (n: number) => n.toString(16).padStart(8, '0');

/** An entry's bytes streamed, and how many bytes of the file were read. */
export interface ZipEntryStream {
  stream: Readable;
  fileBytes: () => number;
}

/** What checking an entry found: its CRC matches, or the file ends inside it (nothing to check). */
export type ZipCheck = 'ok' | 'cut';

const READ_CHUNK_BYTES = 256 * 1024;

/**
 * Reads every entry of a zip, as an exchange's dumps come (one CSV per entry, usually one entry).
 * The entries come from the central directory when the file has one; a truncated download has none
 * (it sits at the end), so then they are found from the local headers one after another: each
 * entry's compressed size is in its header, or (data descriptor) where its deflate stream ends,
 * which `check` finds. `node:zlib`'s raw inflate stops at the end of the entry's deflate stream, and
 * on a cut-off file fails with "unexpected end of file" after emitting everything before the cut.
 * Stored (uncompressed) entries are read by their size.
 */
export class ZipReader {
  private constructor(
    readonly file: string,
    private readonly listed: ZipEntryInfo[] | undefined,
  ) {}

  static async open(file: string): Promise<ZipReader> {
    const h = await open(file, 'r');
    try {
      const { size } = await h.stat();
      const first = await localEntry(h, file, 0);
      if (!first) throw new ZipEntryError(file, 'is not a zip file (no local file header at its start)');
      return new ZipReader(file, await centralEntries(h, file, size));
    } finally {
      await h.close();
    }
  }

  /** Whether the zip has its central directory (false: cut off, entries found from local headers). */
  get complete(): boolean {
    return this.listed !== undefined;
  }

  /**
   * The entries in file order, directories skipped. Without a central directory each next entry
   * is found after the previous one was checked (`check` learns where it ends); it stops at the
   * first place with no local header, or after an entry the file ends inside.
   */
  async *entries(): AsyncGenerator<ZipEntryInfo> {
    if (this.listed) {
      for (const e of this.listed) if (!e.name.endsWith('/')) yield e;
      return;
    }
    const h = await open(this.file, 'r');
    try {
      for (let at: number | undefined = 0; at !== undefined; ) {
        const e = await localEntry(h, this.file, at);
        if (!e) return;
        if (!e.name.endsWith('/')) yield e;
        at = this.ends.get(e.headerAt);
        if (at === undefined && e.compressedSize !== undefined && !(e.flags & DESCRIPTOR_FLAG))
          at = e.dataStart + e.compressedSize;
      }
    } finally {
      await h.close();
    }
  }

  /** Where each checked entry's bytes (and data descriptor) end: the next local header. */
  private readonly ends = new Map<number, number>();

  /**
   * Inflates the entry once, computing its CRC-32, and compares it with the one the zip recorded
   * (central directory, local header, or data descriptor): ZipCorruptError on a mismatch or a bad
   * deflate stream, 'cut' when the
   * file ends inside the entry (what arrived can still be read).
   */
  async check(e: ZipEntryInfo): Promise<ZipCheck> {
    const { stream, consumed } = this.inflate(e);
    let crc = 0;
    try {
      for await (const chunk of stream) crc = crc32(chunk as Buffer, crc);
    } catch (err) {
      const message = (err as Error).message;
      if (/unexpected end of file/.test(message)) return 'cut';
      if ((err as { code?: unknown }).code === 'Z_DATA_ERROR')
        throw new ZipCorruptError(this.file, e.name, `its deflate data is invalid (${message})`, {
          cause: err,
        });
      throw new ZipEntryError(this.file, `entry ${e.name}: ${message}`, { cause: err });
    }
    const end = e.dataStart + (e.compressedSize ?? consumed());
    let expected = e.crc;
    let next = end;
    if (e.flags & DESCRIPTOR_FLAG) {
      const h = await open(this.file, 'r');
      try {
        const { buffer, bytesRead } = await h.read(Buffer.alloc(28), 0, 28, end);
        const signed = bytesRead >= 4 && buffer.readUInt32LE(0) === SIG.descriptor;
        const at = signed ? 4 : 0;
        if (bytesRead < at + 12) return 'cut';
        expected ??= buffer.readUInt32LE(at);
        // The descriptor's sizes are 4 bytes each, or 8 for a ZIP64 entry: what follows tells which
        // (the next local header or the central directory right after 4-byte sizes).
        const after = bytesRead >= at + 16 ? buffer.readUInt32LE(at + 12) : SIG.local;
        next = end + at + (after === SIG.local || after === SIG.central ? 12 : 20);
      } finally {
        await h.close();
      }
    }
    this.ends.set(e.headerAt, next);
    if (expected !== undefined && expected >>> 0 !== crc >>> 0)
      throw new ZipCorruptError(
        this.file,
        e.name,
        `its CRC-32 is ${hex(crc >>> 0)}, the zip recorded ${hex(expected >>> 0)}`,
      );
    return 'ok';
  }

  /** The entry's content, streamed. */
  open(e: ZipEntryInfo): ZipEntryStream {
    const { stream, fileBytes } = this.inflate(e);
    return { stream, fileBytes };
  }

  private inflate(e: ZipEntryInfo): ZipEntryStream & { consumed: () => number } {
    const { file } = this;
    if (e.flags & 1) throw new ZipEntryError(file, `entry ${e.name} is encrypted`);
    const size = e.compressedSize;
    if (e.method === 0) {
      if (size === undefined)
        throw new ZipEntryError(file, `stored entry ${e.name} without its size in the local header`);
      // An empty file has no bytes to read (a read stream cannot end before it starts).
      if (size === 0) return { stream: Readable.from([]), fileBytes: () => e.dataStart, consumed: () => 0 };
      const raw = createReadStream(file, {
        start: e.dataStart,
        end: e.dataStart + size - 1,
        highWaterMark: READ_CHUNK_BYTES,
      });
      const stream = raw.pipe(lengthCheck(size, file));
      raw.on('error', (err) => stream.destroy(err));
      return { stream, fileBytes: () => e.dataStart + raw.bytesRead, consumed: () => raw.bytesRead };
    }
    if (e.method !== 8)
      throw new ZipEntryError(
        file,
        `entry ${e.name} uses compression method ${e.method}; only deflate and stored`,
      );
    const raw = createReadStream(file, {
      start: e.dataStart,
      ...(size === undefined ? {} : { end: e.dataStart + Math.max(size, 1) - 1 }),
      highWaterMark: READ_CHUNK_BYTES,
    });
    const inflate = createInflateRaw({ chunkSize: READ_CHUNK_BYTES });
    // pipe() does not forward errors: a read error must still end the iteration, as an error.
    raw.on('error', (err) => inflate.destroy(err));
    inflate.on('close', () => raw.destroy());
    // bytesWritten counts the compressed bytes inflate consumed: where the deflate stream ended.
    return {
      stream: raw.pipe(inflate),
      fileBytes: () => e.dataStart + raw.bytesRead,
      consumed: () => inflate.bytesWritten,
    };
  }
}

/** Passes bytes through and fails at the end if fewer than `size` came (a cut-off stored entry). */
function lengthCheck(size: number, file: string): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      done(null, chunk);
    },
    flush(done) {
      done(seen < size ? new Error(`unexpected end of file (${seen} of ${size} bytes of ${file})`) : null);
    },
  });
}
