import { writeFileSync } from 'node:fs';
import { crc32, deflateRawSync } from 'node:zlib';

/**
 * One entry of a test zip: stored (method 0) or deflated; `descriptor`: CRC and sizes after the
 * data (bit 3), sizes of 4 bytes or ('zip64') 8.
 */
export interface TestZipEntry {
  name: string;
  content: string;
  stored?: boolean;
  descriptor?: boolean | 'zip64';
}

/**
 * A minimal zip writer for tests: each entry's local header and data (and data descriptor), then
 * the central directory and end record. Binance's dumps are one deflated entry with its sizes in
 * the local header (no data descriptor).
 */
export function writeZipEntries(path: string, entries: readonly TestZipEntry[]): Buffer {
  const parts: Buffer[] = [];
  const centrals: Buffer[] = [];
  let at = 0;
  for (const e of entries) {
    const data = Buffer.from(e.content);
    const packed = e.stored ? data : deflateRawSync(data);
    const name = Buffer.from(e.name);
    const crc = crc32(data);
    const method = e.stored ? 0 : 8;
    const flags = e.descriptor ? 8 : 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    if (!e.descriptor) {
      local.writeUInt32LE(crc, 14);
      local.writeUInt32LE(packed.length, 18);
      local.writeUInt32LE(data.length, 22);
    }
    local.writeUInt16LE(name.length, 26);
    const descriptor = Buffer.alloc(e.descriptor === 'zip64' ? 24 : e.descriptor ? 16 : 0);
    if (e.descriptor) {
      descriptor.writeUInt32LE(0x08074b50, 0);
      descriptor.writeUInt32LE(crc, 4);
      if (e.descriptor === 'zip64') {
        descriptor.writeBigUInt64LE(BigInt(packed.length), 8);
        descriptor.writeBigUInt64LE(BigInt(data.length), 16);
      } else {
        descriptor.writeUInt32LE(packed.length, 8);
        descriptor.writeUInt32LE(data.length, 12);
      }
    }
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(at, 42);
    parts.push(local, name, packed, descriptor);
    centrals.push(central, name);
    at += local.length + name.length + packed.length + descriptor.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(at, 16);
  const zip = Buffer.concat([...parts, directory, end]);
  writeFileSync(path, zip);
  return zip;
}

/** A zip of one deflated entry, as Binance's dumps are laid out. */
export function writeZip(path: string, entryName: string, content: string): Buffer {
  return writeZipEntries(path, [{ name: entryName, content }]);
}

/** 2026-03-02T10:00:00Z in epoch milliseconds. */
export const DAY_MS = Date.parse('2026-03-02T10:00:00Z');

/**
 * A Binance trades dump's text: `n` trades one second apart from 10:00 UTC on 2026-03-02, price
 * 100 + i % 5 (`.5`), qty 0.00i, buyer-maker on odd ids; times in `unit`; spot layout (7 cells, no
 * header) or futures layout (a header, 6 cells). `extra` lines are inserted after row `at`.
 */
export function binanceDump(
  n: number,
  o: { unit: 'ms' | 'us'; header: boolean; extra?: { at: number; lines: string[] } },
): string {
  const rows: string[] = [];
  for (let i = 1; i <= n; i++) {
    const ms = DAY_MS + i * 1000;
    const time = o.unit === 'ms' ? String(ms) : `${ms}000`;
    const cells = [
      i,
      `${100 + (i % 5)}.5`,
      `0.${String(i).padStart(3, '0')}`,
      '1.0',
      time,
      i % 2 === 1 ? 'true' : 'false',
    ];
    rows.push((o.header ? cells : [...cells, 'true']).join(','));
  }
  if (o.extra) rows.splice(o.extra.at, 0, ...o.extra.lines);
  const head = o.header ? 'id,price,qty,quote_qty,time,is_buyer_maker\n' : '';
  return `${head}${rows.join('\n')}\n`;
}
