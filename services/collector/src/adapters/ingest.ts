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
import { validateCompliance } from '../domain/compliance/validate-compliance.ts';
import type { FieldError, ItemError } from '../domain/item-errors.ts';
import type { BodyRecord } from '../domain/parse-body.ts';
import { prepareMentions, type SourcedEntry } from '../domain/prepare-mentions.ts';
import { validateSignal } from '../domain/validate-signal.ts';
import type { PostLimits } from '../domain/validate-post.ts';
import type { CollectorMetrics } from './collector-metrics.ts';
import type { Publisher, PublishRecord } from './kafka-publisher.ts';
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

const STAGE = 'collector';

export function createIngestService(deps: IngestDeps): IngestService {
  const now = deps.now ?? Date.now;
  const log = deps.logger.child({ component: 'ingest' });

  function deadLetter(
    id: string | null,
    native: unknown,
    source: Source,
    code: ErrorCode,
    message: string,
    at: number,
  ): PublishRecord {
    const value: DeadLetter = {
      stage: STAGE,
      sourceTopic: 'http',
      sourcePartition: -1,
      sourceOffset: -1,
      key: id === null ? null : Buffer.from(id),
      value: toBytes(native),
      headers: {
        'hark-source-kind': Buffer.from(source.kind),
        'hark-source-name': Buffer.from(source.name),
      },
      errorCode: code,
      errorMessage: message,
      attempts: 1,
      failedAt: at,
    };
    return {
      topic: deps.topics.dlq,
      key: id,
      value: deps.encoders.deadLetter.encode(value),
      deadLetterCode: code,
    };
  }

  /** Publishes (acks=all), then counts the dead letters among the records, as every stage does. */
  async function publish(records: readonly PublishRecord[]): Promise<void> {
    await deps.publisher.publish(records);
    for (const r of records)
      if (r.deadLetterCode) deps.metrics.deadLetters.inc({ stage: STAGE, code: r.deadLetterCode });
  }

  return {
    async mentions(entries, opts) {
      const at = now();
      const kind = opts.source.kind;
      const prepared = prepareMentions(entries, {
        matcher: deps.matcher,
        limits: deps.limits,
        now: at,
        source: opts.source,
        brand: opts.brand,
      });
      // Protected after matching and validation, right before producing; a keyring
      // outage throws here, so nothing of the request is produced (503).
      const outgoing = deps.privacy
        ? await deps.privacy.protect(prepared.mentions.map((p) => p.mention))
        : prepared.mentions.map((p) => p.mention);
      const records: PublishRecord[] = outgoing.map((mention) => ({
        topic: deps.topics.mentions,
        key: mention.mentionId,
        value: deps.encoders.mention.encode(mention),
      }));
      const errors: ItemError[] = [];
      for (const r of prepared.rejected) {
        for (const e of r.errors) errors.push(placed(e, r.index, r.id, r.line));
        if (opts.deadLetterRejected) {
          records.push(
            deadLetter(r.id, r.native, opts.source, 'HARK_INGEST_INVALID', describe(r.errors), at),
          );
        }
      }

      deps.metrics.received.inc({ source: kind, type: 'mention' }, entries.length);
      await publish(records);

      if (prepared.mentions.length > 0) {
        deps.metrics.accepted.inc({ source: kind, type: 'mention' }, prepared.mentions.length);
      }
      for (const { mention } of prepared.mentions) {
        for (const b of mention.brands) deps.metrics.brandMatches.inc({ brand: b });
      }
      if (prepared.unmatched.length > 0)
        deps.metrics.unmatched.inc({ source: kind }, prepared.unmatched.length);
      countRejections(deps.metrics, kind, 'mention', prepared.rejected);
      if (prepared.rejected.length > 0) {
        log.debug(
          { source: opts.source, rejected: prepared.rejected.length, first: errors[0] },
          'items rejected',
        );
      }

      const items: MentionItem[] = [
        ...prepared.mentions.map(({ index, mention }) => ({
          index,
          mentionId: mention.mentionId,
          status: 'accepted' as const,
          brands: mention.brands,
          keywords: mention.keywords,
        })),
        ...prepared.unmatched.map(({ index, mentionId }) => ({
          index,
          mentionId,
          status: 'unmatched' as const,
        })),
      ].sort((a, b) => a.index - b.index);
      return {
        received: entries.length,
        accepted: prepared.mentions.length,
        unmatched: prepared.unmatched.length,
        rejected: prepared.rejected.length,
        items,
        errors,
      };
    },

    async signals(records, opts) {
      const at = now();
      const accepted: { index: number; signal: BrandSignal }[] = [];
      const rejected: { index: number; id: string | null; line?: number; errors: FieldError[] }[] =
        [];
      records.forEach((record, index) => {
        if ('error' in record) {
          rejected.push({ index, id: null, line: record.line, errors: [record.error] });
          return;
        }
        const result = validateSignal(record.value, {
          now: at,
          maxFutureSkewMs: deps.limits.maxFutureSkewMs,
          brandIds: deps.brandIds,
          defaultSource: opts.defaultSource,
        });
        if (result.ok) accepted.push({ index, signal: { ...result.draft, collectedAt: at } });
        else
          rejected.push({ index, id: result.signalId, line: record.line, errors: result.errors });
      });
      deps.metrics.received.inc({ source: opts.kind, type: 'signal' }, records.length);
      await publish(
        accepted.map(({ signal }) => ({
          topic: deps.topics.signals,
          key: `${signal.brand}:${signal.metric}`,
          value: deps.encoders.signal.encode(signal),
        })),
      );
      if (accepted.length > 0)
        deps.metrics.accepted.inc({ source: opts.kind, type: 'signal' }, accepted.length);
      countRejections(deps.metrics, opts.kind, 'signal', rejected);
      return {
        received: records.length,
        accepted: accepted.length,
        rejected: rejected.length,
        items: accepted.map(({ index, signal }) => ({
          index,
          signalId: signal.signalId,
          status: 'accepted' as const,
        })),
        errors: rejected.flatMap((r) => r.errors.map((e) => placed(e, r.index, r.id, r.line))),
      };
    },

    async compliance(entries, opts) {
      const at = now();
      const records: PublishRecord[] = [];
      const items: ComplianceOutcome['items'] = [];
      const errors: ItemError[] = [];
      const seen = new Set<string>();
      const reasons: string[] = [];
      entries.forEach(({ entry, line }, index) => {
        const result =
          'error' in entry
            ? { ok: false as const, eventId: null, errors: [entry.error] }
            : validateCompliance(entry.item, {
                now: at,
                maxFutureSkewMs: deps.limits.maxFutureSkewMs,
              });
        if (!result.ok) {
          reasons.push(result.errors[0]?.reason ?? 'invalid_value');
          for (const e of result.errors) errors.push(placed(e, index, result.eventId, line));
          if (opts.deadLetterRejected) {
            records.push(
              deadLetter(
                result.eventId,
                entry.native,
                opts.source,
                'HARK_INGEST_INVALID',
                describe(result.errors),
                at,
              ),
            );
          }
          return;
        }
        const event: ComplianceEvent = {
          ...result.draft,
          receivedAt: at,
          source: `${opts.source.kind}:${opts.source.name}`,
        };
        items.push({ index, eventId: event.eventId, kind: event.kind, status: 'accepted' });
        // The same event twice in one body is produced once; across requests the eventId dedups.
        if (seen.has(event.eventId)) return;
        seen.add(event.eventId);
        records.push({
          topic: deps.topics.compliance,
          key: result.key,
          value: deps.encoders.compliance.encode(event),
        });
      });
      deps.metrics.received.inc({ source: opts.source.kind, type: 'compliance' }, entries.length);
      await publish(records);
      if (items.length > 0)
        deps.metrics.accepted.inc({ source: opts.source.kind, type: 'compliance' }, items.length);
      for (const reason of reasons)
        deps.metrics.rejected.inc({ source: opts.source.kind, type: 'compliance', reason });
      log.info(
        { source: opts.source, accepted: items.length, rejected: reasons.length },
        'compliance events accepted',
      );
      return {
        received: entries.length,
        accepted: items.length,
        rejected: reasons.length,
        items,
        errors,
      };
    },

    async deadLetterPayload(raw, source, code, message) {
      await publish([deadLetter(null, raw, source, code, message, now())]);
    },
  };
}

function placed(
  e: FieldError,
  index: number,
  id: string | null,
  line: number | undefined,
): ItemError {
  return line === undefined ? { index, id, ...e } : { index, id, line, ...e };
}

function describe(errors: readonly FieldError[]): string {
  return errors.map((e) => `${e.path || '(item)'}: ${e.reason}: ${e.message}`).join('; ');
}

function countRejections(
  metrics: CollectorMetrics,
  source: string,
  type: string,
  rejected: readonly { errors: readonly FieldError[] }[],
): void {
  // One count per item, under the reason of its first problem: the totals then add up to items.
  for (const r of rejected)
    metrics.rejected.inc({ source, type, reason: r.errors[0]?.reason ?? 'invalid_value' });
}

function toBytes(native: unknown): Buffer | null {
  if (native === undefined || native === null) return null;
  if (Buffer.isBuffer(native)) return native;
  if (typeof native === 'string') return Buffer.from(native);
  return Buffer.from(JSON.stringify(native));
}
