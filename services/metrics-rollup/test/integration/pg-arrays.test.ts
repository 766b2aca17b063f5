import { createPool, type Pool } from '@hark/db';
import { createLogger } from '@hark/observability';
import { createTestDatabase } from '@hark/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  boolArrayBinary,
  float8ArrayBinary,
  int8ArrayBinary,
} from '../../src/adapters/pg-arrays.ts';

const logger = createLogger({ service: 'metrics-rollup-test', level: 'silent' });
const id = <T>(x: T) => x;

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPool({ url: db.url, logger, max: 1 });
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

/** What PostgreSQL reads from the binary parameter, element by element, as text. */
async function roundTrip(param: Buffer, type: string): Promise<(string | null)[]> {
  const { rows } = await pool.query<{ v: string | null }>(
    `select v::text from unnest($1::${type}) with ordinality as u (v, i) order by i`,
    [param],
  );
  return rows.map((r) => r.v);
}

describe('binary array parameters, as PostgreSQL reads them', () => {
  it('bigint[] keeps negatives, values beyond 32 bits, epoch milliseconds and nulls', async () => {
    const values = [
      0,
      1,
      -1,
      2 ** 32,
      -(2 ** 32) - 1,
      2 ** 53 - 1,
      -(2 ** 53) + 1,
      1_764_979_200_123,
      null,
    ];
    expect(await roundTrip(int8ArrayBinary(values, id), 'bigint[]')).toEqual(
      values.map((v) => (v === null ? null : String(v))),
    );
  });

  it('double precision[] keeps every double exactly', async () => {
    const values = [0, -0.72, 0.1 + 0.2, 1e21, -1e-300, Number.MAX_VALUE, null];
    const back = await roundTrip(float8ArrayBinary(values, id), 'double precision[]');
    expect(back.map((v) => (v === null ? null : Number(v)))).toEqual(values);
  });

  it('boolean[] and empty arrays', async () => {
    expect(await roundTrip(boolArrayBinary([true, false, null], id), 'boolean[]')).toEqual([
      'true',
      'false',
      null,
    ]);
    expect(await roundTrip(int8ArrayBinary([], id), 'bigint[]')).toEqual([]);
    expect(await roundTrip(float8ArrayBinary([], id), 'double precision[]')).toEqual([]);
  });

  it('a fraction or an unsafe integer in a bigint column throws instead of being truncated', () => {
    expect(() => int8ArrayBinary([1.5], id)).toThrow(RangeError);
    expect(() => int8ArrayBinary([2 ** 53], id)).toThrow(RangeError);
  });
});
