import { makeMention, makeScoredMention } from '@hark/testing';
import { describe, expect, it, vi } from 'vitest';
import { Matcher } from '../../src/domain/match-author.ts';
import { planBatch, resolvedMentionOf } from '../../src/domain/resolve-batch.ts';
import { CRM, indexOf } from './fixtures.ts';

const index = indexOf(...CRM);

function scored(
  authorId: string,
  postId: string,
  author: Partial<ReturnType<typeof makeMention>['author']> = {},
) {
  const base = makeMention();
  return makeScoredMention({
    mention: makeMention({ postId, author: { ...base.author, id: authorId, ...author } }),
  });
}

describe('planBatch', () => {
  it('decides once per author, with the latest profile', () => {
    const matcher = new Matcher(index);
    const resolve = vi.spyOn(matcher, 'resolve');
    const plan = planBatch(
      [
        scored('a1', '1', { name: 'Old Name' }),
        scored('a2', '2'),
        scored('a1', '3', { name: 'Jane Doe', email: 'jane.doe84@gmail.com' }),
      ],
      new Map(),
      matcher,
      index,
    );
    expect(resolve).toHaveBeenCalledTimes(2);
    expect(plan.get('x:a1')).toMatchObject({
      kind: 'write',
      write: { method: 'email', status: 'linked' },
    });
  });
});

describe('resolvedMentionOf', () => {
  it('keeps the scored mention and adds customer and influence', () => {
    const s = scored('a1', '1', { followers: 25_000, verified: true });
    const r = resolvedMentionOf(s, { identity: null, fresh: false, prospectConfidence: 0.12 }, 42);
    expect(r).toMatchObject({
      mention: s.mention,
      sentiment: s.sentiment,
      intent: s.intent,
      scoredAt: s.scoredAt,
      customer: { customerId: null, status: 'prospect', confidence: 0.12, method: 'none' },
      influence: { tier: 'mid' },
      resolvedAt: 42,
    });
  });
});
