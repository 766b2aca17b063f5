import { HarkError, isHarkError, isRetriable } from '@hark/errors';

/**
 * Maps a failed write to HARK_ROLLUP_WRITE_FAILED. Transient failures (the
 * connection was lost or refused, a deadlock, a serialization failure, the
 * server shutting down or out of resources) retry the batch; anything else,
 * such as a constraint or type error, is a bug that stops the consumer.
 */
export function toWriteError(err: unknown, what: string): HarkError {
  if (isHarkError(err)) return err;
  const e = err as { message?: string; code?: string };
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const retriable =
    isRetriable(err) ||
    (!isDatabaseError(err) && CONNECTION_FAILURE.test(e?.message ?? '')) ||
    (code !== undefined &&
      (code.startsWith('08') || code.startsWith('53') || code.startsWith('57P')));
  return new HarkError('HARK_ROLLUP_WRITE_FAILED', `${what} failed: ${e?.message ?? String(err)}`, {
    cause: err,
    retriable,
    context: { sqlState: code },
  });
}

// node-postgres reports lost or refused connections as plain errors without a SQLSTATE.
const CONNECTION_FAILURE = /connect|connection|terminated|timeout|ECONN|EPIPE/i;

/** Errors PostgreSQL reported (with a SQLSTATE and severity), as opposed to lost connections and timeouts. */
export function isDatabaseError(err: unknown): boolean {
  const e = err as { severity?: unknown; code?: unknown } | null;
  return typeof e?.severity === 'string' && typeof e.code === 'string';
}
