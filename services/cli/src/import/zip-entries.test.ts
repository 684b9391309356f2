import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type History, type HistoryConnection, openHistory } from '@tickflow/history';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { binanceDump, type TestZipEntry, writeZipEntries } from './import-test-kit.ts';
import { type FileReport, runImport } from './run.ts';
import { renderImportSummary } from './summary.ts';

const DATE = '2026-03-02';
const SPOT = `BTCUSDT-trades-${DATE}`;

/** Rows 1..6 of one spot dump split in two: ids and times go on from the first entry to the second. */
const rows = binanceDump(6, { unit: 'ms', header: false }).trimEnd().split('\n');
const FIRST = `${rows.slice(0, 3).join('\n')}\n`;
const SECOND = `${rows.slice(3).join('\n')}\nnot,a,row\n`;

describe('tickflow import of a zip with several entries', () => {
  let dir: string;
  let history: History;
  let conn: HistoryConnection;

  beforeAll(async () => {
    history = await openHistory(':memory:');
    conn = await history.connect();
  });
  afterAll(() => {
    conn?.close();
    history?.close();
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tickflow-zip-'));
    return () => rmSync(dir, { recursive: true, force: true });
  });

  const zipOf = (entries: TestZipEntry[]) => {
    const path = join(dir, `${SPOT}.zip`);
    return { path, bytes: writeZipEntries(path, entries) };
  };
  const importOne = async (path: string): Promise<FileReport> => {
    const [report] = await runImport([path], {
      format: 'auto',
      timeUnit: 'auto',
      symbol: undefined,
      venue: undefined,
      dataDir: dir,
      archiveDir: undefined,
      quarantineDir: undefined,
    });
    return report as FileReport;
  };
  const archivedPrices = async () =>
    (
      await conn.rows(`SELECT price::DOUBLE::VARCHAR AS price FROM read_parquet($glob) ORDER BY seq`, {
        glob: join(dir, 'archive', 'ticks', `date=${DATE}`, '*.parquet'),
      })
    ).map((r) => r.price);

  it('imports every entry, naming each in the summary and in its quarantined rows', async () => {
    const { path } = zipOf([
      { name: 'part-1.csv', content: FIRST },
      { name: 'part-2.csv', content: SECOND },
    ]);
    const r = await importOne(path);
    expect(r).toMatchObject({ exit: 0, rows: 7, imported: 6, bad: { BAD_CSV: 1 } });
    expect(r.entries).toEqual([
      { name: 'part-1.csv', rows: 3, imported: 3, bad: 0 },
      { name: 'part-2.csv', rows: 4, imported: 3, bad: 1 },
    ]);
    expect(await archivedPrices()).toEqual(['101.5', '102.5', '103.5', '104.5', '100.5', '101.5']);
    const summary = renderImportSummary([r]);
    expect(summary).toContain('entry part-1.csv: rows 3, imported 3, bad 0');
    expect(summary).toContain('entry part-2.csv: rows 4, imported 3, bad 1');
    const quarantined = JSON.parse(readFileSync(r.quarantine as string, 'utf8').trim());
    expect(quarantined).toMatchObject({ entry: 'part-2.csv', row: 4, code: 'BAD_CSV', raw: 'not,a,row' });
  });

  it('refuses an entry whose content does not match its CRC-32 (exit 3), importing nothing of it', async () => {
    const { path, bytes } = zipOf([
      { name: 'part-1.csv', content: FIRST },
      { name: 'part-2.csv', content: SECOND, stored: true },
      { name: 'empty.csv', content: '', stored: true },
    ]);
    // One byte of the stored second entry's text: its first trade id 4 becomes 5.
    const at = bytes.indexOf(Buffer.from(SECOND));
    bytes[at] = '5'.charCodeAt(0);
    writeFileSync(path, bytes);
    const r = await importOne(path);
    expect(r.exit).toBe(3);
    expect(r.imported).toBe(3);
    expect(r.entries?.[1]).toMatchObject({ name: 'part-2.csv', rows: 0, imported: 0 });
    expect(r.entries?.[1]?.corrupt).toMatch(
      /entry part-2\.csv is corrupt: its CRC-32 is [0-9a-f]{8}, the zip recorded [0-9a-f]{8}/,
    );
    expect(await archivedPrices()).toEqual(['101.5', '102.5', '103.5']);
    expect(renderImportSummary([r])).toMatch(
      /entry part-2\.csv: CORRUPT \(its CRC-32 is \w+, the zip recorded \w+\), nothing of it imported/,
    );
  });

  it('says a deflated entry whose data is damaged is corrupt (exit 3) and imports the others', async () => {
    const big = binanceDump(400, { unit: 'ms', header: false });
    const { path, bytes } = zipOf([
      { name: 'damaged.csv', content: big },
      { name: 'part-2.csv', content: SECOND },
    ]);
    // A byte in the middle of the first entry's deflate stream.
    const at = 30 + 'damaged.csv'.length + 200;
    bytes[at] = (bytes[at] as number) ^ 0xff;
    writeFileSync(path, bytes);
    const r = await importOne(path);
    expect(r.exit).toBe(3);
    expect(r.entries?.[0]).toMatchObject({ name: 'damaged.csv', imported: 0 });
    expect(r.entries?.[0]?.corrupt).toMatch(/entry damaged\.csv is corrupt/);
    expect(r.entries?.[1]).toMatchObject({ name: 'part-2.csv', imported: 3 });
  });

  it.each([
    ['4-byte', true],
    ['ZIP64 8-byte', 'zip64'],
  ] as const)(
    'walks entries with %s data descriptors from their local headers when the central directory is cut off',
    async (_, descriptor) => {
      const { path, bytes } = zipOf([
        { name: 'part-1.csv', content: FIRST, descriptor },
        { name: 'part-2.csv', content: SECOND, descriptor },
        { name: 'part-3.csv', content: '', descriptor },
      ]);
      const firstCentral = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
      writeFileSync(path, bytes.subarray(0, firstCentral + 10));
      const r = await importOne(path);
      expect(r).toMatchObject({ exit: 0, imported: 6 });
      expect(r.entries?.map((e) => e.name)).toEqual(['part-1.csv', 'part-2.csv', 'part-3.csv']);
    },
  );
});
