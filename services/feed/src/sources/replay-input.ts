import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';

/** File formats a replay can read. */
export type ReplayFormat = 'csv' | 'ndjson';

/** A replay file that is missing, unreadable, of unknown format, corrupt, or without the needed columns. */
export class ReplayFileError extends Error {
  override name = 'ReplayFileError';
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`replay file ${file}: ${message}`, options);
  }
}

/**
 * The file could be read only up to a point (a gzip cut short, a corrupt block, a disk error): the
 * lines before it were delivered; `tail` is the cut-off line (empty when the cut fell on a line end).
 * `line` is that line's number (1-based, header and blank lines included) and `byteOffset` where it
 * starts in the text (decompressed for gzip); `fileBytes` how many bytes of the file itself were read.
 */
export class ReplayTruncatedError extends ReplayFileError {
  override name = 'ReplayTruncatedError';
  constructor(
    file: string,
    readonly why: string,
    readonly line: number,
    readonly byteOffset: number,
    readonly fileBytes: number,
    readonly tail: string,
    options?: { cause?: unknown },
    /** What became of the file's readable part, when the reader knows (appended to the message). */
    readonly outcome?: string,
  ) {
    const where = `line ${line} (byte offset ${byteOffset} of the text, ${fileBytes} bytes of the file read)`;
    const cut = tail === '' ? 'before' : 'in the middle of';
    super(file, `is damaged: read failed (${why}) ${cut} ${where}${outcome ? `; ${outcome}` : ''}`, options);
  }

  /** The same error, its message saying what became of the readable part. */
  withOutcome(outcome: string): ReplayTruncatedError {
    const { file, why, line, byteOffset, fileBytes, tail } = this;
    return new ReplayTruncatedError(
      file,
      why,
      line,
      byteOffset,
      fileBytes,
      tail,
      { cause: this.cause },
      outcome,
    );
  }
}

/** What {@link inspectReplayFile} found out about a file before reading it. */
export interface ReplayFileInfo {
  file: string;
  format: ReplayFormat;
  gzip: boolean;
}

/** Longest line kept; the rest of a longer line is skipped so a file without newlines can't fill memory. */
export const MAX_LINE_CHARS = 1 << 20;
const READ_CHUNK_BYTES = 256 * 1024;

/** Format from the name: `.csv`, `.ndjson` or `.jsonl`, each optionally followed by `.gz`. */
export function formatFromName(file: string): ReplayFormat | undefined {
  const name = file.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.csv')) return 'csv';
  if (name.endsWith('.ndjson') || name.endsWith('.jsonl')) return 'ndjson';
  return undefined;
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Checks that `file` is a readable regular file and works out its format (the given one, else from
 * the extension) and compression (a `.gz` extension or the gzip magic bytes 1f 8b, so a compressed
 * file without the extension still reads). Throws {@link ReplayFileError} with a clear message.
 */
export async function inspectReplayFile(file: string, format?: ReplayFormat): Promise<ReplayFileInfo> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new ReplayFileError(file, 'is not a regular file');
  } catch (err) {
    if (err instanceof ReplayFileError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'not found' : `cannot be read (${messageOf(err)})`;
    throw new ReplayFileError(file, why, { cause: err });
  }
  const fmt = format ?? formatFromName(file);
  if (!fmt) {
    throw new ReplayFileError(file, 'unknown format: name it .csv/.ndjson/.jsonl[.gz] or pass the format');
  }
  let magic: Buffer;
  try {
    const handle = await open(file, 'r');
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
      magic = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw new ReplayFileError(file, `cannot be read (${messageOf(err)})`, { cause: err });
  }
  const gzip = (magic[0] === 0x1f && magic[1] === 0x8b) || /\.gz$/i.test(file);
  return { file, format: fmt, gzip };
}

/**
 * A byte stream of the file, decompressed when needed, and a count of the file's bytes read so far;
 * the caller iterates it (and so closes it).
 */
function openBytes(info: ReplayFileInfo): { stream: Readable; fileBytes: () => number } {
  const raw = createReadStream(info.file, { highWaterMark: READ_CHUNK_BYTES });
  const fileBytes = () => raw.bytesRead;
  if (!info.gzip) return { stream: raw, fileBytes };
  // zlib's default 16 KiB output chunks cost a thread-pool round trip each: use the read chunk size.
  const gunzip = createGunzip({ chunkSize: READ_CHUNK_BYTES });
  // pipe() does not forward errors: a read error must still end the iteration, as an error.
  raw.on('error', (err) => gunzip.destroy(err));
  gunzip.on('close', () => raw.destroy());
  return { stream: raw.pipe(gunzip), fileBytes };
}

/**
 * The file's lines, streamed: one array per read chunk (not one promise per line, which would
 * dominate the cost on files of millions of rows). Line endings (`\n` or `\r\n`) are removed. A
 * line longer than {@link MAX_LINE_CHARS} is cut there and its rest skipped. A read or gunzip
 * failure (a truncated or corrupt file) comes after every complete line before it, as a
 * {@link ReplayTruncatedError} saying where and carrying the cut-off line. Breaking out of the
 * iteration closes the file.
 */
export async function* readLines(info: ReplayFileInfo): AsyncGenerator<string[]> {
  const { stream, fileBytes } = openBytes(info);
  yield* readLinesFrom(info.file, stream, fileBytes);
}

/**
 * {@link readLines} over any byte stream (`tickflow import` gives it a zip entry's inflated bytes):
 * `fileBytes` says how many bytes of `file` itself were read when the stream fails.
 */
export async function* readLinesFrom(
  file: string,
  stream: Readable,
  fileBytes: () => number,
): AsyncGenerator<string[]> {
  // Decodes across chunk boundaries (a character split between chunks is kept for the next one).
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let skipping = false;
  let first = true;
  /** Lines ended so far, the text's bytes decoded so far, and where the unfinished line starts. */
  let lineCount = 0;
  let textBytes = 0;
  let lineStart = 0;
  try {
    for await (const chunk of stream) {
      let text = decoder.write(chunk as Buffer);
      if (first) {
        // A UTF-8 byte order mark (Excel's CSV export) would otherwise become part of the first name.
        if (text.startsWith('\uFEFF')) {
          text = text.slice(1);
          textBytes += 3;
        }
        first = false;
      }
      textBytes += Buffer.byteLength(text);
      const lines: string[] = [];
      let start = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
        const piece = text.slice(start, nl);
        start = nl + 1;
        lineCount++;
        if (skipping) {
          skipping = false;
          continue;
        }
        lines.push(stripCr(carry === '' ? piece : carry + piece));
        carry = '';
      }
      if (start > 0) lineStart = textBytes - Buffer.byteLength(text.slice(start));
      if (!skipping) {
        carry += text.slice(start);
        if (carry.length > MAX_LINE_CHARS) {
          lines.push(carry.slice(0, MAX_LINE_CHARS));
          carry = '';
          skipping = true;
        }
      }
      if (lines.length > 0) yield lines;
    }
  } catch (err) {
    const tail = skipping ? '' : carry;
    throw new ReplayTruncatedError(file, messageOf(err), lineCount + 1, lineStart, fileBytes(), tail, {
      cause: err,
    });
  } finally {
    stream.destroy();
  }
  if (!skipping) carry += decoder.end();
  if (!skipping && carry !== '') yield [stripCr(carry)];
}

const stripCr = (line: string): string => (line.endsWith('\r') ? line.slice(0, -1) : line);
