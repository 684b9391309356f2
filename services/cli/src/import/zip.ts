import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { type Readable, Transform } from 'node:stream';
import { createInflateRaw } from 'node:zlib';

/** A zip file that cannot be read as one entry (not a zip, encrypted, an unsupported method). */
export class ZipEntryError extends Error {
  override name = 'ZipEntryError';
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${message}`, options);
  }
}

/** The first entry of a zip: its name, its bytes streamed, and how many bytes of the file were read. */
export interface ZipEntry {
  name: string;
  stream: Readable;
  fileBytes: () => number;
}

const LOCAL_HEADER = 0x04034b50;
const HEADER_BYTES = 30;
const READ_CHUNK_BYTES = 256 * 1024;

/**
 * Streams the first entry of a zip from its local file header, the way an exchange's daily dump
 * (one CSV per zip) is read. Not from the central directory: that sits at the end of the file, so
 * a library that starts there cannot open a truncated download at all, while the local header and
 * the deflate stream after it give every byte that arrived. `node:zlib`'s raw inflate stops at
 * the end of the entry's deflate stream, and on a cut-off file fails with "unexpected end of file"
 * after emitting everything before the cut. Stored (uncompressed) entries are read by their size.
 */
export async function openZipEntry(file: string): Promise<ZipEntry> {
  const handle = await open(file, 'r');
  let header: Buffer;
  let name: string;
  try {
    const head = await handle.read(Buffer.alloc(HEADER_BYTES), 0, HEADER_BYTES, 0);
    header = head.buffer;
    if (head.bytesRead < HEADER_BYTES || header.readUInt32LE(0) !== LOCAL_HEADER)
      throw new ZipEntryError(file, 'is not a zip file (no local file header at its start)');
    const nameLength = header.readUInt16LE(26);
    const named = await handle.read(Buffer.alloc(nameLength), 0, nameLength, HEADER_BYTES);
    name = named.buffer.subarray(0, named.bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
  const flags = header.readUInt16LE(6);
  const method = header.readUInt16LE(8);
  const compressedSize = header.readUInt32LE(18);
  const start = HEADER_BYTES + header.readUInt16LE(26) + header.readUInt16LE(28);
  if (flags & 1) throw new ZipEntryError(file, `entry ${name} is encrypted`);
  if (method === 0) {
    // A stored entry's size must be in its header (bit 3 set means it comes only after the data).
    if (flags & 8 || compressedSize === 0xffffffff)
      throw new ZipEntryError(file, `stored entry ${name} without its size in the local header`);
    const raw = createReadStream(file, {
      start,
      end: start + compressedSize - 1,
      highWaterMark: READ_CHUNK_BYTES,
    });
    const stream = raw.pipe(lengthCheck(compressedSize, file));
    raw.on('error', (err) => stream.destroy(err));
    return { name, stream, fileBytes: () => start + raw.bytesRead };
  }
  if (method !== 8)
    throw new ZipEntryError(file, `entry ${name} uses compression method ${method}; only deflate and stored`);
  const raw = createReadStream(file, { start, highWaterMark: READ_CHUNK_BYTES });
  const inflate = createInflateRaw({ chunkSize: READ_CHUNK_BYTES });
  // pipe() does not forward errors: a read error must still end the iteration, as an error.
  raw.on('error', (err) => inflate.destroy(err));
  inflate.on('close', () => raw.destroy());
  return { name, stream: raw.pipe(inflate), fileBytes: () => start + raw.bytesRead };
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
