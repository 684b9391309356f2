import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReplayColumnError, ReplaySource } from './replay.ts';
import { ColumnMappingError, closest, parseColumnMapping } from './replay-columns.ts';
import { invalidsOf, replay, T0, tempDir, tradesOf, writeLines } from './replay-test-kit.ts';

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  tmp = await tempDir();
});
afterAll(() => tmp.cleanup());

const row = `${T0},BTC-USD,100.5,1,buy,7`;

/** The error open() (the feed's start-up check) and a replay each throw for `header`. */
async function refusal(name: string, header: string, options: { columns?: Record<string, string> } = {}) {
  const file = await writeLines(tmp.path(name), [header, row]);
  const atOpen = await ReplaySource.open({ file, ...options }).catch((e: unknown) => e);
  const atReplay = await replay({ file, ...options }).catch((e: unknown) => e);
  expect(atReplay).toBeInstanceOf(ReplayColumnError);
  expect((atReplay as Error).message).toBe((atOpen as Error).message);
  return atOpen as ReplayColumnError;
}

describe('replay CSV header checks', () => {
  it('refuses a misspelt side column, naming it and the field it likely means', async () => {
    const err = await refusal('sdie.csv', 'ts,symbol,price,size,sdie,trade_id');
    expect(err).toBeInstanceOf(ReplayColumnError);
    expect(err.name).toBe('ReplayColumnError');
    expect(err.message).toMatch(/header column "sdie" is not one tickflow knows: did you mean side\?/);
    expect(err.message).toMatch(/--columns side=sdie maps it, --ignore-columns sdie skips it/);
  });

  it('refuses trade-id, suggesting trade_id', async () => {
    const err = await refusal('dash.csv', 'ts,symbol,price,size,side,trade-id');
    expect(err.message).toMatch(/"trade-id" .*did you mean trade_id\?/);
  });

  it('refuses an unknown column without a likely meaning, listing the fields', async () => {
    const err = await refusal('notes.csv', 'ts,symbol,price,size,notes');
    expect(err.message).toMatch(/"notes" is not one tickflow knows \(--columns <field>=notes maps it/);
    expect(err.message).toMatch(/fields: ts, symbol, price, size, side, venue, trade_id/);
  });

  it('refuses a nameless column and a mapping to a column the file lacks', async () => {
    expect((await refusal('trailing.csv', 'ts,symbol,price,size,side,')).message).toMatch(
      /header column 6 has no name/,
    );
    const err = await refusal('mapped.csv', 'ts,symbol,price,size', { columns: { side: 'Aggressor' } });
    expect(err.message).toMatch(/--columns side=Aggressor: the header has no column "Aggressor"/);
  });

  it('names a missing required column and the flag that maps it', async () => {
    const err = await refusal('nopx.csv', 'ts,symbol,size');
    expect(err.message).toMatch(/has no price column \(map with --columns price=<name>\)/);
    const px = await refusal('px.csv', 'ts,symbol,px,size,side,trade_id');
    expect(px.message).toMatch(
      /has no price column \(map with --columns price=px; columns tickflow does not know: px\)/,
    );
  });

  it('reads a file whose unknown column is mapped or ignored', async () => {
    const file = await writeLines(tmp.path('ok.csv'), [
      'ts,symbol,price,size,sdie,trade_id,notes',
      `${row},x`,
    ]);
    const { events } = await replay({ file, columns: { side: 'sdie' }, ignoreColumns: ['NOTES'] });
    expect(tradesOf(events)).toMatchObject([{ side: 'buy', price: '100.5' }]);
  });

  it('quarantines rows with more or fewer cells than the header', async () => {
    const file = await writeLines(tmp.path('cells.csv'), [
      'ts,symbol,price,size,side,trade_id',
      row,
      `${row},surplus`,
      `${T0},BTC-USD,100.5,1`,
    ]);
    const { events } = await replay({ file });
    expect(tradesOf(events)).toHaveLength(1);
    expect(invalidsOf(events)).toEqual([
      expect.objectContaining({
        code: 'BAD_CSV',
        raw: `${row},surplus`,
        reason: 'row has 7 cells, the header 6',
      }),
      expect.objectContaining({
        code: 'BAD_CSV',
        raw: `${T0},BTC-USD,100.5,1`,
        reason: 'row has 4 cells, the header 6',
      }),
    ]);
  });
});

describe('replay NDJSON key checks', () => {
  const obj = { ts: T0, symbol: 'BTC-USD', price: '100.5', size: '1', side: 'buy' };

  it('refuses a misspelt key on the first line at start', async () => {
    const { side, ...rest } = obj;
    const file = await writeLines(tmp.path('sdie.ndjson'), [JSON.stringify({ ...rest, sdie: side })]);
    await expect(ReplaySource.open({ file })).rejects.toThrow(
      /first line: key "sdie" is not one tickflow knows: did you mean side\?/,
    );
  });

  it('quarantines a later line with an unknown key as UNKNOWN_FIELD, and skips ignored keys', async () => {
    const odd = JSON.stringify({ ...obj, note: 'x' });
    const file = await writeLines(tmp.path('note.ndjson'), [JSON.stringify(obj), odd, JSON.stringify(obj)]);
    const { events } = await replay({ file });
    expect(tradesOf(events)).toHaveLength(2);
    expect(invalidsOf(events)).toEqual([
      expect.objectContaining({
        code: 'UNKNOWN_FIELD',
        raw: odd,
        reason: expect.stringMatching(/^key "note"/),
      }),
    ]);
    expect(tradesOf((await replay({ file, ignoreColumns: ['note'] })).events)).toHaveLength(3);
  });
});

describe('parseColumnMapping', () => {
  it('reads field=name pairs, names kept as written', () => {
    expect(parseColumnMapping('price=px,size=qty , ts=Exchange Time')).toEqual({
      price: 'px',
      size: 'qty',
      ts: 'Exchange Time',
    });
  });

  it('refuses unknown fields, pairs without a name and a field given twice', () => {
    expect(() => parseColumnMapping('prce=px')).toThrow(/"prce" is not a field \(did you mean price\?\)/);
    expect(() => parseColumnMapping('price')).toThrow(ColumnMappingError);
    expect(() => parseColumnMapping('price=')).toThrow(/not field=column-name/);
    expect(() => parseColumnMapping('price=a,price=b')).toThrow(/price is mapped twice/);
  });

  it('finds the closest name within about a third of its length', () => {
    expect(closest('sdie', ['side', 'size'])).toBe('side');
    expect(closest('Trade-ID', ['trade_id'])).toBe('trade_id');
    expect(closest('exchange', ['side', 'size', 'price'])).toBeUndefined();
  });
});
