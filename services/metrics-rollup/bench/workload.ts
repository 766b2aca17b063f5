import { IntentLabelSymbols, type ResolvedMention } from '@hark/events';
import { makeResolvedMention } from '@hark/testing';

export const BRANDS = [
  'acme',
  'globex',
  'initech',
  'umbrella',
  'hooli',
  'vandelay',
  'stark',
  'wayne',
  'tyrell',
  'soylent',
];
export const PLATFORMS = ['x', 'reddit', 'mastodon', 'bluesky', 'review'];
const SENTIMENTS = ['positive', 'neutral', 'negative', 'unknown'] as const;
const INTENTS = IntentLabelSymbols;

/** A small deterministic PRNG, so runs are comparable. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A realistic stream: 10 brands × 5 platforms, a fifth of the posts naming
 * two brands, authors drawn from a large skewed population (a few loud ones,
 * a long tail); event times: 80% within the last 5 minutes (collection
 * delay), 15% within the hour, 5% up to three days late.
 */
export function makeWorkload(opts: {
  count: number;
  authors: number;
  now: number;
  seed?: number;
  prefix?: string;
}): ResolvedMention[] {
  const random = rng(opts.seed ?? 42);
  const base = makeResolvedMention();
  const out: ResolvedMention[] = [];
  for (let i = 0; i < opts.count; i++) {
    const platform = PLATFORMS[Math.floor(random() * PLATFORMS.length)]!;
    const brand = BRANDS[Math.floor(random() * BRANDS.length)]!;
    const brands =
      random() < 0.2 ? [brand, BRANDS[(BRANDS.indexOf(brand) + 1) % BRANDS.length]!] : [brand];
    const author = Math.floor(opts.authors * random() ** 2);
    const lateness = random();
    const spreadMs = lateness < 0.8 ? 300_000 : lateness < 0.95 ? 3_600_000 : 3 * 86_400_000;
    const createdAt = Math.floor(opts.now - random() * spreadMs);
    const sentiment = SENTIMENTS[Math.floor(random() * SENTIMENTS.length)]!;
    const postId = `${opts.prefix ?? `b${opts.seed ?? 0}-`}${i}`;
    out.push({
      ...base,
      mention: {
        ...base.mention,
        mentionId: `${platform}:${postId}`,
        postId,
        platform,
        url: `https://example.com/${platform}/${postId}`,
        author: {
          ...base.mention.author,
          id: `u${author}`,
          handle: `user${author}`,
          followers: Math.floor(random() * 50_000),
        },
        text: `post ${i} about ${brands.join(' and ')}: the service was ${sentiment}`,
        createdAt,
        collectedAt: createdAt + 2000,
        engagement: {
          likes: Math.floor(random() * 200),
          shares: Math.floor(random() * 20),
          replies: Math.floor(random() * 10),
          views: Math.floor(random() * 10_000),
        },
        brands,
      },
      sentiment: {
        ...base.sentiment,
        label: sentiment,
        score: sentiment === 'positive' ? random() : sentiment === 'negative' ? -random() : 0,
      },
      intent: { ...base.intent, label: INTENTS[Math.floor(random() * INTENTS.length)]! },
      customer:
        random() < 0.15
          ? { ...base.customer, customerId: `CRM-${author}`, status: 'linked' }
          : {
              ...base.customer,
              customerId: null,
              status: 'prospect',
              method: 'none',
              customerTier: null,
              customerValue: null,
            },
    });
  }
  return out;
}
