/**
 * Milliseconds a `Retry-After` header asks to wait: delta-seconds or an
 * HTTP-date. Null when absent or unreadable.
 */
export function parseRetryAfter(header: string | null | undefined, now: number): number | null {
  if (!header) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now);
}

export interface BackoffInput {
  /** Consecutive failures so far, 1 for the first. */
  attempt: number;
  /** HTTP status of the failed call, when there was a response. */
  status?: number;
  /** What the server asked for (Retry-After, or a rate-limit reset), in ms. */
  serverDelayMs?: number | null;
  baseMs: number;
  maxMs: number;
  /** [0, 1); injected so tests are deterministic. */
  random: number;
}

/**
 * How long a poller waits before its next call after a failure. A server
 * that says how long (429/503 with Retry-After) is obeyed, capped at
 * `maxMs` so a bogus header cannot park a poller for days; otherwise the
 * delay doubles per failure with ±50% jitter, from `baseMs` up to `maxMs`.
 */
export function backoffDelay(input: BackoffInput): number {
  if (input.serverDelayMs !== null && input.serverDelayMs !== undefined) {
    return Math.min(input.maxMs, Math.max(input.serverDelayMs, 1000));
  }
  const exp = input.baseMs * 2 ** Math.min(Math.max(input.attempt - 1, 0), 20);
  const jittered = exp * (0.5 + input.random);
  return Math.round(Math.min(input.maxMs, jittered));
}

/**
 * What a failed call's error context says about waiting: the HTTP status and
 * the server's requested delay, as the source HTTP client records them.
 */
export function retryHints(context: Readonly<Record<string, unknown>>): {
  status: number | undefined;
  serverDelayMs: number | null;
} {
  return {
    status: typeof context.status === 'number' ? context.status : undefined,
    serverDelayMs: typeof context.retryAfterMs === 'number' ? context.retryAfterMs : null,
  };
}
