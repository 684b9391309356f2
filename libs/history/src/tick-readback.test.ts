import { describe, expect, it } from 'vitest';
import { duckdbConnection } from './connection.ts';
import { openHistory } from './database.ts';
import { doubles } from './tick-readback.ts';

describe('doubles', () => {
  it('reads a DOUBLE column as a Float64Array, through the vector or, failing that, getItem', async () => {
    const history = await openHistory(':memory:');
    const conn = await history.connect();
    try {
      const result = await duckdbConnection(conn).run('SELECT (i * 1.5)::DOUBLE AS x FROM range(5000) t(i)');
      const chunk = await result.fetchChunk();
      const vector = chunk?.getColumnVector(0);
      if (!vector) throw new Error('no chunk');
      const expected = Float64Array.from({ length: vector.itemCount }, (_, i) => i * 1.5);
      expect(doubles(vector)).toEqual(expected);
      // A vector without the internal array (another node API version) is copied value by value.
      const opaque = { itemCount: vector.itemCount, getItem: (i: number) => vector.getItem(i) };
      expect(doubles(opaque as unknown as typeof vector)).toEqual(expected);
    } finally {
      history.close();
    }
  });
});
