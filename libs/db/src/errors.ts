import { HarkError, isHarkError, isRetriable, type ErrorCode } from '@hark/errors';

// node-postgres reports lost or refused connections as plain errors without a SQLSTATE.
const CONNECTION_FAILURE = /connect|connection|terminated|timeout|ECONN|EPIPE/i;

/** An error PostgreSQL itself reported (it has a SQLSTATE and a severity), as opposed to a lost connection. */
export function isDatabaseError(err: unknown): boolean {
  const e = err as { severity?: unknown; code?: unknown } | null;
  return typeof e?.severity === 'string' && typeof e.code === 'string';
}

/**
 * Whether retrying the same work later can succeed: the connection was lost, refused or
 * timed out; the server is shutting down, starting or out of resources (SQLSTATE classes
 * 08, 53, 57P); a deadlock or serialization failure (40P01, 40001). A constraint, type or
 * syntax error is a bug or bad data, and retrying it would only stall the stage.
 */
export function isTransientDbError(err: unknown): boolean {
  if (isRetriable(err)) return true;
  const e = err as { message?: unknown; code?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  if (code !== undefined && /^(08|53|57P)/.test(code)) return true;
  if (code === '40001' || code === '40P01') return true;
  return (
    !isDatabaseError(err) && typeof e?.message === 'string' && CONNECTION_FAILURE.test(e.message)
  );
}

/**
 * Maps a database failure to a HarkError with `code` (`HARK_DB_UNAVAILABLE` unless the
 * caller names its own) and the message `<what> failed: <reason>`. It is retriable when
 * the failure is transient (see {@link isTransientDbError}), so the stage retries the
 * batch; a constraint or type error is a bug that stops the consumer uncommitted. A
 * HarkError passes through unchanged.
 */
export function toDbError(
  err: unknown,
  what: string,
  code: ErrorCode = 'HARK_DB_UNAVAILABLE',
): HarkError {
  if (isHarkError(err)) return err;
  const e = err as { message?: unknown; code?: unknown } | null;
  const reason = typeof e?.message === 'string' ? e.message : String(err);
  return new HarkError(code, `${what} failed: ${reason}`, {
    cause: err,
    retriable: isTransientDbError(err),
    context: { sqlState: typeof e?.code === 'string' ? e.code : undefined },
  });
}

/** Runs `fn`, mapping what it throws with {@link toDbError}. */
export async function withDbErrors<T>(
  what: string,
  fn: () => Promise<T>,
  code?: ErrorCode,
): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toDbError(err, what, code);
  }
}
