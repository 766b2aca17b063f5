export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitBreaker {
  /** True when a call may go out now: closed, or open long enough that one probe may try. */
  canAttempt(now: number): boolean;
  state(now: number): CircuitState;
  /** Milliseconds until the next probe is allowed; 0 when closed. */
  retryAfterMs(now: number): number;
  recordSuccess(): void;
  recordFailure(now: number): void;
}

/**
 * Fails fast while a dependency is known to be down. One failure opens the
 * circuit for `openMs` (a failed Kafka send has already waited out its own
 * timeout, so there is no point in waiting for a second one); afterwards
 * calls go through again as probes, and the first success closes it. Each
 * failure while open or half-open restarts the window.
 */
export function createCircuitBreaker(opts: { openMs: number }): CircuitBreaker {
  let openedAt: number | undefined;
  const state = (now: number): CircuitState =>
    openedAt === undefined ? 'closed' : now - openedAt < opts.openMs ? 'open' : 'half_open';
  return {
    state,
    canAttempt: (now) => state(now) !== 'open',
    retryAfterMs: (now) => (openedAt === undefined ? 0 : Math.max(0, openedAt + opts.openMs - now)),
    recordSuccess: () => {
      openedAt = undefined;
    },
    recordFailure: (now) => {
      openedAt = now;
    },
  };
}
