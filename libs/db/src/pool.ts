import { isHarkError, type ErrorCode } from '@hark/errors';
import pg from 'pg';
import type { Logger } from 'pino';
import { isDatabaseError, toDbError } from './errors.ts';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

/** A pg pool whose idle-client errors are logged instead of crashing the process. */
export function createPool(deps: {
  url: string;
  logger: Logger;
  max?: number;
  applicationName?: string;
}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: deps.url,
    max: deps.max ?? 10,
    application_name: deps.applicationName,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
  });
  pool.on('error', (err) => deps.logger.warn({ err }, 'idle PostgreSQL client failed'));
  // A checked-out client whose connection dies between two queries (a server
  // restart, pg_terminate_backend) emits 'error'; with no listener that event
  // would kill the process. Listening turns it into the next query's failure,
  // which callers see as a retriable connection error.
  pool.on('connect', (client) => {
    client.on('error', (err) => deps.logger.warn({ err }, 'PostgreSQL connection lost'));
  });
  return pool;
}

/** Readiness check: the database answers a trivial query. */
export async function pingDatabase(pool: pg.Pool): Promise<boolean> {
  try {
    await pool.query('select 1');
    return true;
  } catch {
    return false;
  }
}

/** How {@link withTransaction} reports a failure: see {@link toDbError}. */
export interface TransactionErrors {
  /** Names the work in the message: `<what> failed: <reason>`. */
  what: string;
  /** The code of the mapped error; `HARK_DB_UNAVAILABLE` by default. */
  code?: ErrorCode;
}

/**
 * Runs `fn` in one transaction; rolls back on any error. With `errors`, a failure to
 * connect, begin, run or commit is thrown mapped by {@link toDbError}; without it, as it
 * came. A client whose failure neither PostgreSQL reported nor the caller raised (a lost
 * connection, a timeout) is destroyed rather than returned to the pool, since it may be
 * broken.
 */
export async function withTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
  errors?: TransactionErrors,
): Promise<T> {
  const mapped = (err: unknown): unknown =>
    errors ? toDbError(err, errors.what, errors.code) : err;
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    throw mapped(err);
  }
  let failed: unknown;
  try {
    await client.query('begin');
    const result = await fn(client);
    await client.query('commit');
    return result;
  } catch (err) {
    failed = err;
    await client.query('rollback').catch(() => {});
    throw mapped(err);
  } finally {
    client.release(
      failed !== undefined && !isDatabaseError(failed) && !isHarkError(failed)
        ? (failed as Error)
        : undefined,
    );
  }
}
