import type { BrandsConfig } from '@hark/brands';
import { prospectHandle, type DemoCustomer } from './people.ts';
import type { Rng } from './rng.ts';

export type Sentiment = 'positive' | 'neutral' | 'negative';
export type Intent =
  'complaint' | 'question' | 'praise' | 'suggestion' | 'purchase_intent' | 'churn_risk' | 'other';

interface Template {
  text: string;
  sentiment: Sentiment;
  intent: Intent;
  /** True when any reader would agree on the sentiment: only these are checked against the pipeline. */
  clear: boolean;
}

// {b} a brand reference, {c} a competitor, {city} a city.
const TEMPLATES: Template[] = [
  {
    text: '{b} has been down all evening again. Paying for nothing 😡',
    sentiment: 'negative',
    intent: 'complaint',
    clear: true,
  },
  {
    text: 'Worst customer service ever from {b}. Two hours on hold and nobody helped.',
    sentiment: 'negative',
    intent: 'complaint',
    clear: true,
  },
  {
    text: 'My {b} bill doubled this month with no explanation. Terrible.',
    sentiment: 'negative',
    intent: 'complaint',
    clear: true,
  },
  {
    text: 'Honestly {b} is awful. Connection drops every night and support is useless.',
    sentiment: 'negative',
    intent: 'complaint',
    clear: true,
  },
  {
    text: 'Third outage this week {b}. This is ridiculous and I am so frustrated',
    sentiment: 'negative',
    intent: 'complaint',
    clear: true,
  },
  {
    text: 'Done with {b}. Cancelling my contract tomorrow and switching to {c}. Awful experience.',
    sentiment: 'negative',
    intent: 'churn_risk',
    clear: true,
  },
  {
    text: 'I hate how {b} treats loyal customers. Switching to {c} next month.',
    sentiment: 'negative',
    intent: 'churn_risk',
    clear: true,
  },
  {
    text: 'Huge thanks to {b} support, fixed my issue in five minutes! 🙌',
    sentiment: 'positive',
    intent: 'praise',
    clear: true,
  },
  {
    text: 'Loving my new {b} plan, the speed is amazing 😍',
    sentiment: 'positive',
    intent: 'praise',
    clear: true,
  },
  {
    text: '{b} has been great all year. Fast, reliable, friendly staff. Love it',
    sentiment: 'positive',
    intent: 'praise',
    clear: true,
  },
  {
    text: 'Shoutout to the {b} technician today, super helpful and kind. Excellent service!',
    sentiment: 'positive',
    intent: 'praise',
    clear: true,
  },
  {
    text: 'Does {b} offer a student discount?',
    sentiment: 'neutral',
    intent: 'question',
    clear: true,
  },
  {
    text: 'Anyone know what time the {b} store opens on Sunday?',
    sentiment: 'neutral',
    intent: 'question',
    clear: true,
  },
  {
    text: 'How do I change the wifi password on the {b} router?',
    sentiment: 'neutral',
    intent: 'question',
    clear: true,
  },
  {
    text: 'Thinking about getting {b} for the new apartment. Is it available in {city}?',
    sentiment: 'neutral',
    intent: 'purchase_intent',
    clear: false,
  },
  {
    text: 'Where can I buy the {b} box in {city}? Want to order one this week',
    sentiment: 'neutral',
    intent: 'purchase_intent',
    clear: false,
  },
  {
    text: 'It would be great if {b} added a dark mode to the app.',
    sentiment: 'positive',
    intent: 'suggestion',
    clear: false,
  },
  {
    text: '{b} should really let us pause the plan while travelling.',
    sentiment: 'neutral',
    intent: 'suggestion',
    clear: false,
  },
  {
    text: 'Switched my parents to {b} last week, the setup took an hour.',
    sentiment: 'neutral',
    intent: 'other',
    clear: false,
  },
  {
    text: 'The {b} app is fine but the new menu is confusing.',
    sentiment: 'negative',
    intent: 'complaint',
    clear: false,
  },
];
const SPIKE_TEMPLATES = TEMPLATES.filter((t) => t.sentiment === 'negative' && t.clear);

const PLATFORMS = ['x', 'x', 'x', 'reddit', 'reddit', 'mastodon', 'bluesky', 'review'] as const;
const CITIES = ['Austin', 'Toronto', 'Lyon', 'Berlin', 'Dublin', 'Seattle'];

/** What the generator knows about one post: the ground truth tests compare the pipeline with. */
export interface PostTruth {
  mentionId: string;
  platform: string;
  authorId: string;
  brand: string;
  createdAt: number;
  sentiment: Sentiment;
  intent: Intent;
  sentimentClear: boolean;
  /** The customer who wrote it, or null for a prospect. */
  customerId: string | null;
  /** How the pipeline can know: exact evidence (email, CRM handle) is unambiguous; fuzzy is not. */
  linkEvidence: 'email' | 'handle' | 'fuzzy' | 'none';
  inSpike: boolean;
}

/** One item of the collector's generic post shape (POST /v1/mentions). */
export interface GenericPost {
  platform: string;
  id: string;
  kind: 'post' | 'review';
  url: string;
  author: {
    id: string;
    handle: string;
    name: string | null;
    followers: number;
    verified: boolean;
    location: string | null;
    email: string | null;
  };
  text: string;
  lang: string;
  createdAt: string;
  engagement: { likes: number; shares: number; replies: number; views: number };
}

export interface TrafficOptions {
  brands: BrandsConfig;
  customers: readonly DemoCustomer[];
  count: number;
  rng: Rng;
  /** The traffic spans [end - days, end). */
  end: number;
  days: number;
  /** Share of authors who are CRM customers. */
  customerAuthorShare?: number;
  /** A burst of negative posts about one brand. */
  spike?: { brand: string; start: number; durationMs: number; share: number };
  /** Prefix for post ids, so runs never collide. */
  runId: string;
}

interface Author {
  platform: string;
  id: string;
  handle: string;
  name: string | null;
  followers: number;
  verified: boolean;
  location: string | null;
  email: string | null;
  customerId: string | null;
  evidence: PostTruth['linkEvidence'];
}

/**
 * Realistic traffic with ground truth: heavy-tailed author activity (Zipf),
 * some authors CRM customers posting under handle and name variations, a
 * mix of sentiments and intents, several platforms, a daily rhythm, and an
 * optional negative spike for one brand.
 */
export function generateTraffic(opts: TrafficOptions): {
  posts: GenericPost[];
  truth: PostTruth[];
} {
  const { rng, brands } = opts;
  const authorCount = Math.max(10, Math.round(opts.count / 4));
  const authors = Array.from({ length: authorCount }, (_, i) => makeAuthor(i, opts));
  const cdf = zipfCdf(authorCount, 1.1);
  const brandIds = brands.brands.map((b) => b.id);
  const brandWeights = brandIds.map((_, i) => 1 / (i + 1.2));
  const posts: GenericPost[] = [];
  const truth: PostTruth[] = [];
  const start = opts.end - opts.days * 86_400_000;

  for (let i = 0; i < opts.count; i++) {
    const spike = opts.spike && rng.chance(opts.spike.share) ? opts.spike : undefined;
    const createdAt = spike
      ? spike.start + Math.floor(rng.next() * spike.durationMs)
      : diurnalTime(start, opts.end, rng);
    const author = authors[sampleCdf(cdf, rng.next())]!;
    const brandId = spike ? spike.brand : brandIds[sampleWeighted(brandWeights, rng.next())]!;
    const template = spike ? rng.pick(SPIKE_TEMPLATES) : rng.pick(TEMPLATES);
    const brand = brands.brands.find((b) => b.id === brandId)!;
    const competitor = brands.brands.find((b) => b.id !== brandId) ?? brand;
    const text = template.text
      .replace('{b}', brandReference(brand, rng))
      .replace('{c}', competitor.name)
      .replace('{city}', rng.pick(CITIES));
    const postId = `${opts.runId}-${i}`;
    const heat = Math.exp(rng.next() * 5) - 1;
    posts.push({
      platform: author.platform,
      id: postId,
      kind: author.platform === 'review' ? 'review' : 'post',
      url: `https://${author.platform}.example/${author.handle}/${postId}`,
      author: {
        id: author.id,
        handle: author.handle,
        name: author.name,
        followers: author.followers,
        verified: author.verified,
        location: author.location,
        email: author.email,
      },
      text,
      lang: 'en',
      createdAt: new Date(createdAt).toISOString(),
      engagement: {
        likes: Math.floor(heat * 3),
        shares: Math.floor(heat / 2),
        replies: Math.floor(heat / 3),
        views: Math.floor(heat * 40),
      },
    });
    truth.push({
      mentionId: `${author.platform}:${postId}`,
      platform: author.platform,
      authorId: author.id,
      brand: brandId,
      createdAt,
      sentiment: template.sentiment,
      intent: template.intent,
      sentimentClear: template.clear,
      customerId: author.customerId,
      linkEvidence: author.evidence,
      inSpike: spike !== undefined,
    });
  }
  const order = posts.map((_, i) => i).sort((a, b) => truth[a]!.createdAt - truth[b]!.createdAt);
  return { posts: order.map((i) => posts[i]!), truth: order.map((i) => truth[i]!) };
}

function makeAuthor(i: number, opts: TrafficOptions): Author {
  const { rng } = opts;
  const isCustomer = opts.customers.length > 0 && rng.chance(opts.customerAuthorShare ?? 0.3);
  const followers = Math.floor(Math.exp(rng.next() * 10));
  if (!isCustomer) {
    const platform = rng.pick(PLATFORMS);
    return {
      platform,
      id: `${platform}-p${opts.runId}-${i}`,
      handle: prospectHandle(i, rng),
      name: null,
      followers,
      verified: false,
      location: null,
      email: null,
      customerId: null,
      evidence: 'none',
    };
  }
  const c = opts.customers[rng.int(0, opts.customers.length - 1)]!;
  const roll = rng.next();
  const base = { followers, verified: false, customerId: c.externalId };
  if (c.xHandle && roll < 0.4) {
    return {
      ...base,
      platform: 'x',
      id: `x-c${opts.runId}-${i}`,
      handle: c.xHandle,
      name: `${c.firstName} ${c.lastName}`,
      location: c.city,
      email: null,
      evidence: 'handle',
    };
  }
  if (roll < 0.7) {
    return {
      ...base,
      platform: 'review',
      id: `review-c${opts.runId}-${i}`,
      handle: `${c.firstName.toLowerCase()}${rng.int(1, 99)}`,
      name: c.firstName,
      location: null,
      email: c.email,
      evidence: 'email',
    };
  }
  const platform = rng.pick(['x', 'reddit', 'mastodon', 'bluesky']);
  const variants = [
    `${c.firstName}${c.lastName}`.toLowerCase(),
    `${c.firstName[0]}${c.lastName}${rng.int(10, 99)}`.toLowerCase(),
    `${c.firstName}_${c.lastName}`.toLowerCase(),
  ];
  const names = [
    `${c.firstName} ${c.lastName}`,
    `${c.firstName[0]}. ${c.lastName}`,
    `${c.lastName} ${c.firstName}`,
  ];
  return {
    ...base,
    platform,
    id: `${platform}-c${opts.runId}-${i}`,
    handle: rng.pick(variants).replace(/[^a-z0-9_]/g, ''),
    name: rng.pick(names),
    location: rng.chance(0.6) ? c.city : null,
    email: null,
    evidence: 'fuzzy',
  };
}

function brandReference(brand: BrandsConfig['brands'][number], rng: Rng): string {
  const options = [
    brand.name,
    brand.name,
    ...brand.handles.map((h) => `@${h}`),
    ...brand.hashtags.map((h) => `#${h}`),
  ];
  return rng.pick(options);
}

function zipfCdf(n: number, s: number): Float64Array {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < n; k++) cdf[k] = sum += 1 / Math.pow(k + 1, s);
  for (let k = 0; k < n; k++) cdf[k]! /= sum;
  return cdf;
}

function sampleCdf(cdf: Float64Array, u: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid]! < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function sampleWeighted(weights: number[], u: number): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  for (let i = 0; i < weights.length; i++) {
    acc += weights[i]! / total;
    if (u < acc) return i;
  }
  return weights.length - 1;
}

/** A time in [start, end) with more posts in the day than at night (UTC). */
function diurnalTime(start: number, end: number, rng: Rng): number {
  for (;;) {
    const t = start + Math.floor(rng.next() * (end - start));
    const hour = new Date(t).getUTCHours() + new Date(t).getUTCMinutes() / 60;
    const intensity = 0.25 + 0.75 * (0.5 + 0.5 * Math.sin(((hour - 9) / 24) * 2 * Math.PI));
    if (rng.next() < intensity) return t;
  }
}
