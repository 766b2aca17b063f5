import { makeMention, makeScoredMention } from '@hark/testing';
import { describe, expect, it, vi } from 'vitest';
import { Matcher } from '../../src/domain/match-author.ts';
import {
  identityKey,
  latestPerAuthor,
  planBatch,
  resolvedMentionOf,
} from '../../src/domain/resolve-batch.ts';
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

describe('latestPerAuthor', () => {
  const batch = [
    scored('a1', '1', { name: 'Old Name' }),
    scored('a2', '2'),
    scored('a3', '3'),
    scored('a1', '4', { name: 'Jane Doe' }),
    scored('a2', '5'),
  ];
  const keys = batch.map((s) => identityKey(s.mention.platform, s.mention.author.id));

  it('keeps each author once, with its latest mention, in the order of last mentions', () => {
    expect(latestPerAuthor(batch, keys).map((s) => s.mention.postId)).toEqual(['3', '4', '5']);
  });

  it('leaves a most-recently-seen set as observing every mention would', () => {
    // The model refitter's sample: re-inserted on every sighting, the oldest evicted past the cap.
    const observe = (seen: Map<string, string>, cap: number, key: string, value: string) => {
      seen.delete(key);
      seen.set(key, value);
      if (seen.size > cap) seen.delete(seen.keys().next().value!);
    };
    for (const cap of [1, 2, 3, 10]) {
      const every = new Map([['old', 'x']]);
      batch.forEach((s, i) => observe(every, cap, keys[i]!, s.mention.postId));
      const once = new Map([['old', 'x']]);
      for (const s of latestPerAuthor(batch, keys))
        observe(once, cap, identityKey(s.mention.platform, s.mention.author.id), s.mention.postId);
      expect([...once]).toEqual([...every]);
    }
  });
});
