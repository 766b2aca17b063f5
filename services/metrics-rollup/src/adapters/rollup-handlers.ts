import { HarkError, isHarkError } from '@hark/errors';
import type { BrandSignal, ComplianceEvent, ResolvedMention } from '@hark/events';
import type { StageRecord } from '@hark/kafka';
import type { OpenedRecord, StageResult } from '@hark/stage-runtime';
import {
  planCompliance,
  type CompliancePlan,
  type DeletedPostsPolicy,
} from '../domain/compliance.ts';
import { checkEventTime, type LatenessPolicy } from '../domain/lateness.ts';
import { toMentionFactWith, type MentionFact } from '../domain/mention-fact.ts';
import { toSignalFact, type SignalFact } from '../domain/signal-fact.ts';
import { windowStart } from '../domain/windows.ts';
import type { ComplianceStore } from './compliance-store.ts';
import type { PartitionManager } from './partition-manager.ts';
import type { RollupMetrics } from './rollup-metrics.ts';
import type { ApplyResult, RollupStore } from './rollup-store.ts';

export interface HandlerDeps {
  store: RollupStore;
  partitions: PartitionManager;
  metrics: RollupMetrics;
  policy: LatenessPolicy;
  now: () => number;
}

type Kind = 'mention' | 'signal';

/**
 * Turns a chunk of records into one committed rollup transaction. Records
 * outside the lateness bounds or with values that would corrupt a rollup
 * come back as failures (the stage sends them to the DLQ); the rest are
 * durable in PostgreSQL before this returns, so the stage commits offsets
 * only after the rollup is. The database is the output: nothing is produced.
 */
function createHandler<T, I, F>(
  kind: Kind,
  deps: HandlerDeps,
  recordOf: (item: I) => StageRecord<T>,
  toFact: (item: I) => F,
  eventTime: (fact: F) => number,
  apply: (facts: F[]) => Promise<ApplyResult>,
): (items: I[]) => Promise<StageResult<T, never>> {
  const timeField = kind === 'mention' ? 'createdAt' : 'observedAt';
  return async (items) => {
    const now = deps.now();
    const facts: F[] = [];
    const failures: NonNullable<StageResult<T, never>['failures']> = [];
    const rejected = (record: StageRecord<T>, error: HarkError) => {
      failures.push({ record, error });
      deps.metrics.rejected.inc({ kind, code: error.code });
    };
    const ageLabels = { kind };
    for (const item of items) {
      let fact: F;
      try {
        fact = toFact(item);
      } catch (err) {
        if (!isHarkError(err) || err.retriable) throw err;
        rejected(recordOf(item), err);
        continue;
      }
      const at = eventTime(fact);
      const late = checkEventTime(at, now, deps.policy, timeField);
      if (late) {
        rejected(recordOf(item), late);
        continue;
      }
      deps.metrics.eventAgeSeconds.observe(ageLabels, Math.max(0, (now - at) / 1000));
      facts.push(fact);
    }
    if (facts.length > 0) {
      await deps.partitions.ensureDays(facts.map((f) => windowStart(eventTime(f), 'day')));
      const stop = deps.metrics.writeSeconds.startTimer({ kind });
      const result = await apply(facts);
      stop();
      deps.metrics.applied.inc({ kind }, result.applied);
      deps.metrics.duplicates.inc({ kind }, result.duplicates);
      if (result.suppressed) deps.metrics.suppressed.inc(result.suppressed);
      if (result.restated) deps.metrics.restated.inc({ cause: 'edit' }, result.restated);
    }
    return { outputs: [], failures };
  };
}

/**
 * The personal fields a fact keeps, opened by the runtime; location, e-mail and
 * profile URL stay sealed (never stored here). The facts table holds plaintext,
 * which the erase flow deletes there.
 */
export const MENTION_FACT_FIELDS = [
  'url',
  'title',
  'text',
  'author.handle',
  'author.name',
] as const;

export function createMentionsHandler(
  deps: HandlerDeps,
): (records: OpenedRecord<ResolvedMention>[]) => Promise<StageResult<ResolvedMention, never>> {
  return createHandler<ResolvedMention, OpenedRecord<ResolvedMention>, MentionFact>(
    'mention',
    deps,
    (opened) => opened.record,
    (opened) => toMentionFactWith(opened.record.value, opened.mention),
    (f) => f.createdAt,
    async (facts) => {
      const result = await deps.store.applyMentions(facts);
      const committed = deps.now();
      for (const f of facts)
        deps.metrics.visibilitySeconds.observe(Math.max(0, (committed - f.collectedAt) / 1000));
      return result;
    },
  );
}

export function createSignalsHandler(
  deps: HandlerDeps,
): (records: StageRecord<BrandSignal>[]) => Promise<StageResult<BrandSignal, never>> {
  return createHandler<BrandSignal, StageRecord<BrandSignal>, SignalFact>(
    'signal',
    deps,
    (record) => record,
    (record) => toSignalFact(record.value),
    (f) => f.observedAt,
    (facts) => deps.store.applySignals(facts),
  );
}

export interface ComplianceHandlerDeps {
  store: ComplianceStore;
  metrics: RollupMetrics;
  deletedPosts: DeletedPostsPolicy;
}

/**
 * Carries out compliance events one at a time, each in its own transaction
 * committed before the handler returns (so the stage commits offsets only
 * after it). They are rare, and one at a time keeps an event's restatement
 * from waiting on another's locks. An event naming too little to act on
 * goes to dlq with the reason; a re-delivered eventId changes nothing.
 */
export function createComplianceHandler(
  deps: ComplianceHandlerDeps,
): (records: StageRecord<ComplianceEvent>[]) => Promise<StageResult<ComplianceEvent, never>> {
  return async (records) => {
    const failures: NonNullable<StageResult<ComplianceEvent, never>['failures']> = [];
    for (const record of records) {
      const event = record.value;
      let plan: CompliancePlan;
      try {
        plan = planCompliance(event, deps.deletedPosts);
      } catch (err) {
        if (!isHarkError(err) || err.retriable) throw err;
        failures.push({ record, error: err });
        deps.metrics.rejected.inc({ kind: 'compliance', code: err.code });
        continue;
      }
      const outcome = await deps.store.apply(event, plan);
      deps.metrics.compliance.inc({
        kind: event.kind,
        outcome: outcome.duplicate ? 'duplicate' : 'applied',
      });
      if (outcome.factsRemoved > 0)
        deps.metrics.restated.inc({ cause: 'compliance' }, outcome.factsRemoved);
    }
    return { outputs: [], failures };
  };
}
