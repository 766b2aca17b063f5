import { describe, expect, it } from 'vitest';
import { duration, parseDuration } from '../../src/index.ts';

describe('durations in config', () => {
  it.each([
    ['7d', 7 * 86_400_000],
    ['36h', 36 * 3_600_000],
    ['15m', 900_000],
    ['30s', 30_000],
    ['500ms', 500],
    ['2w', 14 * 86_400_000],
    ['1d12h', 36 * 3_600_000],
    ['1h30m', 5_400_000],
    [' 90d ', 90 * 86_400_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text).ms).toBe(ms);
  });

  it.each(['', '7', 'd', '7x', '-1d', '1.5h', '7 d', 'seven days'])('"%s" is rejected', (text) => {
    expect(() => parseDuration(text)).toThrow(/must be a duration/);
  });

  it('prints as written, so the README config table shows 7d rather than milliseconds', () => {
    expect(String(parseDuration('7d'))).toBe('7d');
  });

  it('a lower bound rejects shorter values', () => {
    expect(() => duration({ min: '1d' })('12h')).toThrow('must be at least 1d');
    expect(duration({ min: '1d' })('1d').ms).toBe(86_400_000);
  });
});
