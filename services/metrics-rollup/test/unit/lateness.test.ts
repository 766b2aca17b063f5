import { describe, expect, it } from 'vitest';
import { checkEventTime, formatSpan } from '../../src/domain/lateness.ts';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const DAY = 86_400_000;
const policy = { latenessMs: 7 * DAY, futureToleranceMs: 15 * 60_000 };

describe('lateness against the processing clock', () => {
  it.each<[string, number, string | undefined]>([
    ['an event from now', NOW, undefined],
    ['an event 6 days old', NOW - 6 * DAY, undefined],
    ['an event exactly at the lateness bound', NOW - 7 * DAY, undefined],
    ['an event 1 ms beyond the lateness bound', NOW - 7 * DAY - 1, 'HARK_ROLLUP_TOO_LATE'],
    ['an event a year old', NOW - 365 * DAY, 'HARK_ROLLUP_TOO_LATE'],
    ['an event 10 minutes ahead (clock skew)', NOW + 10 * 60_000, undefined],
    ['an event exactly at the future tolerance', NOW + 15 * 60_000, undefined],
    ['an event 1 ms beyond the future tolerance', NOW + 15 * 60_000 + 1, 'HARK_ROLLUP_IN_FUTURE'],
    ['an event an hour ahead (a time-zone bug)', NOW + 3_600_000, 'HARK_ROLLUP_IN_FUTURE'],
  ])('%s → %s', (_what, eventTime, code) => {
    expect(checkEventTime(eventTime, NOW, policy)?.code).toBe(code);
  });

  it('when an event is too late, the reason says how late and what the limit is', () => {
    const err = checkEventTime(NOW - 8 * DAY - 3_600_000, NOW, policy, 'createdAt');
    expect(err?.message).toBe(
      'createdAt time 2026-11-16T11:00:00.000Z is 8d 1h behind the clock, beyond the allowed lateness of 7d',
    );
    expect(err?.retriable).toBe(false);
    expect(err?.context).toMatchObject({ latenessMs: 7 * DAY, now: NOW });
  });

  it('a zero lateness accepts only events at or after now', () => {
    const strict = { latenessMs: 0, futureToleranceMs: 0 };
    expect(checkEventTime(NOW, NOW, strict)).toBeUndefined();
    expect(checkEventTime(NOW - 1, NOW, strict)?.code).toBe('HARK_ROLLUP_TOO_LATE');
    expect(checkEventTime(NOW + 1, NOW, strict)?.code).toBe('HARK_ROLLUP_IN_FUTURE');
  });

  it.each([
    [0, '0s'],
    [59_000, '59s'],
    [61_000, '1m 1s'],
    [DAY + 2 * 3_600_000, '1d 2h'],
    [-90_000, '1m 30s'],
  ])('formatSpan(%d) is %s', (ms, text) => {
    expect(formatSpan(ms)).toBe(text);
  });
});
