import { isRetriable } from '@hark/errors';

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
