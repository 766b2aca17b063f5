import { describe, expect, it } from 'vitest';
import { makeMention, makeResolvedMention } from '@hark/testing';
import { checkMention, checkResolvedMention, checkScoredMention } from '../../src/check-events.ts';

describe('event contract checks (issue 15, defect 9)', () => {
  it('a mention as the collector produces it keeps the contract', () => {
    expect(checkMention(makeMention())).toEqual([]);
    expect(checkResolvedMention(makeResolvedMention())).toEqual([]);
  });

  it.each([
    [
      'mentionId not platform:postId',
      { mentionId: 'x:other' },
      /mentionId "x:other" is not platform:postId/,
    ],
    ['a NaN rating', { rating: Number.NaN }, /rating is not a finite number \(NaN\)/],
    ['an infinite rating', { rating: Number.POSITIVE_INFINITY }, /rating is not a finite number/],
    ['a rating of 9', { rating: 9 }, /rating is 9, outside \[1, 5\]/],
    ['an upper-case platform', { platform: 'X', mentionId: 'X:1', postId: '1' }, /platform "X"/],
    ['a NaN createdAt', { createdAt: Number.NaN }, /createdAt is not a finite number/],
    [
      'negative likes',
      { engagement: { likes: -1, shares: 0, replies: 0, views: 0 } },
      /engagement\.likes/,
    ],
    [
      'fractional views',
      { engagement: { likes: 0, shares: 0, replies: 0, views: 1.5 } },
      /engagement\.views/,
    ],
  ])('names %s', (_what, patch, problem) => {
    const m = makeMention(patch as never);
    expect(checkMention(m).join('\n')).toMatch(problem);
  });

  it.each([
    [
      'a NaN influence',
      (r: ReturnType<typeof makeResolvedMention>) => (r.influence.score = Number.NaN),
      /influence\.score/,
    ],
    [
      'a customer value of −1e308',
      (r: ReturnType<typeof makeResolvedMention>) => (r.customer.customerValue = -1e308),
      /customerValue is -1e\+308/,
    ],
    [
      'an infinite confidence',
      (r: ReturnType<typeof makeResolvedMention>) => (r.customer.confidence = Infinity),
      /customer\.confidence/,
    ],
    [
      'a sentiment score of 2',
      (r: ReturnType<typeof makeResolvedMention>) => (r.sentiment.score = 2),
      /sentiment\.score is 2/,
    ],
  ])('names %s in a resolved mention', (_what, spoil, problem) => {
    const r = makeResolvedMention();
    spoil(r);
    expect(checkResolvedMention(r).join('\n')).toMatch(problem);
    expect(checkScoredMention(r).length).toBeLessThanOrEqual(checkResolvedMention(r).length);
  });

  it.each([
    ['x_1', 'x', '1'],
    ['y:1', 'x', '1'],
    ['x:2', 'x', '1'],
    ['x:1:', 'x', '1'],
    ['xx:1', 'x', 'x:1'],
  ])(
    'refuses mentionId %s for platform %s and postId %s, and accepts the right one',
    (id, platform, postId) => {
      expect(checkMention(makeMention({ mentionId: id, platform, postId })).join('\n')).toMatch(
        /is not platform:postId/,
      );
      expect(
        checkMention(makeMention({ mentionId: `${platform}:${postId}`, platform, postId })),
      ).toEqual([]);
    },
  );

  it('names the full path of each field, nested under the mention or at the top', () => {
    const r = makeResolvedMention();
    r.mention.author.followers = -1;
    r.mention.engagement.shares = 0.5;
    r.sentiment.score = 2;
    expect(checkResolvedMention(r)).toEqual([
      'mention.author.followers must be a whole number ≥ 0, got -1',
      'mention.engagement.shares must be a whole number ≥ 0, got 0.5',
      'sentiment.score is 2, outside [-1, 1]',
    ]);
    expect(checkMention(r.mention, 'value')[0]).toBe(
      'value.author.followers must be a whole number ≥ 0, got -1',
    );
  });
});
