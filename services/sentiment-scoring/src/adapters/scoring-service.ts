import { HarkError, isHarkError } from '@hark/errors';
import {
  loadSchema,
  valueSubject,
  type DeadLetter,
  type Mention,
  type ScoredMention,
  checkMention,
} from '@hark/events';
import {
  createStage,
  type AvroSerde,
  type BatchHandler,
  type BatchResult,
  type OutputRecord,
} from '@hark/kafka';
import type { Logger } from '@hark/observability';
import {
  createPrivacyMetrics,
  openMentionBatch,
  type Keyring,
  type PrivacyMetrics,
} from '@hark/privacy';
import type { Kafka, Producer } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { ScoringModel } from '../domain/model.ts';
import { scoredMentionKey, scoreMention } from '../domain/score-mention.ts';
import { createScoringMetrics, type ScoringMetrics } from './scoring-metrics.ts';

export const STAGE = 'sentiment-scoring';

export interface ScoringServiceDeps {
  kafka: Kafka;
  /** Connected producer; the caller owns its lifecycle. */
  producer: Producer;
  serde: AvroSerde;
  logger: Logger;
  registry: Registry;
  model: ScoringModel;
  /** The privacy keyring that opens encrypted mentions. */
  keyring: Pick<Keyring, 'keysForRead'>;
  topics: { input: string; output: string; dlq: string };
  groupId: string;
  maxBatchSize?: number;
  /** Partitions processed at once; Kafka round trips overlap while scoring stays per-partition ordered. */
  now?: () => number;
  /** The consumer stopped for good; main shuts the process down so its supervisor restarts it. */
  onCrash?: (err: Error) => void;
}

export interface ScoringService {
  start(): Promise<void>;
  close(): Promise<void>;
  isReady(): boolean;
}

/**
 * The scoring stage: Mentions from the input topic, ScoredMentions to the
 * output topic keyed `platform:authorId`. Registers its output schemas on
 * creation, so a registry that refuses them fails the start, not the first batch.
 */
export async function createScoringService(deps: ScoringServiceDeps): Promise<ScoringService> {
  const log = deps.logger.child({ component: 'scoring' });
  const out = await deps.serde.encoder<ScoredMention>(
    valueSubject(deps.topics.output),
    loadSchema('ScoredMention'),
  );
  const dlq = await deps.serde.encoder<DeadLetter>(
    valueSubject(deps.topics.dlq),
    loadSchema('DeadLetter'),
  );
  const metrics = createScoringMetrics(deps.registry, {
    sentiment: deps.model.languages.get('en')!.model,
    intent: deps.model.intent.name,
  });
  const handle = createScoringHandler({
    model: deps.model,
    encode: (v) => out.encode(v),
    topic: deps.topics.output,
    keyring: deps.keyring,
    metrics,
    privacyMetrics: createPrivacyMetrics(deps.registry),
    now: deps.now ?? Date.now,
  });
  const stage = createStage<Mention>({
    stage: STAGE,
    kafka: deps.kafka,
    producer: deps.producer,
    logger: deps.logger,
    registry: deps.registry,
    groupId: deps.groupId,
    topics: [deps.topics.input],
    decoder: deps.serde.decoder<Mention>(loadSchema('Mention')),
    check: checkMention,
    dlq: Object.assign(dlq, { topic: deps.topics.dlq }),
    handle,
    maxBatchSize: deps.maxBatchSize,
    onCrash: deps.onCrash,
  });
  log.info(
    { topics: deps.topics, groupId: deps.groupId, intentModel: deps.model.intent.name },
    'scoring stage ready to start',
  );
  return { start: () => stage.start(), close: () => stage.close(), isReady: () => stage.isReady() };
}

/**
 * The batch handler, a thin adapter around `scoreMention`. Scoring is pure
 * and deterministic, so a record that makes it throw would throw again after
 * any restart: it goes to the DLQ with the reason instead of crashing the
 * consumer into a loop.
 */
export function createScoringHandler(deps: {
  model: ScoringModel;
  encode: (value: ScoredMention) => Buffer;
  topic: string;
  /** Opens encrypted personal fields in memory; null only where no record is encrypted (unit tests). */
  keyring: Pick<Keyring, 'keysForRead'> | null;
  metrics?: ScoringMetrics;
  privacyMetrics?: PrivacyMetrics;
  now: () => number;
}): BatchHandler<Mention> {
  return async (records) => {
    const outputs: OutputRecord[] = [];
    const failures: NonNullable<BatchResult<Mention>['failures']> = [];
    const now = deps.now();
    // Decrypt right after decode: a shredded author is dropped here (erased, offset
    // committed), a bad envelope goes to the DLQ, the rest is scored on clear text.
    const opened = deps.keyring
      ? await openMentionBatch(records, (r) => r.value, deps.keyring, ['text', 'title'])
      : {
          clear: records.map((record) => ({ record, mention: record.value })),
          failures: [],
          erased: [],
        };
    if (opened.erased.length > 0)
      deps.privacyMetrics?.erased.inc({ stage: STAGE }, opened.erased.length);
    for (const f of opened.failures) {
      deps.metrics?.failures.inc({ code: f.error.code });
      failures.push(f);
    }
    for (const { record, mention } of opened.clear) {
      try {
        const scored = scoreMention(mention, deps.model, now);
        outputs.push({
          topic: deps.topic,
          key: scoredMentionKey(record.value),
          // The output carries the mention as it came in: personal fields stay encrypted.
          value: deps.encode({ ...scored, mention: record.value }),
        });
        deps.metrics?.scored.inc({
          sentiment: scored.sentiment.label,
          intent: scored.intent.label,
        });
        deps.metrics?.languages.inc({ lang: scored.sentiment.lang });
      } catch (err) {
        const error = isHarkError(err)
          ? err
          : new HarkError(
              'HARK_STAGE_PROCESSING_FAILED',
              `scoring failed: ${(err as Error).message}`,
              {
                cause: err,
                context: { mentionId: record.value.mentionId },
              },
            );
        deps.metrics?.failures.inc({ code: error.code });
        failures.push({ record, error });
      }
    }
    return { outputs, failures };
  };
}
