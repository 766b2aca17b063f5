import type { ResolvedMention } from '@hark/events';
import { makeMention, makeResolvedMention } from '@hark/testing';

export interface MentionSpec {
  id?: string;
  at?: string | number;
  brands?: string[];
  platform?: string;
  author?: string;
  followers?: number;
  sentiment?: ResolvedMention['sentiment']['label'];
  score?: number;
  intent?: ResolvedMention['intent']['label'];
  customerId?: string | null;
  status?: ResolvedMention['customer']['status'];
  likes?: number;
  shares?: number;
  replies?: number;
  views?: number;
}

let seq = 0;

/** A ResolvedMention from the few fields a rollup test cares about. */
export function resolved(spec: MentionSpec = {}): ResolvedMention {
  const postId = spec.id ?? `p${++seq}`;
  const platform = spec.platform ?? 'x';
  const createdAt =
    typeof spec.at === 'number' ? spec.at : Date.parse(spec.at ?? '2026-11-20T09:30:15Z');
  const base = makeMention();
  const customerId = spec.customerId === undefined ? null : spec.customerId;
  return makeResolvedMention({
    mention: makeMention({
      mentionId: `${platform}:${postId}`,
      postId,
      platform,
      createdAt,
      collectedAt: createdAt + 1000,
      brands: spec.brands ?? ['acme'],
      author: { ...base.author, id: spec.author ?? 'a1', followers: spec.followers ?? 100 },
      engagement: {
        likes: spec.likes ?? 0,
        shares: spec.shares ?? 0,
        replies: spec.replies ?? 0,
        views: spec.views ?? 0,
      },
    }),
    sentiment: {
      score: spec.score ?? scoreFor(spec.sentiment ?? 'neutral'),
      label: spec.sentiment ?? 'neutral',
      lang: 'en',
      model: 'test@1',
    },
    intent: { label: spec.intent ?? 'other', confidence: 0.9, model: 'test@1' },
    customer: {
      customerId,
      status: spec.status ?? (customerId ? 'linked' : 'prospect'),
      confidence: customerId ? 0.99 : 0,
      method: customerId ? 'email' : 'none',
      customerTier: null,
      customerValue: null,
    },
  });
}

function scoreFor(label: ResolvedMention['sentiment']['label']): number {
  return label === 'positive' ? 0.5 : label === 'negative' ? -0.5 : 0;
}
