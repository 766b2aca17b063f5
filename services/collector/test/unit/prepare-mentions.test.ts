import { describe, expect, it } from 'vitest';
import { compileBrandMatcher } from '../../src/domain/brand-matcher.ts';
import { answerItems, prepareMentions } from '../../src/domain/prepare-mentions.ts';

const matcher = compileBrandMatcher([
  { id: 'acme', name: 'Acme', aliases: [], keywords: [], hashtags: [], handles: [], exclude: [] },
]);
const now = Date.UTC(2026, 11, 6, 12);
const ctx = {
  matcher,
  limits: { maxTextLength: 1000, maxFutureSkewMs: 900_000 },
  now,
  source: { kind: 'http' as const, name: 'tests' },
};
const post = (id: string, text: string, extra: object = {}) => ({
  entry: {
    native: null,
    post: {
      platform: 'x',
      id,
      author: { id: 'u1', handle: '@jdoe' },
      text,
      createdAt: now - 60_000,
      ...extra,
    },
  },
});

describe('prepareMentions', () => {
  it('stamps a matched post into a complete Mention', () => {
    const out = prepareMentions([post('1', 'Acme is down', { lang: 'en' })], ctx);
    expect(out.mentions).toEqual([
      {
        index: 0,
        mention: {
          mentionId: 'x:1',
          platform: 'x',
          postId: '1',
          kind: 'post',
          url: null,
          parentId: null,
          author: {
            id: 'u1',
            handle: 'jdoe',
            name: null,
            followers: 0,
            verified: false,
            location: null,
            email: null,
            profileUrl: null,
          },
          title: null,
          text: 'Acme is down',
          lang: 'en',
          rating: null,
          createdAt: now - 60_000,
          collectedAt: now,
          engagement: { likes: 0, shares: 0, replies: 0, views: 0 },
          brands: ['acme'],
          keywords: ['acme'],
          source: { kind: 'http', name: 'tests' },
          revision: 0,
          sealed: null,
        },
      },
    ]);
  });
});

describe('answerItems', () => {
  it('lists accepted and unmatched items in request order, leaving out refused ones', () => {
    const prepared = prepareMentions(
      [
        post('1', 'nothing here'),
        post('2', 'Acme one'),
        post('3', 'bad', { createdAt: 'yesterday' }),
        post('4', 'Acme two'),
        post('5', 'still nothing'),
        post('6', 'nor here'),
        post('7', 'Acme three'),
      ],
      ctx,
    );
    expect(answerItems(prepared).map((i) => [i.index, i.mentionId, i.status])).toEqual([
      [0, 'x:1', 'unmatched'],
      [1, 'x:2', 'accepted'],
      [3, 'x:4', 'accepted'],
      [4, 'x:5', 'unmatched'],
      [5, 'x:6', 'unmatched'],
      [6, 'x:7', 'accepted'],
    ]);
    expect(answerItems(prepared)[1]).toEqual({
      index: 1,
      mentionId: 'x:2',
      status: 'accepted',
      brands: ['acme'],
      keywords: ['acme'],
    });
  });

  it('answers an empty batch with no items, and one of each kind alone', () => {
    expect(answerItems({ mentions: [], unmatched: [], rejected: [] })).toEqual([]);
    const onlyUnmatched = prepareMentions([post('1', 'nothing')], ctx);
    expect(answerItems(onlyUnmatched)).toEqual([
      { index: 0, mentionId: 'x:1', status: 'unmatched' },
    ]);
  });
});
