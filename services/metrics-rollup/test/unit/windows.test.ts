import { describe, expect, it } from 'vitest';
import { GRAIN_MS, windowStart, windowsOf, type Grain } from '../../src/domain/windows.ts';

const t = (iso: string) => Date.parse(iso);

describe('window assignment (UTC, by event time)', () => {
  it.each<[string, Grain, string, string]>([
    ['an event inside a minute', 'minute', '2026-11-20T09:30:42.123Z', '2026-11-20T09:30:00.000Z'],
    [
      'an event exactly on a minute boundary',
      'minute',
      '2026-11-20T09:31:00.000Z',
      '2026-11-20T09:31:00.000Z',
    ],
    [
      'the last millisecond of a minute',
      'minute',
      '2026-11-20T09:30:59.999Z',
      '2026-11-20T09:30:00.000Z',
    ],
    ['an event inside an hour', 'hour', '2026-11-20T09:59:59.999Z', '2026-11-20T09:00:00.000Z'],
    [
      'an event exactly on an hour boundary',
      'hour',
      '2026-11-20T10:00:00.000Z',
      '2026-11-20T10:00:00.000Z',
    ],
    [
      'the last millisecond of a UTC day',
      'day',
      '2026-11-20T23:59:59.999Z',
      '2026-11-20T00:00:00.000Z',
    ],
    ['midnight UTC', 'day', '2026-11-21T00:00:00.000Z', '2026-11-21T00:00:00.000Z'],
    ['a leap day', 'day', '2028-02-29T12:00:00.000Z', '2028-02-29T00:00:00.000Z'],
    ['new year', 'hour', '2027-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
    [
      'an event before 1970 (floor, not truncation)',
      'day',
      '1969-12-31T23:00:00.000Z',
      '1969-12-31T00:00:00.000Z',
    ],
    [
      'an event before 1970 in a minute',
      'minute',
      '1969-12-31T23:59:30.000Z',
      '1969-12-31T23:59:00.000Z',
    ],
  ])('%s: %s window of %s starts at %s', (_what, grain, event, expected) => {
    expect(new Date(windowStart(t(event), grain)).toISOString()).toBe(expected);
  });

  it('a local-time offset in the input changes nothing: windows are UTC days', () => {
    // 00:30 in Paris (UTC+1) on the 21st is still the 20th in UTC.
    expect(new Date(windowStart(t('2026-11-21T00:30:00+01:00'), 'day')).toISOString()).toBe(
      '2026-11-20T00:00:00.000Z',
    );
  });

  it('every window holds its event, and the windows nest: minute ⊂ hour ⊂ day', () => {
    for (let i = 0; i < 1000; i++) {
      const event = t('2026-01-01T00:00:00Z') + Math.floor(Math.random() * 400 * GRAIN_MS.day);
      const w = windowsOf(event);
      for (const grain of ['minute', 'hour', 'day'] as const) {
        expect(event).toBeGreaterThanOrEqual(w[grain]);
        expect(event).toBeLessThan(w[grain] + GRAIN_MS[grain]);
      }
      expect(w.minute).toBeGreaterThanOrEqual(w.hour);
      expect(w.hour).toBeGreaterThanOrEqual(w.day);
    }
  });
});
