import type {
  BrandSignal,
  ComplianceEvent,
  DeadLetter,
  Mention,
  Source,
  SourceKind,
} from '@hark/events';
import type { ErrorCode } from '@hark/errors';
import type { Encoder } from '@hark/kafka';
import type { Logger } from 'pino';
import type { BrandMatcher } from '../domain/brand-matcher.ts';
import type { SourcedComplianceEntry } from '../domain/compliance/expand-compliance.ts';
import { prepareCompliance } from '../domain/compliance/prepare-compliance.ts';
import { placeErrors, type ItemError, type RejectedItem } from '../domain/item-errors.ts';
import type { BodyRecord } from '../domain/parse-body.ts';
import { answerItems, prepareMentions, type SourcedEntry } from '../domain/prepare-mentions.ts';
import { prepareSignals } from '../domain/prepare-signals.ts';
import type { PostLimits } from '../domain/validate-post.ts';
import type { CollectorMetrics } from './collector-metrics.ts';
import { createIngestDelivery, type IngestDelivery } from './ingest-delivery.ts';
import type { Publisher } from './kafka-publisher.ts';
import type { MentionPrivacy } from './mention-privacy.ts';

export interface MentionItem {
  index: number;
  mentionId: string;
  /** accepted: written to Kafka; unmatched: valid, but no tracked brand, so not forwarded. */
  status: 'accepted' | 'unmatched';
  brands?: string[];
  keywords?: string[];
}

export interface MentionOutcome {
  received: number;
  accepted: number;
  unmatched: number;
  /** Items refused (an item with three bad fields counts once; `errors` lists all three). */
  rejected: number;
  items: MentionItem[];
  errors: ItemError[];
}

export interface SignalOutcome {
  received: number;
  accepted: number;
  rejected: number;
  items: { index: number; signalId: string; status: 'accepted' }[];
  errors: ItemError[];
}

export interface ComplianceOutcome {
  received: number;
  accepted: number;
  rejected: number;
  items: { index: number; eventId: string; kind: string; status: 'accepted' }[];
  errors: ItemError[];
}

export interface IngestService {
  /**
   * Validates, matches and produces a batch; resolves after Kafka acknowledged
   * every produced record. `deadLetterRejected` sends refused items to the
   * DLQ (webhooks, pollers: nobody else would hear about them).
   */
  mentions(
    entries: readonly SourcedEntry[],
    opts: { source: Source; brand?: string; deadLetterRejected: boolean },
  ): Promise<MentionOutcome>;
  signals(
    records: readonly BodyRecord[],
    opts: { kind: SourceKind; defaultSource: string },
  ): Promise<SignalOutcome>;
  /**
   * Validates compliance events (deletions, edits, account changes) and
   * produces them on the compliance topic; resolves after Kafka acknowledged.
   */
  compliance(
    entries: readonly SourcedComplianceEntry[],
    opts: { source: Source; deadLetterRejected: boolean },
  ): Promise<ComplianceOutcome>;
  /** Keeps a whole payload that could not be read (a signed webhook body that is not JSON). */
  deadLetterPayload(raw: Buffer, source: Source, code: ErrorCode, message: string): Promise<void>;
}

export interface IngestDeps {
  matcher: BrandMatcher;
  publisher: Publisher;
  encoders: {
    mention: Encoder<Mention>;
    signal: Encoder<BrandSignal>;
    deadLetter: Encoder<DeadLetter>;
    compliance: Encoder<ComplianceEvent>;
  };
  topics: { mentions: string; signals: string; dlq: string; compliance: string };
  metrics: CollectorMetrics;
  limits: PostLimits;
  brandIds: ReadonlySet<string>;
  /** Minimise and encrypt mentions before producing; main.ts always sets it (unit tests may not). */
  privacy?: MentionPrivacy;
  logger: Logger;
  now?: () => number;
}

/**
 * Each call is one story: validate (pure, in domain/), encode, publish with
 * acks=all, count, answer. Nothing is counted as accepted, and no caller is
 * answered, before Kafka acknowledged every record of the call.
 */
export function createIngestService(deps: IngestDeps): IngestService {
  const ctx: IngestContext = {
    deps,
    now: deps.now ?? Date.now,
    log: deps.logger.child({ component: 'ingest' }),
    delivery: createIngestDelivery(deps),
  };
  return {
    mentions: (entries, opts) => ingestMentions(ctx, entries, opts),
    signals: (records, opts) => ingestSignals(ctx, records, opts),
    compliance: (entries, opts) => ingestCompliance(ctx, entries, opts),
    async deadLetterPayload(raw, source, code, message) {
      const at = ctx.now();
      await ctx.delivery.publish([
        ctx.delivery.deadLetter({ id: null, native: raw, source, code, message, at }),
      ]);
    },
  };
}

interface IngestContext {
  deps: IngestDeps;
  now: () => number;
  log: Logger;
  delivery: IngestDelivery;
}

async function ingestMentions(
  { deps, now, log, delivery }: IngestContext,
  entries: readonly SourcedEntry[],
  opts: Parameters<IngestService['mentions']>[1],
): Promise<MentionOutcome> {
  const at = now();
  const { source, brand } = opts;
  const prepared = prepareMentions(entries, {
    matcher: deps.matcher,
    limits: deps.limits,
    now: at,
    source,
    brand,
  });
  const { rejected, unmatched } = prepared;
  const mentions = prepared.mentions.map((p) => p.mention);
  // Protected after matching and validation, right before producing; a keyring
  // outage throws here, so nothing of the request is produced (503).
  const outgoing = deps.privacy ? await deps.privacy.protect(mentions) : mentions;
  await delivery.deliver({
    labels: { source: source.kind, type: 'mention' },
    received: entries.length,
    records: delivery.mentionRecords(outgoing),
    deadLetterRejected: opts.deadLetterRejected && { source, at },
    accepted: mentions.length,
    rejected,
  });
  countBrandMatches(deps.metrics, mentions);
  if (unmatched.length > 0) deps.metrics.unmatched.inc({ source: source.kind }, unmatched.length);
  const errors = placeErrors(rejected);
  if (rejected.length > 0)
    log.debug({ source, rejected: rejected.length, first: errors[0] }, 'items rejected');
  return {
    received: entries.length,
    accepted: mentions.length,
    unmatched: unmatched.length,
    rejected: rejected.length,
    items: answerItems(prepared),
    errors,
  };
}

async function ingestSignals(
  { deps, now, delivery }: IngestContext,
  records: readonly BodyRecord[],
  opts: Parameters<IngestService['signals']>[1],
): Promise<SignalOutcome> {
  const { signals, rejected } = prepareSignals(records, {
    now: now(),
    maxFutureSkewMs: deps.limits.maxFutureSkewMs,
    brandIds: deps.brandIds,
    defaultSource: opts.defaultSource,
  });
  await delivery.deliver({
    labels: { source: opts.kind, type: 'signal' },
    received: records.length,
    records: delivery.signalRecords(signals.map((s) => s.signal)),
    accepted: signals.length,
    rejected,
  });
  const items = signals.map(({ index, signal }) => ({
    index,
    signalId: signal.signalId,
    status: 'accepted' as const,
  }));
  return outcomeOf(records.length, items, rejected);
}

async function ingestCompliance(
  { deps, now, log, delivery }: IngestContext,
  entries: readonly SourcedComplianceEntry[],
  opts: Parameters<IngestService['compliance']>[1],
): Promise<ComplianceOutcome> {
  const at = now();
  const { source } = opts;
  const { events, unique, rejected } = prepareCompliance(entries, {
    now: at,
    maxFutureSkewMs: deps.limits.maxFutureSkewMs,
    source: `${source.kind}:${source.name}`,
  });
  await delivery.deliver({
    labels: { source: source.kind, type: 'compliance' },
    received: entries.length,
    records: delivery.complianceRecords(unique),
    deadLetterRejected: opts.deadLetterRejected && { source, at },
    accepted: events.length,
    rejected,
  });
  log.info(
    { source, accepted: events.length, rejected: rejected.length },
    'compliance events accepted',
  );
  const items = events.map(({ index, event }) => ({
    index,
    eventId: event.eventId,
    kind: event.kind,
    status: 'accepted' as const,
  }));
  return outcomeOf(entries.length, items, rejected);
}

/** One counter update per brand and call: a labelled inc costs a label lookup each time. */
function countBrandMatches(metrics: CollectorMetrics, mentions: readonly Mention[]): void {
  const perBrand = new Map<string, number>();
  for (const mention of mentions)
    for (const b of mention.brands) perBrand.set(b, (perBrand.get(b) ?? 0) + 1);
  for (const [brand, n] of perBrand) metrics.brandMatches.inc({ brand }, n);
}

/** The answer to a call whose every valid item is accepted (signals, compliance events). */
function outcomeOf<I>(received: number, items: I[], rejected: readonly RejectedItem[]) {
  const errors = placeErrors(rejected);
  return { received, accepted: items.length, rejected: rejected.length, items, errors };
}
