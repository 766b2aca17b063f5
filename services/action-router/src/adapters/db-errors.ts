import { HarkError, isHarkError, isRetriable } from '@hark/errors';

const CONNECTION_FAILURE = /connect|connection|terminated|timeout|ECONN|EPIPE/i;

/**
 * Maps a database failure: lost or refused connections, deadlocks,
 * serialization failures and a server shutting down are retriable
 * HARK_DB_UNAVAILABLE; anything else (a constraint or type error) is a bug
 * and is not retriable.
 */
export function toDbError(err: unknown, what: string): HarkError {
  if (isHarkError(err)) return err;
  const e = err as { message?: string; code?: string; severity?: string };
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const fromServer = typeof e?.severity === 'string' && code !== undefined;
  const retriable =
    isRetriable(err) ||
    (!fromServer && CONNECTION_FAILURE.test(e?.message ?? '')) ||
    (code !== undefined &&
      (code.startsWith('08') ||
        code.startsWith('53') ||
        code.startsWith('57P') ||
        code === '40001' ||
        code === '40P01'));
  return new HarkError('HARK_DB_UNAVAILABLE', `${what} failed: ${e?.message ?? String(err)}`, {
    cause: err,
    retriable,
    context: { sqlState: code },
  });
}
