import { describe, expect, it } from 'vitest';
import { createCircuitBreaker } from '../../src/domain/circuit-breaker.ts';
import { backoffDelay, parseRetryAfter, retryHints } from '../../src/domain/retry-after.ts';

describe('circuit breaker', () => {
  it('opens on a failure, fails fast for the window, then lets a probe through', () => {
    const c = createCircuitBreaker({ openMs: 5000 });
    expect(c.state(0)).toBe('closed');
    expect(c.canAttempt(0)).toBe(true);
    c.recordFailure(1000);
    expect(c.state(1001)).toBe('open');
    expect(c.canAttempt(5999)).toBe(false);
    expect(c.retryAfterMs(2000)).toBe(4000);
    expect(c.state(6000)).toBe('half_open');
    expect(c.canAttempt(6000)).toBe(true);
  });

  it('closes on the first success and re-opens on a failed probe', () => {
    const c = createCircuitBreaker({ openMs: 5000 });
    c.recordFailure(0);
    c.recordFailure(6000);
    expect(c.state(7000)).toBe('open');
    c.recordSuccess();
    expect(c.state(7000)).toBe('closed');
    expect(c.retryAfterMs(7000)).toBe(0);
  });
});

describe('Retry-After and backoff', () => {
  const now = Date.UTC(2026, 10, 24, 12);
  it.each([
    ['120', 120_000],
    [' 0 ', 0],
    ['Tue, 24 Nov 2026 12:00:30 GMT', 30_000],
    ['Tue, 24 Nov 2026 11:00:00 GMT', 0],
    ['soon', null],
    [null, null],
  ])('Retry-After %j → %j ms', (header, ms) => {
    expect(parseRetryAfter(header, now)).toBe(ms);
  });

  it('obeys the server delay, at least a second and at most the cap', () => {
    const base = { attempt: 1, baseMs: 2000, maxMs: 900_000, random: 0.5 };
    expect(backoffDelay({ ...base, status: 429, serverDelayMs: 7000 })).toBe(7000);
    expect(backoffDelay({ ...base, status: 429, serverDelayMs: 0 })).toBe(1000);
    expect(backoffDelay({ ...base, status: 503, serverDelayMs: 86_400_000 })).toBe(900_000);
  });

  it('doubles per failure with jitter when the server says nothing', () => {
    const at = (attempt: number, random: number) =>
      backoffDelay({ attempt, baseMs: 1000, maxMs: 60_000, random });
    expect([1, 2, 3, 4].map((a) => at(a, 0.5))).toEqual([1000, 2000, 4000, 8000]);
    expect(at(3, 0)).toBe(2000);
    expect(at(3, 0.999)).toBeCloseTo(5996, -1);
    expect(at(30, 0.5)).toBe(60_000);
  });

  it('reads the status and the server delay a failed call recorded, and nothing else', () => {
    expect(retryHints({ url: 'u', status: 429, retryAfterMs: 7000 })).toEqual({
      status: 429,
      serverDelayMs: 7000,
    });
    expect(retryHints({ status: '503', retryAfterMs: null })).toEqual({
      status: undefined,
      serverDelayMs: null,
    });
  });
});
