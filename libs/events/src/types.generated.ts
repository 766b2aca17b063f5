// Generated from schemas/*.avsc by `npm run gen:types`. Do not edit.
export type PostKind = 'post' | 'reply' | 'repost' | 'quote' | 'comment' | 'review' | 'article' | 'other';
/** The PostKind symbols in schema order. */
export const PostKindSymbols = ['post', 'reply', 'repost', 'quote', 'comment', 'review', 'article', 'other'] as const satisfies readonly PostKind[];

/** Who wrote the post, as the platform shows them. */
export interface Author {
  /** Stable author id on the platform (not the handle, which can change). */
  id: string;
  /** Handle or username without a leading @, as shown when collected. */
  handle: string;
  /** Display name, when the platform gives one. */
  name: null | string;
  /** Follower count when collected; 0 when unknown. Summed into reach. */
  followers: number;
  /** True when the platform marks the account as verified. */
  verified: boolean;
  /** Free-text location from the profile, when public. */
  location: null | string;
  /** E-mail address, only when the source legitimately carries it (reviews, support forums, CRM-linked webhooks). */
  email: null | string;
  /** Profile URL. */
  profileUrl: null | string;
}

/** Public engagement counters when collected. */
export interface Engagement {
  /** Likes, favourites or upvotes. */
  likes: number;
  /** Reposts, retweets, boosts or shares. */
  shares: number;
  /** Direct replies or comments. */
  replies: number;
  /** Impressions or views; 0 when the platform does not publish them. */
  views: number;
}

export type SourceKind = 'http' | 'webhook' | 'poller' | 'replay' | 'other';
/** The SourceKind symbols in schema order. */
export const SourceKindSymbols = ['http', 'webhook', 'poller', 'replay', 'other'] as const satisfies readonly SourceKind[];

/** How hark received the post. */
export interface Source {
  /** Ingest path: HTTP API, platform webhook, poller, file replay. */
  kind: SourceKind;
  /** Which webhook, poller or file, e.g. `mastodon-tag:acme` or `backfill-2026-11.jsonl`. */
  name: string;
}

/** A public post that mentions at least one tracked brand, as collected. Key on mentions.raw: mentionId. */
export interface Mention {
  /** Deterministic id `platform:postId`: the same post from any source or retry is one mention. */
  mentionId: string;
  /** Platform in lower case: x, reddit, mastodon, bluesky, rss, review, forum, generic, … */
  platform: string;
  /** The post's id on its platform. */
  postId: string;
  /** Post, reply, repost, quote, comment, review, article or other. */
  kind: PostKind;
  /** Public URL of the post. */
  url: null | string;
  /** mentionId of the post this one replies to or comments on. */
  parentId: null | string;
  /** The author. */
  author: Author;
  /** Title, for articles, reviews and forum threads. */
  title: null | string;
  /** Post text as published (UTF-8, normalized to NFC). */
  text: string;
  /** Language as an ISO 639-1 code when the platform or collector knows it. */
  lang: null | string;
  /** Star rating normalized to 1–5, for reviews. */
  rating: null | number;
  /** When the post was published (UTC, epoch milliseconds). Rollup windows use this event time. */
  createdAt: number;
  /** When the collector accepted it (UTC, epoch milliseconds). */
  collectedAt: number;
  /** Engagement counters when collected. */
  engagement: Engagement;
  /** Ids of every tracked brand the post matched, from the brands config. */
  brands: string[];
  /** Every tracked keyword, alias, hashtag or handle that matched, normalized. */
  keywords: string[];
  /** How hark received it. */
  source: Source;
  /** Edit revision of the post: 0 as first collected; a platform edit re-sends the same mentionId with a higher revision (the edit time in epoch ms), and downstream state follows the highest revision. */
  revision: number;
  /** The personal fields (url, title, text, author handle, name, location, email, profileUrl) sealed together in one envelope (format hk2 of docs/privacy.md: AES-256-GCM under the author's data key, bound to mentionId, author, revision and key id). While set, those fields hold placeholders ("" or null) and readers take them from here. Null for records in clear or with per-field hk1 envelopes (written before hk2). */
  sealed: null | Buffer;
}

export type SentimentLabel = 'negative' | 'neutral' | 'positive' | 'unknown';
/** The SentimentLabel symbols in schema order. */
export const SentimentLabelSymbols = ['negative', 'neutral', 'positive', 'unknown'] as const satisfies readonly SentimentLabel[];

/** Sentiment of the mention text. */
export interface Sentiment {
  /** Polarity in [-1, 1]; 0 is neutral. */
  score: number;
  /** negative, neutral, positive, or unknown for unsupported languages. */
  label: SentimentLabel;
  /** Detected language (ISO 639-1), `und` when undetermined. */
  lang: string;
  /** Model name and version that produced the score, e.g. `hark-social-en@1`. */
  model: string;
}

export type IntentLabel = 'complaint' | 'question' | 'praise' | 'suggestion' | 'purchase_intent' | 'churn_risk' | 'other';
/** The IntentLabel symbols in schema order. */
export const IntentLabelSymbols = ['complaint', 'question', 'praise', 'suggestion', 'purchase_intent', 'churn_risk', 'other'] as const satisfies readonly IntentLabel[];

/** What the author wants: the routing signal. */
export interface Intent {
  /** complaint, question, praise, suggestion, purchase_intent, churn_risk or other. */
  label: IntentLabel;
  /** Confidence in [0, 1]. */
  confidence: number;
  /** Model name and version. */
  model: string;
}

export type ComplaintTheme = 'none' | 'delay' | 'cancellation' | 'billing' | 'outage' | 'account_login' | 'delivery' | 'lost_or_damaged' | 'staff_service' | 'price' | 'quality' | 'other';
/** The ComplaintTheme symbols in schema order. */
export const ComplaintThemeSymbols = ['none', 'delay', 'cancellation', 'billing', 'outage', 'account_login', 'delivery', 'lost_or_damaged', 'staff_service', 'price', 'quality', 'other'] as const satisfies readonly ComplaintTheme[];

/** A Mention with sentiment and intent. Key on mentions.scored: `platform:authorId`, so each author lands on one partition. */
export interface ScoredMention {
  /** The mention as collected. */
  mention: Mention;
  /** Sentiment. */
  sentiment: Sentiment;
  /** Intent. */
  intent: Intent;
  /** When scoring finished (UTC, epoch milliseconds). */
  scoredAt: number;
  /** Complaint theme of a negative or complaint mention (none otherwise; mentions scored before themes existed read none). */
  theme: ComplaintTheme;
}

export type MatchStatus = 'linked' | 'review' | 'prospect';
/** The MatchStatus symbols in schema order. */
export const MatchStatusSymbols = ['linked', 'review', 'prospect'] as const satisfies readonly MatchStatus[];

export type MatchMethod = 'none' | 'existing_link' | 'email' | 'handle' | 'fuzzy' | 'manual';
/** The MatchMethod symbols in schema order. */
export const MatchMethodSymbols = ['none', 'existing_link', 'email', 'handle', 'fuzzy', 'manual'] as const satisfies readonly MatchMethod[];

/** Which CRM customer wrote the mention, if any. */
export interface CustomerMatch {
  /** CRM customer id (the external id); null for prospects and pairs still under review. */
  customerId: null | string;
  /** linked (a customer), review (candidate awaiting a human; counts as prospect), prospect. */
  status: MatchStatus;
  /** Match confidence in [0, 1]. */
  confidence: number;
  /** How the link was made. */
  method: MatchMethod;
  /** Customer tier from the CRM (e.g. gold), when linked. */
  customerTier: null | string;
  /** Customer value from the CRM (e.g. lifetime value), when linked. */
  customerValue: null | number;
}

export type InfluenceTier = 'unknown' | 'nano' | 'micro' | 'mid' | 'macro' | 'mega';
/** The InfluenceTier symbols in schema order. */
export const InfluenceTierSymbols = ['unknown', 'nano', 'micro', 'mid', 'macro', 'mega'] as const satisfies readonly InfluenceTier[];

/** How far the author's voice carries. */
export interface Influence {
  /** Influence in [0, 1] from followers (log scale) and verification. */
  score: number;
  /** nano (<1k followers), micro (<10k), mid (<100k), macro (<1M), mega (≥1M). */
  tier: InfluenceTier;
}

/** A scored Mention with its author linked to a CRM customer or marked a prospect. Key on mentions.resolved: mentionId. */
export interface ResolvedMention {
  /** The mention as collected. */
  mention: Mention;
  /** Sentiment. */
  sentiment: Sentiment;
  /** Intent. */
  intent: Intent;
  /** When scoring finished (UTC, epoch milliseconds). */
  scoredAt: number;
  /** Customer match. */
  customer: CustomerMatch;
  /** Author influence. */
  influence: Influence;
  /** When resolution finished (UTC, epoch milliseconds). */
  resolvedAt: number;
  /** Complaint theme of a negative or complaint mention (none otherwise; mentions scored before themes existed read none). */
  theme: ComplaintTheme;
}

export type LinkStatus = 'linked' | 'review' | 'rejected' | 'unlinked';
/** The LinkStatus symbols in schema order. */
export const LinkStatusSymbols = ['linked', 'review', 'rejected', 'unlinked'] as const satisfies readonly LinkStatus[];

/** One piece of evidence for or against the link. */
export interface Evidence {
  /** Evidence kind: email, handle, name, handle_name, location, company, … */
  kind: string;
  /** Human-readable detail, e.g. `jaro-winkler 0.94`. Never holds raw personal data. */
  detail: string;
  /** Log-likelihood weight this evidence added (Fellegi–Sunter). */
  weight: number;
}

/** The current decision for one social identity. Key on the compacted identity.links topic: `platform:authorId`; the latest record per key wins. */
export interface IdentityLink {
  /** Platform of the social identity. */
  platform: string;
  /** Author id on that platform. */
  authorId: string;
  /** Handle when decided. */
  handle: null | string;
  /** Linked CRM customer (external id); null when rejected or unlinked. */
  customerId: null | string;
  /** linked, review (awaiting a human), rejected (a human said no), unlinked (link removed). */
  status: LinkStatus;
  /** Confidence in [0, 1]. */
  confidence: number;
  /** How the decision was made. */
  method: MatchMethod;
  /** Evidence behind the decision. */
  evidence: Evidence[];
  /** `system` for automatic decisions, otherwise the reviewer's id. */
  decidedBy: string;
  /** When the decision was made (UTC, epoch milliseconds). */
  linkedAt: number;
}

export type SignalAggregation = 'last' | 'sum';
/** The SignalAggregation symbols in schema order. */
export const SignalAggregationSymbols = ['last', 'sum'] as const satisfies readonly SignalAggregation[];

/** One observation of a brand KPI outside mentions (followers, web visits, search volume, …). Key on signals.raw: `brand:metric`. */
export interface BrandSignal {
  /** Deterministic id `brand:platform:metric:observedAt` so a resent observation is one observation. */
  signalId: string;
  /** Brand id from the brands config. */
  brand: string;
  /** Platform or channel the metric belongs to (x, web, search, …); `all` when not platform-specific. */
  platform: string;
  /** Metric name: followers, web_visits, search_volume, repeat_visits, conversions, or any other. */
  metric: string;
  /** Observed value. */
  value: number;
  /** `last` for levels (followers: the latest value in a window wins), `sum` for flows (visits, searches). */
  aggregation: SignalAggregation;
  /** When the value was observed or the period it covers started (UTC, epoch milliseconds). */
  observedAt: number;
  /** When the collector accepted it (UTC, epoch milliseconds). */
  collectedAt: number;
  /** Where it came from, e.g. `ga4`, `x-api`, `manual`. */
  source: string;
}

/** A record a stage could not decode or process, kept with its original bytes and the reason. Key on dlq: the original key. */
export interface DeadLetter {
  /** Stage that gave up on the record, e.g. `sentiment-scoring`. */
  stage: string;
  /** Topic the record was read from; `http` for collector input. */
  sourceTopic: string;
  /** Partition it was read from; -1 when not from Kafka. */
  sourcePartition: number;
  /** Offset it was read from; -1 when not from Kafka. */
  sourceOffset: number;
  /** Original key bytes. */
  key: null | Buffer;
  /** Original value bytes, unchanged, so the record can be replayed after a fix. */
  value: null | Buffer;
  /** Original headers (last value wins for repeated names). */
  headers: Record<string, Buffer>;
  /** HARK_* error code (see libs/errors/ERRORS.md). */
  errorCode: string;
  /** Human-readable reason, with the field path when there is one. */
  errorMessage: string;
  /** How many times processing was tried. */
  attempts: number;
  /** When the stage gave up (UTC, epoch milliseconds). */
  failedAt: number;
}

export type ComplianceKind = 'post_deleted' | 'post_edited' | 'account_deleted' | 'account_private' | 'erasure' | 'unknown';
/** The ComplianceKind symbols in schema order. */
export const ComplianceKindSymbols = ['post_deleted', 'post_edited', 'account_deleted', 'account_private', 'erasure', 'unknown'] as const satisfies readonly ComplianceKind[];

/** A deletion, edit, account change or erasure request that every stage holding the data must carry out. Key on `compliance`: `platform:postId` for post events, `platform:authorId` for account events and author erasures, `customer:<customerId>` for customer erasures. Holds ids only, never post text, names, handles or emails. */
export interface ComplianceEvent {
  /** Deterministic id of this event (e.g. `post_deleted:x:123`, or the erasure request id plus the subject), so a re-delivery is recognised. */
  eventId: string;
  /** post_deleted/post_edited name a post; account_deleted/account_private and erasure name an author or a customer. */
  kind: ComplianceKind;
  /** Platform in lower case; null for a customer erasure. */
  platform: null | string;
  /** The post's id on its platform (post events). */
  postId: null | string;
  /** `platform:postId` of the mention concerned (post events). */
  mentionId: null | string;
  /** Author id on the platform (account events, author erasures; set on post events when known). */
  authorId: null | string;
  /** CRM customer id (customer erasures). */
  customerId: null | string;
  /** post_edited: the revision of the edited Mention re-sent on mentions.raw (edit time in epoch ms). */
  revision: number;
  /** Erasure request id (joins privacy_audit); null for platform events. */
  requestId: null | string;
  /** When the platform or the requester says it happened. */
  occurredAt: number;
  /** When hark accepted it. */
  receivedAt: number;
  /** Where it came from: `webhook:x`, `http`, `privacy-cli`, `privacy-api`, … */
  source: string;
}

export type ActionPriority = 'low' | 'normal' | 'high' | 'urgent';
/** The ActionPriority symbols in schema order. */
export const ActionPrioritySymbols = ['low', 'normal', 'high', 'urgent'] as const satisfies readonly ActionPriority[];

/** What a queue needs to act on a mention without reading other topics; the full record stays in mentions.resolved and the mentions table under mentionId. */
export interface ActionMention {
  /** `platform:postId`. */
  mentionId: string;
  /** Edit revision of the post the rule saw. */
  revision: number;
  /** Platform in lower case. */
  platform: string;
  /** Public URL of the post. */
  url: null | string;
  /** Tracked brands the post matched. */
  brands: string[];
  /** Author id on the platform. */
  authorId: string;
  /** Author handle without @. */
  authorHandle: string;
  /** Author display name, when known. */
  authorName: null | string;
  /** Author followers when collected (reach). */
  authorFollowers: number;
  /** Title, for articles, reviews and threads. */
  title: null | string;
  /** Post text. */
  text: string;
  /** Detected language (ISO 639-1), `und` when undetermined. */
  lang: string;
  /** When the post was published (the mention's createdAt). */
  postedAt: number;
  /** negative, neutral, positive or unknown. */
  sentimentLabel: string;
  /** Polarity in [-1, 1]. */
  sentimentScore: number;
  /** complaint, question, praise, suggestion, purchase_intent, churn_risk or other. */
  intentLabel: string;
  /** Intent confidence in [0, 1]. */
  intentConfidence: number;
  /** CRM customer id when the author is a linked customer; null for prospects. */
  customerId: null | string;
  /** linked, review or prospect. */
  customerStatus: string;
  /** CRM tier of a linked customer. */
  customerTier: null | string;
  /** CRM value of a linked customer. */
  customerValue: null | number;
  /** Author influence tier: unknown, nano, micro, mid, macro, mega. */
  influenceTier: string;
  /** The mention's personal fields sealed in one envelope, as `hk2:<base64url>` of Mention.sealed (docs/privacy.md); while set, url, title, text, authorHandle and authorName hold placeholders and the delivery opens them from here. Null for actions routed from hk1 or clear mentions. */
  sealed: null | string;
}

/** A routing decision: a rule of rules/routing.yaml matched a resolved mention and sends it to a work queue. Key on `actions`: actionId. */
export interface Action {
  /** Deterministic id `<ruleId>:<mentionId>`: a re-delivery, a replay or an edit of the same mention routed by the same rule is the same action (webhook receivers dedupe on it). */
  actionId: string;
  /** Work queue the mention goes to, e.g. customer-service, product, sales-lead, pr. */
  queue: string;
  /** low, normal, high or urgent. */
  priority: ActionPriority;
  /** Id of the rule that matched. */
  ruleId: string;
  /** Version of the rules file that decided: its `version` field plus a short hash of its content, e.g. `2026-11-24.1+3f9a1c2e`. */
  rulesVersion: string;
  /** The rule's conditions that held, in words (e.g. `intent complaint (0.91) in [complaint]`), for the person who picks the action up. */
  reasons: string[];
  /** The mention the action is about. */
  mention: ActionMention;
  /** When the rule was evaluated (UTC, epoch milliseconds). */
  routedAt: number;
}

export type AlertMetric = 'volume' | 'negative_share' | 'other';
/** The AlertMetric symbols in schema order. */
export const AlertMetricSymbols = ['volume', 'negative_share', 'other'] as const satisfies readonly AlertMetric[];

/** A mention that drove the spike. */
export interface AlertMention {
  /** `platform:postId`. */
  mentionId: string;
  /** Public URL of the post. */
  url: null | string;
  /** Author handle without @. */
  authorHandle: string;
  /** Author followers when collected. */
  reach: number;
  /** negative, neutral, positive or unknown. */
  sentimentLabel: string;
  /** The first 280 characters of the text. */
  excerpt: string;
}

/** A spike: a brand's mention volume or negative share on one platform departed from its own recent baseline. One alert per episode. Key on `alerts`: `brand:platform`. */
export interface Alert {
  /** Deterministic id of the episode `<brand>:<platform>:<metric>:<window start ISO>`; a re-emission after a crash carries the same id. */
  alertId: string;
  /** Brand id. */
  brand: string;
  /** Platform in lower case. */
  platform: string;
  /** volume (mentions per window) or negative_share (negative / scored mentions in the window). */
  metric: AlertMetric;
  /** Start of the window that opened the episode (UTC, inclusive). */
  windowStartAt: number;
  /** End of that window (UTC, exclusive). */
  windowEndAt: number;
  /** Observed value in the window: a count for volume, a share in [0, 1] for negative_share. */
  observed: number;
  /** Baseline: the median of the same-size windows before it. */
  expected: number;
  /** Robust z-score: (observed − expected) / scale, where scale is 1.4826 × MAD floored by the Poisson (volume) or binomial (share) noise. */
  deviation: number;
  /** Mentions in the window. */
  mentions: number;
  /** Negative mentions in the window. */
  negative: number;
  /** How many earlier windows the baseline was computed from. */
  baselineWindows: number;
  /** Up to ALERT_TOP_MENTIONS mentions of the window by reach (negative ones only for negative_share). */
  topMentions: AlertMention[];
  /** Detector and parameters that decided, e.g. `median-mad w=5m n=12 z=4 min=10`. */
  detector: string;
  /** When the detector opened the episode (UTC, epoch milliseconds). */
  detectedAt: number;
}
