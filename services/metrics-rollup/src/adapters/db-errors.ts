import { isDatabaseError, isTransientDbError } from '@hark/db';
import { HarkError, isHarkError } from '@hark/errors';

export { isDatabaseError };

/**
 * Maps a failed write to HARK_ROLLUP_WRITE_FAILED. Transient failures (the
 * connection was lost or refused, a deadlock, a serialization failure, the
 * server shutting down or out of resources) retry the batch; anything else,
 * such as a constraint or type error, is a bug that stops the consumer.
 */
export function toWriteError(err: unknown, what: string): HarkError {
  if (isHarkError(err)) return err;
  const e = err as { message?: string; code?: string };
  return new HarkError('HARK_ROLLUP_WRITE_FAILED', `${what} failed: ${e?.message ?? String(err)}`, {
    cause: err,
    retriable: isTransientDbError(err),
    context: { sqlState: typeof e?.code === 'string' ? e.code : undefined },
  });
}
