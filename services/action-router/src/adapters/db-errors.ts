import { isTransientDbError } from '@hark/db';
import { HarkError, isHarkError } from '@hark/errors';

/**
 * Maps a database failure: lost or refused connections, deadlocks,
 * serialization failures and a server shutting down are retriable
 * HARK_DB_UNAVAILABLE; anything else (a constraint or type error) is a bug
 * and is not retriable.
 */
export function toDbError(err: unknown, what: string): HarkError {
  if (isHarkError(err)) return err;
  const e = err as { message?: string; code?: string };
  return new HarkError('HARK_DB_UNAVAILABLE', `${what} failed: ${e?.message ?? String(err)}`, {
    cause: err,
    retriable: isTransientDbError(err),
    context: { sqlState: typeof e?.code === 'string' ? e.code : undefined },
  });
}
