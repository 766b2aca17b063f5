import { HarkError } from '@hark/errors';
import type {
  ComplaintTheme,
  InfluenceTier,
  IntentLabel,
  MatchMethod,
  Mention,
  MatchStatus,
  PostKind,
  ResolvedMention,
  SentimentLabel,
  SourceKind,
} from '@hark/events';

/** One row of the `mentions` fact table: a resolved mention, flattened. Times are epoch ms. */
export interface MentionFact {
  mentionId: string;
  createdAt: number;
  platform: string;
  postId: string;
  kind: PostKind;
  url: string | null;
  parentId: string | null;
  authorId: string;
  authorHandle: string;
  authorName: string | null;
  authorFollowers: number;
  authorVerified: boolean;
  title: string | null;
  text: string;
  lang: string | null;
  rating: number | null;
  likes: number;
  shares: number;
  replies: number;
  views: number;
  /** Distinct brand ids, in first-seen order. */
  brands: string[];
  keywords: string[];
  sourceKind: SourceKind;
  sourceName: string;
  collectedAt: number;
  sentimentScore: number;
  /** Score in integer millionths: sums of these are exact whatever the batching. */
  sentimentMicros: number;
  sentimentLabel: SentimentLabel;
  sentimentLang: string;
  sentimentModel: string;
  intentLabel: IntentLabel;
  intentConfidence: number;
  /** Complaint theme of a negative or complaint mention, `none` otherwise. */
  theme: ComplaintTheme;
  scoredAt: number;
  customerId: string | null;
  customerStatus: MatchStatus;
  customerConfidence: number;
  customerMethod: MatchMethod;
  customerTier: string | null;
  customerValue: number | null;
  /** A linked CRM customer; `review` and `prospect` count as prospects. */
  isCustomer: boolean;
  influenceScore: number;
  influenceTier: InfluenceTier;
  resolvedAt: number;
  /** Edit revision: a delivery with a higher one restates the fact. */
  revision: number;
  /** What the model said, kept when an analyst corrected the label (null otherwise). */
  modelSentimentScore: number | null;
  modelSentimentLabel: SentimentLabel | null;
  modelIntentLabel: IntentLabel | null;
  sentimentCorrected: boolean;
  intentCorrected: boolean;
  /** Why text, title, url, handle and name were blanked (null: they are kept). */
  scrubbed: string | null;
}

/**
 * Flattens a ResolvedMention into its fact row, or throws
 * HARK_STAGE_PROCESSING_FAILED naming the field when a value would corrupt a
 * rollup (a NaN score poisons a sum for good; a negative counter subtracts).
 */
export function toMentionFact(rm: ResolvedMention): MentionFact {
  return toMentionFactWith(rm, rm.mention);
}

/**
 * toMentionFact with the mention given apart: the stage opens it beside the
 * sealed record, and a copy of the record to put it in would cost an object per mention.
 */
export function toMentionFactWith(rm: ResolvedMention, m: Mention): MentionFact {
  const problems: string[] = [];
  if (m.mentionId.trim() === '') problems.push('mention.mentionId: must not be empty');
  if (m.platform.trim() === '') problems.push('mention.platform: must not be empty');
  if (m.author.id.trim() === '') problems.push('mention.author.id: must not be empty');
  if (!Number.isSafeInteger(m.revision) || m.revision < 0)
    problems.push(`mention.revision: must be a non-negative integer, got ${m.revision}`);
  if (!Number.isSafeInteger(m.createdAt))
    problems.push('mention.createdAt: must be epoch milliseconds');
  const brands = distinctBrands(m.brands);
  if (brands.length === 0) problems.push('mention.brands: must name at least one tracked brand');
  checkCount(problems, 'mention.engagement.likes', m.engagement.likes);
  checkCount(problems, 'mention.engagement.shares', m.engagement.shares);
  checkCount(problems, 'mention.engagement.replies', m.engagement.replies);
  checkCount(problems, 'mention.engagement.views', m.engagement.views);
  checkCount(problems, 'mention.author.followers', m.author.followers);
  const score = rm.sentiment.score;
  if (!Number.isFinite(score) || score < -1 || score > 1) {
    problems.push(`sentiment.score: must be within [-1, 1], got ${score}`);
  }
  if (problems.length > 0) {
    throw new HarkError(
      'HARK_STAGE_PROCESSING_FAILED',
      `invalid resolved mention: ${problems.join('; ')}`,
      {
        context: { mentionId: m.mentionId, problems },
      },
    );
  }
  const isCustomer = rm.customer.status === 'linked' && rm.customer.customerId !== null;
  return {
    mentionId: m.mentionId,
    createdAt: m.createdAt,
    platform: m.platform,
    postId: m.postId,
    kind: m.kind,
    url: m.url,
    parentId: m.parentId,
    authorId: m.author.id,
    authorHandle: m.author.handle,
    authorName: m.author.name,
    authorFollowers: m.author.followers,
    authorVerified: m.author.verified,
    title: m.title,
    text: m.text,
    lang: m.lang,
    rating: m.rating,
    likes: m.engagement.likes,
    shares: m.engagement.shares,
    replies: m.engagement.replies,
    views: m.engagement.views,
    brands,
    keywords: m.keywords,
    sourceKind: m.source.kind,
    sourceName: m.source.name,
    collectedAt: m.collectedAt,
    sentimentScore: score,
    sentimentMicros: Math.round(score * 1_000_000),
    sentimentLabel: rm.sentiment.label,
    sentimentLang: rm.sentiment.lang,
    sentimentModel: rm.sentiment.model,
    intentLabel: rm.intent.label,
    intentConfidence: rm.intent.confidence,
    theme: rm.theme,
    scoredAt: rm.scoredAt,
    customerId: rm.customer.customerId,
    customerStatus: rm.customer.status,
    customerConfidence: rm.customer.confidence,
    customerMethod: rm.customer.method,
    customerTier: rm.customer.customerTier,
    customerValue: rm.customer.customerValue,
    isCustomer,
    influenceScore: rm.influence.score,
    influenceTier: rm.influence.tier,
    resolvedAt: rm.resolvedAt,
    revision: m.revision,
    modelSentimentScore: null,
    modelSentimentLabel: null,
    modelIntentLabel: null,
    sentimentCorrected: false,
    intentCorrected: false,
    scrubbed: null,
  };
}

function checkCount(problems: string[], name: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 0)
    problems.push(`${name}: must be a non-negative integer, got ${v}`);
}

/**
 * The non-blank brand ids in first-seen order, without duplicates. A mention
 * names one or two brands, so a linear scan beats building a Set per record.
 */
export function distinctBrands(brands: readonly string[]): string[] {
  const out: string[] = [];
  for (const b of brands) if (b.trim() !== '' && !out.includes(b)) out.push(b);
  return out;
}
