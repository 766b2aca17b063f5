import type {
  Action,
  Alert,
  BrandSignal,
  ComplianceEvent,
  DeadLetter,
  IdentityLink,
  Mention,
  ResolvedMention,
  ScoredMention,
} from '@hark/events';

const T0 = Date.UTC(2026, 10, 20, 9, 30, 0);

/** A complete, valid Mention; override any field. */
export function makeMention(overrides: Partial<Mention> = {}): Mention {
  const postId = overrides.postId ?? '1860000000000000001';
  const platform = overrides.platform ?? 'x';
  return {
    mentionId: `${platform}:${postId}`,
    platform,
    postId,
    kind: 'post',
    url: `https://x.com/jdoe/status/${postId}`,
    parentId: null,
    author: {
      id: '2244994945',
      handle: 'jdoe',
      name: 'Jane Doe',
      followers: 1520,
      verified: false,
      location: 'Lyon, France',
      email: null,
      profileUrl: 'https://x.com/jdoe',
    },
    title: null,
    text: 'Third time my @acme router dropped the connection today 😡 #fail',
    lang: 'en',
    rating: null,
    createdAt: T0,
    collectedAt: T0 + 4_000,
    engagement: { likes: 12, shares: 3, replies: 2, views: 840 },
    revision: 0,
    sealed: null,
    brands: ['acme'],
    keywords: ['@acme'],
    source: { kind: 'http', name: 'api' },
    ...overrides,
  };
}

export function makeScoredMention(overrides: Partial<ScoredMention> = {}): ScoredMention {
  return {
    mention: makeMention(),
    sentiment: { score: -0.72, label: 'negative', lang: 'en', model: 'test@1' },
    intent: { label: 'complaint', confidence: 0.91, model: 'test@1' },
    scoredAt: T0 + 5_000,
    theme: 'delivery',
    ...overrides,
  };
}

export function makeResolvedMention(overrides: Partial<ResolvedMention> = {}): ResolvedMention {
  const scored = makeScoredMention();
  return {
    ...scored,
    customer: {
      customerId: 'CRM-000042',
      status: 'linked',
      confidence: 0.997,
      method: 'fuzzy',
      customerTier: 'gold',
      customerValue: 12_400,
    },
    influence: { score: 0.42, tier: 'micro' },
    resolvedAt: T0 + 6_000,
    ...overrides,
  };
}

/** The customer match of an author who is not (yet) a CRM customer. */
export function makeProspectMatch(): ResolvedMention['customer'] {
  return {
    customerId: null,
    status: 'prospect',
    confidence: 0,
    method: 'none',
    customerTier: null,
    customerValue: null,
  };
}

export function makeIdentityLink(overrides: Partial<IdentityLink> = {}): IdentityLink {
  return {
    platform: 'x',
    authorId: '2244994945',
    handle: 'jdoe',
    customerId: 'CRM-000042',
    status: 'linked',
    confidence: 0.997,
    method: 'fuzzy',
    evidence: [
      { kind: 'name', detail: 'jaro-winkler 0.96', weight: 6.1 },
      { kind: 'location', detail: 'city agrees', weight: 2.3 },
    ],
    decidedBy: 'system',
    linkedAt: T0 + 6_000,
    ...overrides,
  };
}

export function makeBrandSignal(overrides: Partial<BrandSignal> = {}): BrandSignal {
  return {
    signalId: `acme:x:followers:${T0}`,
    brand: 'acme',
    platform: 'x',
    metric: 'followers',
    value: 182_340,
    aggregation: 'last',
    observedAt: T0,
    collectedAt: T0 + 1_000,
    source: 'x-api',
    ...overrides,
  };
}

export function makeDeadLetter(overrides: Partial<DeadLetter> = {}): DeadLetter {
  return {
    stage: 'sentiment-scoring',
    sourceTopic: 'mentions.raw',
    sourcePartition: 2,
    sourceOffset: 1234,
    key: Buffer.from('x:1'),
    value: Buffer.from([0, 0, 0, 0, 99, 1, 2]),
    headers: { traceparent: Buffer.from('00-abc-def-01') },
    errorCode: 'HARK_SERDE_UNKNOWN_SCHEMA',
    errorMessage: 'schema id 99 is unknown to the registry',
    attempts: 1,
    failedAt: T0 + 7_000,
    ...overrides,
  };
}

export function makeComplianceEvent(overrides: Partial<ComplianceEvent> = {}): ComplianceEvent {
  return {
    eventId: 'post_deleted:x:1860000000000000001',
    kind: 'post_deleted',
    platform: 'x',
    postId: '1860000000000000001',
    mentionId: 'x:1860000000000000001',
    authorId: '2244994945',
    customerId: null,
    revision: 0,
    requestId: null,
    occurredAt: T0 + 60_000,
    receivedAt: T0 + 61_000,
    source: 'webhook:x',
    ...overrides,
  };
}

export function makeAction(overrides: Partial<Action> = {}): Action {
  const m = makeResolvedMention();
  return {
    actionId: `vip-complaint:${m.mention.mentionId}`,
    queue: 'customer-service',
    priority: 'urgent',
    ruleId: 'vip-complaint',
    rulesVersion: '2026-11-24.1+3f9a1c2e',
    reasons: ['intent complaint (0.91) in [complaint]', 'customer tier gold in [gold]'],
    mention: {
      mentionId: m.mention.mentionId,
      revision: 0,
      platform: m.mention.platform,
      url: m.mention.url,
      brands: m.mention.brands,
      authorId: m.mention.author.id,
      authorHandle: m.mention.author.handle,
      authorName: m.mention.author.name,
      authorFollowers: m.mention.author.followers,
      title: null,
      text: m.mention.text,
      lang: 'en',
      postedAt: m.mention.createdAt,
      sentimentLabel: 'negative',
      sentimentScore: -0.72,
      intentLabel: 'complaint',
      intentConfidence: 0.91,
      customerId: 'CRM-000042',
      customerStatus: 'linked',
      customerTier: 'gold',
      customerValue: 12_400,
      influenceTier: 'micro',
      sealed: null,
    },
    routedAt: T0 + 7_000,
    ...overrides,
  };
}

export function makeAlert(overrides: Partial<Alert> = {}): Alert {
  const start = T0 - 5 * 60_000;
  return {
    alertId: `acme:x:volume:${new Date(start).toISOString()}`,
    brand: 'acme',
    platform: 'x',
    metric: 'volume',
    windowStartAt: start,
    windowEndAt: T0,
    observed: 140,
    expected: 22,
    deviation: 11.3,
    mentions: 140,
    negative: 96,
    baselineWindows: 12,
    topMentions: [
      {
        mentionId: 'x:1860000000000000001',
        url: 'https://x.com/jdoe/status/1860000000000000001',
        authorHandle: 'jdoe',
        reach: 1520,
        sentimentLabel: 'negative',
        excerpt: 'Third time my @acme router dropped the connection today 😡 #fail',
      },
    ],
    detector: 'median-mad w=5m n=12 z=4 min=10',
    detectedAt: T0 + 90_000,
    ...overrides,
  };
}
