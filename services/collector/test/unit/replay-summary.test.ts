import { describe, expect, it } from 'vitest';
import {
  countAnswer,
  countFailure,
  emptySummary,
  formatSummary,
} from '../../src/domain/replay-summary.ts';

describe('replay summary', () => {
  it('counts an item with several bad fields once, under its first reason, with its file line', () => {
    const s = emptySummary('posts.jsonl');
    countAnswer(
      s,
      {
        accepted: 1,
        unmatched: 1,
        rejected: 1,
        errors: [
          { index: 2, path: 'createdAt', reason: 'invalid_timestamp', message: 'no zone' },
          { index: 2, path: 'text', reason: 'missing_field', message: 'empty' },
        ],
      },
      [10, 11, 13],
    );
    expect(s).toMatchObject({ accepted: 1, unmatched: 1, rejected: 1 });
    expect(s.rejectedByReason).toEqual({ invalid_timestamp: 1 });
    expect(s.samples.map((x) => [x.line, x.path])).toEqual([
      [13, 'createdAt'],
      [13, 'text'],
    ]);
  });

  it('keeps the first ten rejections only', () => {
    const s = emptySummary('f');
    const errors = Array.from({ length: 12 }, (_, index) => ({
      index,
      path: 'id',
      reason: 'missing_field',
      message: 'm',
    }));
    countAnswer(s, { rejected: 12, errors }, []);
    expect(s.samples).toHaveLength(10);
    expect(s.samples[0]!.line).toBe(-1);
    expect(s.rejectedByReason).toEqual({ missing_field: 12 });
  });

  it('counts undelivered records by reason and prints them', () => {
    const s = emptySummary('f.csv');
    countFailure(s, 100, 'http_503');
    countFailure(s, 5, 'unreachable');
    expect(s.failedByReason).toEqual({ http_503: 100, unreachable: 5 });
    expect(formatSummary(s)).toContain('failed     105   (not delivered)');
  });
});
