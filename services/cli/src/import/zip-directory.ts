import type { FileHandle } from 'node:fs/promises';

/** A zip file that cannot be read (not a zip, encrypted, an unsupported method). */
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

/** Where an entry's bytes are and what they must check against. */
export interface ZipEntryInfo {
  name: string;
  method: number;
  flags: number;
  /** Offset of the entry's local header. */
  headerAt: number;
  /** Offset of its compressed bytes. */
  dataStart: number;
  /** Compressed size; undefined when only a data descriptor after the data has it. */
  compressedSize: number | undefined;
  /** The CRC-32 of its content; undefined when only a data descriptor after the data has it. */
  crc: number | undefined;
}

export const SIG = {
  local: 0x04034b50,
  central: 0x02014b50,
  end: 0x06054b50,
  end64: 0x06064b50,
  end64Locator: 0x07064b50,
  descriptor: 0x08074b50,
} as const;
const LOCAL_BYTES = 30;
const CENTRAL_BYTES = 46;
const END_BYTES = 22;
const MAX_COMMENT = 0xffff;
const FULL32 = 0xffffffff;
/** Bit 3 of the flags: the CRC and sizes follow the data in a data descriptor. */
export const DESCRIPTOR_FLAG = 8;

async function readAt(h: FileHandle, at: number, n: number): Promise<Buffer> {
  const { buffer, bytesRead } = await h.read(Buffer.alloc(n), 0, n, at);
  return buffer.subarray(0, bytesRead);
}

/** The ZIP64 extended-information extra field's values, for the 32-bit fields that are all ones. */
function zip64Values(extra: Buffer, wanted: readonly boolean[]): (number | undefined)[] {
  for (let p = 0; p + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(p);
    const size = extra.readUInt16LE(p + 2);
    if (id === 0x0001) {
      let q = p + 4;
      return wanted.map((w) => {
        if (!w || q + 8 > p + 4 + size) return undefined;
        const v = Number(extra.readBigUInt64LE(q));
        q += 8;
        return v;
      });
    }
    p += 4 + size;
  }
  return wanted.map(() => undefined);
}

/**
 * The entries of a zip, from its central directory when the file has one: every entry, with the
 * CRC and sizes the writer recorded. A file cut off before its end has none (the directory sits at
 * the end): then it returns undefined and the entries are found by walking the local headers
 * (`localEntry`), so a truncated download still gives every entry that arrived.
 */
export async function centralEntries(
  h: FileHandle,
  file: string,
  size: number,
): Promise<ZipEntryInfo[] | undefined> {
  const tailBytes = Math.min(size, END_BYTES + MAX_COMMENT);
  const tail = await readAt(h, size - tailBytes, tailBytes);
  let endAt = -1;
  for (let p = tail.length - END_BYTES; p >= 0; p--)
    if (tail.readUInt32LE(p) === SIG.end && p + END_BYTES + tail.readUInt16LE(p + 20) === tail.length) {
      endAt = p;
      break;
    }
  if (endAt < 0) return undefined;
  const endOffset = size - tailBytes + endAt;
  let count = tail.readUInt16LE(endAt + 10);
  let dirSize = tail.readUInt32LE(endAt + 12);
  let dirAt = tail.readUInt32LE(endAt + 16);
  if (count === 0xffff || dirSize === FULL32 || dirAt === FULL32) {
    // ZIP64: the locator just before the end record points at the 64-bit end record.
    const locator = await readAt(h, endOffset - 20, 20);
    if (locator.length < 20 || locator.readUInt32LE(0) !== SIG.end64Locator) return undefined;
    const end64 = await readAt(h, Number(locator.readBigUInt64LE(8)), 56);
    if (end64.length < 56 || end64.readUInt32LE(0) !== SIG.end64) return undefined;
    count = Number(end64.readBigUInt64LE(32));
    dirSize = Number(end64.readBigUInt64LE(40));
    dirAt = Number(end64.readBigUInt64LE(48));
  }
  if (dirAt + dirSize > endOffset) return undefined; // not this file's directory: walk instead
  const dir = await readAt(h, dirAt, dirSize);
  const entries: ZipEntryInfo[] = [];
  for (let p = 0, k = 0; k < count; k++) {
    if (p + CENTRAL_BYTES > dir.length || dir.readUInt32LE(p) !== SIG.central)
      throw new ZipEntryError(file, `central directory entry ${k + 1} of ${count} is damaged`);
    const nameLength = dir.readUInt16LE(p + 28);
    const extraLength = dir.readUInt16LE(p + 30);
    const commentLength = dir.readUInt16LE(p + 32);
    const name = dir.subarray(p + CENTRAL_BYTES, p + CENTRAL_BYTES + nameLength).toString('utf8');
    const extra = dir.subarray(p + CENTRAL_BYTES + nameLength, p + CENTRAL_BYTES + nameLength + extraLength);
    const raw = [dir.readUInt32LE(p + 24), dir.readUInt32LE(p + 20), dir.readUInt32LE(p + 42)];
    const big = zip64Values(
      extra,
      raw.map((v) => v === FULL32),
    );
    const [, compressedSize = raw[1] as number, headerAt = raw[2] as number] = big.map((v, i) => v ?? raw[i]);
    const local = await localEntry(h, file, headerAt);
    if (!local) throw new ZipEntryError(file, `entry ${name}: no local header at byte ${headerAt}`);
    entries.push({
      name,
      method: dir.readUInt16LE(p + 10),
      flags: dir.readUInt16LE(p + 8),
      headerAt,
      dataStart: local.dataStart,
      compressedSize,
      crc: dir.readUInt32LE(p + 16),
    });
    p += CENTRAL_BYTES + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The entry whose local header is at `at`, or undefined when there is none there (the end of the entries). */
export async function localEntry(h: FileHandle, file: string, at: number): Promise<ZipEntryInfo | undefined> {
  const head = await readAt(h, at, LOCAL_BYTES);
  if (head.length < LOCAL_BYTES || head.readUInt32LE(0) !== SIG.local) return undefined;
  const nameLength = head.readUInt16LE(26);
  const extraLength = head.readUInt16LE(28);
  const rest = await readAt(h, at + LOCAL_BYTES, nameLength + extraLength);
  if (rest.length < nameLength) throw new ZipEntryError(file, `the local header at byte ${at} is cut off`);
  const name = rest.subarray(0, nameLength).toString('utf8');
  const flags = head.readUInt16LE(6);
  const described = (flags & DESCRIPTOR_FLAG) !== 0;
  let compressedSize: number | undefined = head.readUInt32LE(18);
  if (compressedSize === FULL32) {
    // ZIP64 in a local header: both sizes are in the extra field, uncompressed first.
    compressedSize = zip64Values(rest.subarray(nameLength), [true, true])[1];
  }
  return {
    name,
    method: head.readUInt16LE(8),
    flags,
    headerAt: at,
    dataStart: at + LOCAL_BYTES + nameLength + extraLength,
    compressedSize: described ? undefined : compressedSize,
    crc: described ? undefined : head.readUInt32LE(14),
  };
}
