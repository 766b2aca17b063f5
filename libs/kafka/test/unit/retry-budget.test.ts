import { HarkError } from '@hark/errors';
import { describe, expect, it } from 'vitest';
import { retriesExhausted, startRetryBudget, type RetryPolicy } from '../../src/retry-budget.ts';

function fakeClock(random = 0.5) {
  let t = 1_000_000;
  return { now: () => t, random: () => random, advance: (ms: number) => void (t += ms) };
}

const policy: RetryPolicy = {
  budgetMs: 1000,
  maxAttempts: Number.POSITIVE_INFINITY,
  initialDelayMs: 100,
  maxDelayMs: 400,
};

describe('startRetryBudget', () => {
  it.each([
    ['just started', 0, true],
    ['one millisecond before the budget', 999, true],
    ['exactly at the budget', 1000, false],
    ['past the budget', 5000, false],
  ])('%s (%i ms after the first attempt): retries = %s', (_, elapsed, retries) => {
    const clock = fakeClock();
    const budget = startRetryBudget(policy, clock);
    clock.advance(elapsed);
    expect(budget.next() !== undefined).toBe(retries);
  });

  it('keeps retrying any number of attempts while time is left: the budget is time, not a count', () => {
    const clock = fakeClock();
    const budget = startRetryBudget(policy, clock);
    for (let i = 0; i < 50; i++) expect(budget.next()).toBeDefined();
    expect(budget.attempts()).toBe(50);
  });

  it('doubles the delay up to its cap; with random 0.5 the jitter leaves it nominal', () => {
    const budget = startRetryBudget(policy, fakeClock(0.5));
    expect([1, 2, 3, 4, 5].map(() => budget.next())).toEqual([100, 200, 400, 400, 400]);
  });

  it.each([
    [0, 50],
    [0.999, 149.9],
  ])('jitters the delay to between half and one and a half (random %f → %f ms)', (r, want) => {
    const budget = startRetryBudget(policy, fakeClock(r));
    expect(budget.next()).toBeCloseTo(want, 5);
  });

  it('stops at maxAttempts when it is set, even with time left', () => {
    const budget = startRetryBudget({ ...policy, maxAttempts: 3 }, fakeClock());
    expect([budget.next(), budget.next(), budget.next()].map((d) => d !== undefined)).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('the exhausted error says how many attempts in how long, and keeps the cause', () => {
    const clock = fakeClock();
    const budget = startRetryBudget(policy, clock);
    budget.next();
    clock.advance(2400);
    budget.next();
    const cause = new HarkError('HARK_DB_UNAVAILABLE');
    const err = retriesExhausted('scoring', budget, cause);
    expect(err).toMatchObject({
      code: 'HARK_STAGE_RETRIES_EXHAUSTED',
      retriable: false,
      cause,
      context: { stage: 'scoring', attempts: 2, elapsedMs: 2400 },
    });
    expect(err.message).toBe('gave up after 2 attempts in 2 s: PostgreSQL did not answer');
  });
});
