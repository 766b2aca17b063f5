import { describe, expect, it } from 'vitest';
import {
  byAuthorKey,
  decodeReviewCursor,
  encodeReviewCursor,
  withReviewNote,
} from '../../src/domain/review-decision.ts';

describe('review cursor', () => {
  it('when a cursor is encoded, it decodes to the same position', () => {
    const c = { at: '2026-01-02 03:04:05.123+00', platform: 'x', authorId: '42' };
    expect(decodeReviewCursor(encodeReviewCursor(c))).toEqual(c);
  });

  it.each([
    ['not base64 json', 'nope'],
    ['a number', Buffer.from('7').toString('base64url')],
    ['null', Buffer.from('null').toString('base64url')],
    ['a short array', Buffer.from('["a","x"]').toString('base64url')],
    ['a non-string field', Buffer.from('["a","x",1]').toString('base64url')],
  ])('when the cursor is %s, it decodes to null', (_, s) => {
    expect(decodeReviewCursor(s)).toBeNull();
  });
});

describe('withReviewNote', () => {
  it('when a reviewer decides, earlier review notes give way and other evidence stays', () => {
    const out = withReviewNote(
      [
        { kind: 'handle', detail: 'same handle', weight: 2 },
        { kind: 'review', detail: 'confirmed by a reviewer', weight: 0 },
      ],
      'rejected by a reviewer',
    );
    expect(out).toEqual([
      { kind: 'handle', detail: 'same handle', weight: 2 },
      { kind: 'review', detail: 'rejected by a reviewer', weight: 0 },
    ]);
  });
});

describe('byAuthorKey', () => {
  it('when writes are sorted, they are ordered by platform, then author id', () => {
    const keys = [
      { platform: 'x', authorId: 'b' },
      { platform: 'mastodon', authorId: 'z' },
      { platform: 'x', authorId: 'a' },
    ];
    expect([...keys].sort(byAuthorKey)).toEqual([
      { platform: 'mastodon', authorId: 'z' },
      { platform: 'x', authorId: 'a' },
      { platform: 'x', authorId: 'b' },
    ]);
  });
});
