import { writeFileSync } from 'node:fs';
import { crc32, deflateRawSync } from 'node:zlib';

/**
 * A minimal zip writer for tests: one deflated entry, local header, central directory and end
 * record, as Binance's dumps are laid out (sizes in the local header, no data descriptor).
 */
export function writeZip(path: string, entryName: string, content: string): Buffer {
  const data = Buffer.from(content);
  const packed = deflateRawSync(data);
  const name = Buffer.from(entryName);
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4); // version needed
  local.writeUInt16LE(0, 6); // flags
  local.writeUInt16LE(8, 8); // deflate
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(packed.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(packed.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(name.length, 28);
  const centralAt = local.length + name.length + packed.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(centralAt, 16);
  const zip = Buffer.concat([local, name, packed, central, name, end]);
  writeFileSync(path, zip);
  return zip;
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
