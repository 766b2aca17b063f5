import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRetriable } from '@hark/errors';
import { testEnv } from '@hark/testing';
import { describe, expect, it } from 'vitest';
import { createPool, migrate, type Pool } from '../../src/index.ts';
import { logger, useTestPool } from './test-pool.ts';

let pool: Pool;
useTestPool(8, (p) => {
  pool = p;
});

function migrationsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hark-mig-'));
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
  return dir;
}

describe('migrate', () => {
  it('when five instances start at once, each migration is applied exactly once', async () => {
    const dir = migrationsDir({
      '0001_create.sql': 'create table t (id int primary key);',
      // Not idempotent on purpose: a second application would fail on the duplicate key.
      '0002_seed.sql': 'insert into t values (1);',
    });
    const results = await Promise.all(
      Array.from({ length: 5 }, () => migrate({ pool, scope: 'concurrent', dir, logger })),
    );
    expect(results.map((r) => r.applied.length).sort()).toEqual([0, 0, 0, 0, 2]);
    const { rows } = await pool.query('select count(*)::int as n from t');
    expect(rows[0].n).toBe(1);
  });

  it('when a new migration is added, applies only it', async () => {
    const files = { '0001_a.sql': 'create table a (id int);' };
    const dir = migrationsDir(files);
    expect((await migrate({ pool, scope: 'incremental', dir, logger })).applied).toEqual([1]);
    writeFileSync(join(dir, '0002_b.sql'), 'create table b (id int);');
    expect((await migrate({ pool, scope: 'incremental', dir, logger })).applied).toEqual([2]);
  });

  it('when an applied migration was edited, refuses to start', async () => {
    const dir = migrationsDir({ '0001_x.sql': 'create table x (id int);' });
    await migrate({ pool, scope: 'edited', dir, logger });
    writeFileSync(join(dir, '0001_x.sql'), 'create table x (id bigint);');
    await expect(migrate({ pool, scope: 'edited', dir, logger })).rejects.toMatchObject({
      code: 'HARK_DB_MIGRATION_CHANGED',
    });
  });

  it('when a migration fails, rolls it back and names the file', async () => {
    const dir = migrationsDir({
      '0001_ok.sql': 'create table ok1 (id int);',
      '0002_bad.sql': 'create tabel nope;',
    });
    await expect(migrate({ pool, scope: 'failing', dir, logger })).rejects.toMatchObject({
      code: 'HARK_DB_MIGRATION_FAILED',
      message: expect.stringContaining('0002_bad'),
    });
    const { rows } = await pool.query(
      "select version from hark_schema_migrations where scope = 'failing'",
    );
    expect(rows).toEqual([{ version: 1 }]);
  });
});

describe('createPool', () => {
  it('when the server terminates a checked-out connection, the process survives and the next query fails retriably', async () => {
    const client = await pool.connect();
    try {
      const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
      const admin = createPool({ url: testEnv().databaseUrl, logger });
      await admin.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
      await admin.end();
      // Without the client 'error' listener the terminated connection's error event crashes the worker here.
      await new Promise((r) => setTimeout(r, 200));
      const failure = await client.query('select 1').catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(Error);
      expect(
        isRetriable(failure) || /terminat|connection|closed/i.test((failure as Error).message),
      ).toBe(true);
    } finally {
      client.release(true);
    }
    expect((await pool.query('select 1 as ok')).rows[0].ok).toBe(1);
  });
});
