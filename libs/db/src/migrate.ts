import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HarkError } from '@hark/errors';
import type pg from 'pg';
import type { Logger } from 'pino';

export interface Migration {
  file: string;
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

const FILE_PATTERN = /^(\d{4})_([a-z0-9_-]+)\.sql$/;

/** Reads `NNNN_name.sql` files from `dir`, in version order. */
export function readMigrations(dir: string): Migration[] {
  const migrations = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .map((file) => {
      const m = FILE_PATTERN.exec(file);
      if (!m) {
        throw new HarkError(
          'HARK_DB_MIGRATION_FAILED',
          `migration file ${file} must be named NNNN_name.sql`,
          {
            context: { dir, file },
          },
        );
      }
      const sql = readFileSync(join(dir, file), 'utf8');
      return { file, version: Number(m[1]), name: m[2]!, sql, checksum: sha256(sql) };
    })
    .sort((a, b) => a.version - b.version);
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]!.version === migrations[i - 1]!.version) {
      throw new HarkError(
        'HARK_DB_MIGRATION_FAILED',
        `two migrations share version ${migrations[i]!.version}`,
        {
          context: { dir },
        },
      );
    }
  }
  return migrations;
}

/**
 * Applies pending migrations of one scope (usually a service name), each in
 * its own transaction. A session advisory lock per scope serializes
 * instances that start together: the second waits, then finds nothing to do.
 * An applied migration whose file changed stops the start.
 */
export async function migrate(deps: {
  pool: pg.Pool;
  scope: string;
  dir: string;
  logger: Logger;
}): Promise<{ applied: number[] }> {
  const log = deps.logger.child({ component: 'migrate', scope: deps.scope });
  const migrations = readMigrations(deps.dir);
  const client = await deps.pool.connect();
  try {
    await client.query('select pg_advisory_lock(hashtext($1))', [`hark-migrate:${deps.scope}`]);
    await client.query(`create table if not exists hark_schema_migrations (
      scope text not null,
      version integer not null,
      name text not null,
      checksum text not null,
      applied_at timestamptz not null default now(),
      primary key (scope, version))`);
    const { rows } = await client.query<{ version: number; checksum: string; name: string }>(
      'select version, checksum, name from hark_schema_migrations where scope = $1',
      [deps.scope],
    );
    const applied = new Map(rows.map((r) => [r.version, r]));
    const done: number[] = [];
    for (const m of migrations) {
      const prior = applied.get(m.version);
      if (prior) {
        if (prior.checksum !== m.checksum) {
          throw new HarkError(
            'HARK_DB_MIGRATION_CHANGED',
            `migration ${m.file} of ${deps.scope} changed after it was applied; add a new migration instead`,
            { context: { scope: deps.scope, version: m.version } },
          );
        }
        continue;
      }
      try {
        await client.query('begin');
        await client.query(m.sql);
        await client.query(
          'insert into hark_schema_migrations (scope, version, name, checksum) values ($1, $2, $3, $4)',
          [deps.scope, m.version, m.name, m.checksum],
        );
        await client.query('commit');
      } catch (err) {
        await client.query('rollback').catch(() => {});
        throw new HarkError(
          'HARK_DB_MIGRATION_FAILED',
          `migration ${m.file} of ${deps.scope} failed: ${(err as Error).message}`,
          {
            cause: err,
            context: { scope: deps.scope, version: m.version },
          },
        );
      }
      done.push(m.version);
      log.info({ version: m.version, name: m.name }, 'applied migration');
    }
    return { applied: done };
  } finally {
    await client
      .query('select pg_advisory_unlock(hashtext($1))', [`hark-migrate:${deps.scope}`])
      .catch(() => {});
    client.release();
  }
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}
