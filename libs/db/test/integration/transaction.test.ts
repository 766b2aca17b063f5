import { HarkError } from '@hark/errors';
import { describe, expect, it } from 'vitest';
import { createPool, withTransaction, type Pool } from '../../src/index.ts';
import { logger, useTestPool } from './test-pool.ts';

let pool: Pool;
useTestPool(2, async (p) => {
  pool = p;
  await pool.query('create table t (id int primary key)');
});

async function ids(): Promise<number[]> {
  const { rows } = await pool.query<{ id: number }>('select id from t order by id');
  return rows.map((r) => r.id);
}

describe('withTransaction', () => {
  it('commits what the work wrote and returns its result', async () => {
    const result = await withTransaction(pool, async (client) => {
      await client.query('insert into t values (1)');
      return 'done';
    });
    expect(result).toBe('done');
    expect(await ids()).toEqual([1]);
  });

  it('when the work fails, nothing it wrote stays and the error comes as it was thrown', async () => {
    const failing = withTransaction(pool, async (client) => {
      await client.query('insert into t values (2)');
      await client.query('insert into t values (1)');
    });
    await expect(failing).rejects.toMatchObject({ code: '23505' });
    await expect(failing).rejects.not.toBeInstanceOf(HarkError);
    expect(await ids()).toEqual([1]);
  });

  it('with an error mapping, a constraint error becomes the named code, not retriable', async () => {
    const failing = withTransaction(pool, (client) => client.query('insert into t values (1)'), {
      what: 'test insert',
      code: 'HARK_ROLLUP_WRITE_FAILED',
    });
    await expect(failing).rejects.toMatchObject({
      code: 'HARK_ROLLUP_WRITE_FAILED',
      retriable: false,
      context: { sqlState: '23505' },
    });
    await expect(failing).rejects.toThrow(/^test insert failed: duplicate key/);
  });

  it('with an error mapping, a database that cannot be reached is retriable HARK_DB_UNAVAILABLE', async () => {
    // Port 1 on loopback refuses at once.
    const unreachable = createPool({ url: 'postgres://postgres@127.0.0.1:1/none', logger });
    try {
      const failing = withTransaction(unreachable, async () => 'never', { what: 'test' });
      await expect(failing).rejects.toMatchObject({ code: 'HARK_DB_UNAVAILABLE', retriable: true });
    } finally {
      await unreachable.end();
    }
  });

  it('a client whose connection died is not handed out again', async () => {
    const failing = withTransaction(pool, async (client) => {
      await client.query('select pg_terminate_backend(pg_backend_pid())').catch(() => {});
      await client.query('select 1');
    });
    await expect(failing).rejects.toThrow();
    // Both clients of the pool (max 2) answer afterwards: the broken one was replaced.
    const answers = await Promise.all([
      pool.query('select 1 as one'),
      pool.query('select 1 as one'),
    ]);
    expect(answers.map((a) => a.rows[0].one)).toEqual([1, 1]);
  });

  it('a HarkError the work raises rolls back and comes through unchanged, mapping or not', async () => {
    const own = new HarkError('HARK_IDENTITY_INVALID_AUTHOR', 'no author');
    const failing = withTransaction(
      pool,
      async (client) => {
        await client.query('insert into t values (3)');
        throw own;
      },
      { what: 'test' },
    );
    await expect(failing).rejects.toBe(own);
    expect(await ids()).toEqual([1]);
  });
});
