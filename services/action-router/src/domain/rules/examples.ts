import type {
  ActionPriority,
  InfluenceTier,
  IntentLabel,
  ResolvedMention,
  SentimentLabel,
} from '@hark/events';
import { routeMention, type Route } from './route-mention.ts';
import {
  INFLUENCE_TIERS,
  INTENTS,
  PRIORITIES,
  SENTIMENTS,
  throwIfProblems,
  type Ruleset,
} from './ruleset.ts';
import { join, YamlReader } from './yaml-reader.ts';

/** An example mention of rules/examples.yaml with the routes it must get. */
export interface Example {
  name: string;
  line: number;
  mention: ResolvedMention;
  routes: Pick<Route, 'ruleId' | 'queue' | 'priority'>[];
}

export interface ExampleMismatch {
  example: string;
  line: number;
  expected: string[];
  actual: string[];
}

const MENTION_KEYS = [
  'mentionId',
  'text',
  'title',
  'brands',
  'platform',
  'keywords',
  'lang',
  'sentiment',
  'sentimentScore',
  'intent',
  'intentConfidence',
  'customerId',
  'customerStatus',
  'customerTier',
  'customerValue',
  'followers',
  'verified',
  'influenceTier',
] as const;

/**
 * Parses the examples file: a list of `{ name, mention, routes }` where
 * `mention` is a flat shorthand of the fields rules look at (the rest get
 * neutral defaults) and `routes` lists `{ rule, queue, priority }` in order.
 */
export function parseExamples(text: string, file: string): Example[] {
  const r = new YamlReader(text);
  const out: Example[] = [];
  if (r.problems.length === 0) {
    const top = r.map(r.root, '', { required: ['examples'] });
    const items = top?.has('examples') ? r.seq(top.get('examples'), 'examples') : undefined;
    items?.forEach((node, i) => {
      const path = `examples[${i}]`;
      const m = r.map(node, path, { required: ['name', 'mention', 'routes'] });
      if (!m) return;
      const name = r.string(m.get('name'), join(path, 'name'));
      const mention = m.has('mention')
        ? readMention(r, m.get('mention'), join(path, 'mention'), i)
        : undefined;
      const routeNodes = m.has('routes') ? r.seq(m.get('routes'), join(path, 'routes')) : undefined;
      const routes: Example['routes'] = [];
      routeNodes?.forEach((rn, j) => {
        const rp = `${path}.routes[${j}]`;
        const e = r.map(rn, rp, { required: ['rule', 'queue'], optional: ['priority'] });
        if (!e) return;
        const ruleId = r.string(e.get('rule'), join(rp, 'rule'));
        const queue = r.string(e.get('queue'), join(rp, 'queue'));
        const priority = e.has('priority')
          ? r.stringList(e.get('priority'), join(rp, 'priority'), PRIORITIES)?.[0]
          : 'normal';
        if (ruleId && queue && priority)
          routes.push({ ruleId, queue, priority: priority as ActionPriority });
      });
      if (name && mention && routeNodes) out.push({ name, line: r.line(node), mention, routes });
    });
  }
  throwIfProblems(r.problems, file, 'examples');
  return out;
}

function readMention(
  r: YamlReader,
  node: unknown,
  path: string,
  index: number,
): ResolvedMention | undefined {
  const before = r.problems.length;
  const m = r.map(node as never, path, { required: ['text'], optional: MENTION_KEYS });
  if (!m) return undefined;
  const p = (k: string) => join(path, k);
  const str = (k: string) => (m.has(k) ? r.string(m.get(k), p(k)) : undefined);
  const num = (k: string, lo: number, hi: number) =>
    m.has(k) ? r.number(m.get(k), p(k), lo, hi) : undefined;
  const list = (k: string, values?: readonly string[]) =>
    m.has(k) ? r.stringList(m.get(k), p(k), values) : undefined;
  const platform = str('platform') ?? 'x';
  const customerId = str('customerId') ?? null;
  const at = Date.UTC(2026, 10, 24, 9, 0, 0);
  const mention: ResolvedMention = {
    mention: {
      mentionId: str('mentionId') ?? `${platform}:example-${index + 1}`,
      platform,
      postId: `example-${index + 1}`,
      kind: 'post',
      url: null,
      parentId: null,
      author: {
        id: `author-${index + 1}`,
        handle: `author${index + 1}`,
        name: null,
        followers: num('followers', 0, Number.MAX_SAFE_INTEGER) ?? 100,
        verified: (m.has('verified') ? r.bool(m.get('verified'), p('verified')) : false) ?? false,
        location: null,
        email: null,
        profileUrl: null,
      },
      title: str('title') ?? null,
      text: str('text') ?? '',
      lang: str('lang') ?? 'en',
      rating: null,
      createdAt: at,
      sealed: null,
      collectedAt: at,
      engagement: { likes: 0, shares: 0, replies: 0, views: 0 },
      brands: list('brands') ?? ['acme'],
      keywords: list('keywords') ?? [],
      source: { kind: 'other', name: 'examples' },
      revision: 0,
    },
    sentiment: {
      score: num('sentimentScore', -1, 1) ?? 0,
      label: (list('sentiment', SENTIMENTS)?.[0] ?? 'neutral') as SentimentLabel,
      lang: str('lang') ?? 'en',
      model: 'examples',
    },
    intent: {
      label: (list('intent', INTENTS)?.[0] ?? 'other') as IntentLabel,
      confidence: num('intentConfidence', 0, 1) ?? 0.9,
      model: 'examples',
    },
    scoredAt: at,
    customer: {
      customerId,
      status: (list('customerStatus', ['linked', 'review', 'prospect'])?.[0] ??
        (customerId ? 'linked' : 'prospect')) as 'linked' | 'review' | 'prospect',
      confidence: customerId ? 1 : 0,
      method: customerId ? 'existing_link' : 'none',
      customerTier: str('customerTier') ?? null,
      customerValue: num('customerValue', 0, Number.MAX_SAFE_INTEGER) ?? null,
    },
    influence: {
      score: 0,
      tier: (list('influenceTier', INFLUENCE_TIERS)?.[0] ?? 'nano') as InfluenceTier,
    },
    resolvedAt: at,
    theme: 'none',
  };
  return r.problems.length > before ? undefined : mention;
}

/** Runs every example through the rules; the ones whose routes differ from the expected ones. */
export function checkExamples(examples: Example[], ruleset: Ruleset): ExampleMismatch[] {
  const show = (r: Pick<Route, 'ruleId' | 'queue' | 'priority'>) =>
    `${r.ruleId} → ${r.queue} (${r.priority})`;
  const out: ExampleMismatch[] = [];
  for (const e of examples) {
    const expected = e.routes.map(show);
    const actual = routeMention(e.mention, ruleset).map(show);
    if (expected.join('\n') !== actual.join('\n'))
      out.push({ example: e.name, line: e.line, expected, actual });
  }
  return out;
}
