import type { CustomerMatch, Mention, ResolvedMention, ScoredMention } from '@hark/events';
import type { AuthorInput } from './author.ts';
import type { CustomerIndex } from './customer-index.ts';
import {
  customerMatchOf,
  decideAuthor,
  type AuthorDecision,
  type StoredIdentity,
} from './decide-author.ts';
import { influenceOf } from './influence.ts';
import type { Matcher } from './match-author.ts';

/** `platform:authorId`: the key of mentions.scored and identity.links, and of an identity. */
export function identityKey(platform: string, authorId: string): string {
  return `${platform}:${authorId}`;
}

/** Anything carrying a mention: a scored mention, or an opened record beside its sealed one. */
type WithMention = Pick<ScoredMention, 'mention'>;

export function authorInputOf(s: WithMention): AuthorInput {
  const m = s.mention;
  return {
    platform: m.platform,
    id: m.author.id,
    handle: m.author.handle,
    name: m.author.name,
    email: m.author.email,
    location: m.author.location,
    verified: m.author.verified,
  };
}

/**
 * Decides once per distinct author in a batch (mentions.scored is keyed by
 * author, so a batch often holds several mentions of one author); the latest
 * mention's profile is the one matched.
 */
export function planBatch(
  mentions: readonly WithMention[],
  stored: ReadonlyMap<string, StoredIdentity>,
  matcher: Matcher,
  index: CustomerIndex,
): Map<string, AuthorDecision> {
  const latest = new Map<string, WithMention>();
  for (const s of mentions) latest.set(identityKey(s.mention.platform, s.mention.author.id), s);
  const decisions = new Map<string, AuthorDecision>();
  for (const [key, s] of latest) {
    const input = authorInputOf(s);
    decisions.set(
      key,
      decideAuthor(stored.get(key), () => matcher.resolve(input), index, {
        platform: s.mention.platform,
        authorId: s.mention.author.id,
        handle: s.mention.author.handle,
      }),
    );
  }
  return decisions;
}

/** The final state of one author after the batch's writes: what is stored, and whether this batch stored it. */
export interface AuthorOutcome {
  identity: StoredIdentity | null;
  fresh: boolean;
  prospectConfidence: number;
}

export function resolvedMentionOf(
  s: ScoredMention,
  outcome: AuthorOutcome,
  now: number,
): ResolvedMention {
  return resolvedMentionWith(
    s,
    customerMatchOf(outcome.identity, outcome.fresh, outcome.prospectConfidence),
    now,
  );
}

/**
 * The resolved mention with an author's customer match made once for all of
 * its mentions in the batch (encoding only reads it, so they share it).
 */
export function resolvedMentionWith(
  s: ScoredMention,
  customer: CustomerMatch,
  now: number,
): ResolvedMention {
  const r = resolutionOf(s, customer, now);
  return {
    mention: s.mention,
    sentiment: s.sentiment,
    intent: s.intent,
    scoredAt: s.scoredAt,
    customer: r.customer,
    influence: r.influence,
    resolvedAt: r.resolvedAt,
    theme: s.theme,
  };
}

/** What resolution adds to a scored mention: a ResolvedMention is the scored one plus these. */
export type Resolution = Pick<ResolvedMention, 'customer' | 'influence' | 'resolvedAt'>;

/** The fields resolution adds to `s` (the stage appends them to the consumed bytes). */
export function resolutionOf(s: ScoredMention, customer: CustomerMatch, now: number): Resolution {
  const a = s.mention.author;
  return { customer, influence: influenceOf(a.followers, a.verified), resolvedAt: now };
}

/**
 * Each distinct author's latest mention, in the order of their last mention
 * (`keys[i]` is the identity key of `items[i]`). Observing these leaves a
 * most-recently-seen set exactly as observing every mention in turn would,
 * with one call per author instead of one per mention.
 */
export function latestPerAuthor<T extends { mention: Mention }>(
  items: readonly T[],
  keys: readonly string[],
): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (let i = items.length - 1; i >= 0; i--) {
    const key = keys[i]!;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(items[i]!);
  }
  return out.reverse();
}
