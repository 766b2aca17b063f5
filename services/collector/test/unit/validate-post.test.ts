import { describe, expect, it } from 'vitest';
import { parseTimestamp } from '../../src/domain/fields.ts';
import { validatePost } from '../../src/domain/validate-post.ts';

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const opts = { now: NOW, maxTextLength: 280, maxFutureSkewMs: 3_600_000 };

const good = {
  platform: 'x',
  id: '1860000000000000101',
  url: 'https://x.com/jdoe/status/1860000000000000101',
  author: {
    id: '2244994945',
    handle: '@jdoe',
    name: 'Jane Doe',
    followers: 1520,
    verified: false,
    location: 'Lyon',
  },
  text: 'Third time my @acme router dropped',
  lang: 'en-GB',
  createdAt: '2026-11-20T09:30:00Z',
  engagement: { likes: 12, shares: 3, replies: 2, views: 840 },
};

const errorsOf = (input: unknown) => {
  const r = validatePost(input, opts);
  return r.ok ? [] : r.errors.map((e) => `${e.path}|${e.reason}`);
};

describe('validatePost', () => {
  it('when every field is well-formed, it builds the draft mention', () => {
    const r = validatePost(good, opts);
    expect(r).toEqual({
      ok: true,
      draft: {
        mentionId: 'x:1860000000000000101',
        platform: 'x',
        postId: '1860000000000000101',
        kind: 'post',
        url: good.url,
        parentId: null,
        author: {
          id: '2244994945',
          handle: 'jdoe',
          name: 'Jane Doe',
          followers: 1520,
          verified: false,
          location: 'Lyon',
          email: null,
          profileUrl: null,
        },
        title: null,
        text: good.text,
        lang: 'en',
        rating: null,
        revision: 0,
        createdAt: Date.UTC(2026, 10, 20, 9, 30, 0),
        engagement: { likes: 12, shares: 3, replies: 2, views: 840 },
      },
    });
  });

  it('takes the minimal shape: platform, id, author.id, text, createdAt', () => {
    const r = validatePost(
      { platform: 'Twitter', postId: 42, author: { id: 7 }, text: 'hi', createdAt: 1763800000000 },
      opts,
    );
    expect(r.ok && r.draft).toMatchObject({
      mentionId: 'x:42',
      platform: 'x',
      author: { id: '7', handle: '7', followers: 0, verified: false },
      engagement: { likes: 0, shares: 0, replies: 0, views: 0 },
    });
  });

  it('normalizes text to NFC and keeps a parentId as a mentionId of the same platform', () => {
    const r = validatePost({ ...good, text: 'cafe\u0301', kind: 'reply', parentId: '99' }, opts);
    expect(r.ok && r.draft.text).toBe('café');
    expect(r.ok && r.draft.parentId).toBe('x:99');
    const already = validatePost({ ...good, parentId: 'x:99' }, opts);
    expect(already.ok && already.draft.parentId).toBe('x:99');
  });

  it('allows an empty text when the item has a title (link posts, articles)', () => {
    expect(validatePost({ ...good, text: '', title: 'A title' }, opts).ok).toBe(true);
    expect(errorsOf({ ...good, text: '' })).toEqual(['text|missing_field']);
  });

  it.each([
    ['a missing platform', { ...good, platform: undefined }, ['platform|missing_field']],
    ['a missing id', { ...good, id: undefined }, ['id|missing_field']],
    ['an empty id', { ...good, id: '  ' }, ['id|missing_field']],
    ['an id beyond 2^53 sent as a number', { ...good, id: 1860000000000000300 }, ['id|wrong_type']],
    ['id and postId disagreeing', { ...good, postId: 'other' }, ['postId|invalid_value']],
    ['a platform with spaces', { ...good, platform: 'my platform' }, ['platform|invalid_value']],
    ['a missing author', { ...good, author: undefined }, ['author|missing_field']],
    ['an author that is a string', { ...good, author: 'jdoe' }, ['author|wrong_type']],
    ['a missing author.id', { ...good, author: { handle: 'jdoe' } }, ['author.id|missing_field']],
    [
      'negative followers',
      { ...good, author: { ...good.author, followers: -1 } },
      ['author.followers|negative_count'],
    ],
    [
      'fractional followers',
      { ...good, author: { ...good.author, followers: 1.5 } },
      ['author.followers|invalid_value'],
    ],
    [
      'followers as a string',
      { ...good, author: { ...good.author, followers: '1520' } },
      ['author.followers|wrong_type'],
    ],
    [
      'verified as a string',
      { ...good, author: { ...good.author, verified: 'yes' } },
      ['author.verified|wrong_type'],
    ],
    [
      'a malformed email',
      { ...good, author: { ...good.author, email: 'not-an-email' } },
      ['author.email|invalid_value'],
    ],
    ['a relative url', { ...good, url: '/status/1' }, ['url|invalid_value']],
    ['a javascript: url', { ...good, url: 'javascript:alert(1)' }, ['url|invalid_value']],
    ['a missing text', { ...good, text: undefined }, ['text|missing_field']],
    ['a numeric text', { ...good, text: 42 }, ['text|wrong_type']],
    ['a text over the limit', { ...good, text: 'a'.repeat(281) }, ['text|text_too_long']],
    ['an unknown kind', { ...good, kind: 'tweet' }, ['kind|invalid_value']],
    ['a malformed lang', { ...good, lang: 'english!' }, ['lang|invalid_value']],
    ['a missing createdAt', { ...good, createdAt: undefined }, ['createdAt|missing_field']],
    [
      'createdAt without a time zone',
      { ...good, createdAt: '2026-11-20T09:30:00' },
      ['createdAt|invalid_timestamp'],
    ],
    [
      'createdAt as a date only',
      { ...good, createdAt: '2026-11-20' },
      ['createdAt|invalid_timestamp'],
    ],
    [
      'createdAt on February 30th',
      { ...good, createdAt: '2026-02-30T10:00:00Z' },
      ['createdAt|invalid_timestamp'],
    ],
    [
      'createdAt in epoch seconds',
      { ...good, createdAt: 1763800000 },
      ['createdAt|invalid_timestamp'],
    ],
    [
      'createdAt in 1970',
      { ...good, createdAt: '1970-01-01T00:00:01Z' },
      ['createdAt|invalid_timestamp'],
    ],
    [
      'createdAt two hours ahead',
      { ...good, createdAt: NOW + 2 * 3_600_000 },
      ['createdAt|invalid_timestamp'],
    ],
    ['createdAt as a boolean', { ...good, createdAt: true }, ['createdAt|invalid_timestamp']],
    ['engagement as an array', { ...good, engagement: [1, 2] }, ['engagement|wrong_type']],
    ['negative likes', { ...good, engagement: { likes: -3 } }, ['engagement.likes|negative_count']],
    [
      'likes as a string',
      { ...good, engagement: { likes: '12' } },
      ['engagement.likes|wrong_type'],
    ],
    ['a rating of 6', { ...good, rating: 6 }, ['rating|invalid_value']],
    ['a rating as text', { ...good, rating: 'good' }, ['rating|wrong_type']],
  ])('rejects %s with the field path and reason', (_label, input, expected) => {
    expect(errorsOf(input)).toEqual(expected);
  });

  it('reports every problem of an item at once, with the mentionId when it can', () => {
    const r = validatePost(
      {
        platform: 'x',
        id: '9',
        author: { id: 'a', followers: -5 },
        text: 1,
        createdAt: 'yesterday',
      },
      opts,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.mentionId).toBe('x:9');
    expect(r.errors.map((e) => e.path)).toEqual(['author.followers', 'text', 'createdAt']);
    expect(r.errors.every((e) => e.message.length > 10)).toBe(true);
  });

  it.each([[null], [42], ['a string'], [[1, 2]]])('rejects %j as not an object', (input) => {
    expect(errorsOf(input)).toEqual(['|not_an_object']);
  });

  it('counts text length in characters, not UTF-16 units', () => {
    expect(validatePost({ ...good, text: '😀'.repeat(280) }, opts).ok).toBe(true);
    expect(errorsOf({ ...good, text: '😀'.repeat(281) })).toEqual(['text|text_too_long']);
  });
});

describe('parseTimestamp', () => {
  it.each([
    ['2026-11-20T09:30:00Z', Date.UTC(2026, 10, 20, 9, 30)],
    ['2026-11-20T09:30:00.123Z', Date.UTC(2026, 10, 20, 9, 30, 0, 123)],
    ['2026-11-20T10:30:00+01:00', Date.UTC(2026, 10, 20, 9, 30)],
    ['2026-11-20T10:30:00+0100', Date.UTC(2026, 10, 20, 9, 30)],
    ['2026-11-20 09:30:00Z', Date.UTC(2026, 10, 20, 9, 30)],
    ['2026-11-20T09:30Z', Date.UTC(2026, 10, 20, 9, 30)],
    [1763800000000, 1763800000000],
    [1763800000000.6, 1763800000001],
    ['2028-02-29T12:00:00Z', Date.UTC(2028, 1, 29, 12)],
    ['2000-02-29T12:00:00Z', Date.UTC(2000, 1, 29, 12)],
    ['2026-12-31T23:59:59Z', Date.UTC(2026, 11, 31, 23, 59, 59)],
    ['  2026-04-30T00:00:00Z ', Date.UTC(2026, 3, 30)],
  ])('%j reads as %d', (input, ms) => {
    expect(parseTimestamp(input)).toBe(ms);
  });

  it.each([
    ['2026-13-01T00:00:00Z'],
    ['2026-11-20T24:00:00Z'],
    ['2026-11-20T23:60:00Z'],
    ['2026-11-20T23:59:60Z'],
    ['2027-02-29T12:00:00Z'],
    ['2100-02-29T12:00:00Z'],
    ['2026-04-31T00:00:00Z'],
    ['2026-00-10T00:00:00Z'],
    ['2026-01-00T00:00:00Z'],
    ['Nov 20 2026'],
    [-1],
    [Number.NaN],
    [{}],
  ])('%j is refused with a reason', (input) => {
    expect(typeof parseTimestamp(input)).toBe('string');
  });
});

describe('validatePost edits', () => {
  const now = Date.parse('2026-11-24T10:00:00Z');
  const base = {
    platform: 'x',
    id: '1',
    author: { id: 'u1' },
    text: 'Acme again',
    createdAt: '2026-11-24T08:00:00Z',
  };
  const limits = { now, maxTextLength: 1000, maxFutureSkewMs: 60_000 };

  it.each([
    ['no edit: revision 0', {}, 0],
    ['revision as given', { revision: 3 }, 3],
    [
      'editedAt: its epoch ms',
      { editedAt: '2026-11-24T09:00:00Z' },
      Date.parse('2026-11-24T09:00:00Z'),
    ],
    ['both, agreeing', { revision: now - 1000, editedAt: now - 1000 }, now - 1000],
  ])('%s', (_n, extra, revision) => {
    const r = validatePost({ ...base, ...extra }, limits);
    expect(r).toMatchObject({ ok: true, draft: { revision } });
  });

  it.each([
    ['a negative revision', { revision: -1 }, 'revision'],
    ['a fractional revision', { revision: 1.5 }, 'revision'],
    ['editedAt in the future', { editedAt: now + 3_600_000 }, 'editedAt'],
    ['revision and editedAt that disagree', { revision: 2, editedAt: now }, 'revision'],
  ])('refuses %s', (_n, extra, path) => {
    const r = validatePost({ ...base, ...extra }, limits);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.path)).toContain(path);
  });
});

describe('ids that are not well-formed Unicode (issue 15, defect 6)', () => {
  it('regression: two ids differing only in a lone surrogate are both refused, naming the field', () => {
    for (const id of ['123\uD800', '123\uDFFF', '\uDC00abc']) {
      const r = validatePost({ ...good, id }, opts);
      expect(r.ok, JSON.stringify(id)).toBe(false);
      expect(r.ok ? [] : r.errors).toContainEqual(
        expect.objectContaining({ path: 'id', reason: 'invalid_value' }),
      );
    }
  });

  it.each([
    ['postId', { postId: 'a\uD83D' }],
    ['author.id', { author: { id: 'u\uDE00' } }],
    ['parentId', { parentId: 'p\uD800' }],
  ])('refuses a lone surrogate in %s', (path, patch) => {
    const input = { ...good, ...patch } as Record<string, unknown>;
    if ('postId' in patch) delete input.id;
    const r = validatePost(input, opts);
    expect(r.ok ? [] : r.errors).toContainEqual(
      expect.objectContaining({ path, reason: 'invalid_value' }),
    );
  });

  it('keeps ids with paired surrogates (emoji) and the text as it is', () => {
    expect(validatePost({ ...good, id: 'post-😀' }, opts).ok).toBe(true);
  });
});
