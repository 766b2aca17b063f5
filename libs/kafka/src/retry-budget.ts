import { HarkError } from '@hark/errors';

export interface RetryPolicy {
  /** How long retriable failures are retried, from the first attempt. */
  budgetMs: number;
  /** Cap on attempts as well; `Infinity` for none. */
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export interface RetryClock {
  now(): number;
  /** In [0, 1): spreads the delays (jitter) so instances that failed together retry apart. */
  random(): number;
}

export interface RetryBudget {
  /**
   * Call after a failed attempt: the delay before the next one, or `undefined` when the
   * budget is spent (the time is up or the attempts are used).
   */
  next(): number | undefined;
  /** Failed attempts so far. */
  attempts(): number;
  elapsedMs(): number;
}

const systemClock: RetryClock = { now: Date.now, random: Math.random };

/**
 * A time-budgeted exponential backoff, started at the first attempt. Time rather than a
 * count, so an outage of known length (a PostgreSQL restart, a broker failover) is ridden out
 * whatever the backoff: delays double from `initialDelayMs` up to `maxDelayMs`, each jittered
 * to between half and one and a half of its nominal value.
 */
export function startRetryBudget(
  policy: RetryPolicy,
  clock: RetryClock = systemClock,
): RetryBudget {
  const started = clock.now();
  let attempts = 0;
  let delay = policy.initialDelayMs;
  return {
    next() {
      attempts++;
      if (attempts >= policy.maxAttempts || clock.now() - started >= policy.budgetMs)
        return undefined;
      const jittered = delay * (0.5 + clock.random());
      delay = Math.min(delay * 2, policy.maxDelayMs);
      return jittered;
    },
    attempts: () => attempts,
    elapsedMs: () => clock.now() - started,
  };
}

/** The error a stage stops with when a retriable failure outlasts its budget. */
export function retriesExhausted(stage: string, budget: RetryBudget, cause: unknown): HarkError {
  const elapsedMs = budget.elapsedMs();
  const attempts = budget.attempts();
  return new HarkError(
    'HARK_STAGE_RETRIES_EXHAUSTED',
    `gave up after ${attempts} attempts in ${Math.round(elapsedMs / 1000)} s: ${(cause as Error).message}`,
    { cause, context: { stage, attempts, elapsedMs } },
  );
}
