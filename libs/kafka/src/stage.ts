import { setTimeout as sleep } from 'node:timers/promises';
import { isHarkError } from '@hark/errors';
import type { EachBatchPayload } from 'kafkajs';
import { watchConsumer } from './consumer-health.ts';
import { shouldRestartConsumer } from './consumer-restart.ts';
import { decodeChunk } from './decode-chunk.ts';
import { createFlushQueue, type Chunk } from './partition-queue.ts';
import { createProduceStep } from './produce.ts';
import { startRetryBudget } from './retry-budget.ts';
import { runFlush, type FlushSteps } from './run-flush.ts';
import { stageMetrics } from './stage-metrics.ts';
import type { Stage, StageDeps } from './stage-types.ts';

export { toDeadLetter } from './dead-letters.ts';

/**
 * A fetch waits up to 75 ms for 1 MiB instead of answering with the first record: at a few
 * thousand records/s that is ~10 flushes/s instead of one per upstream send, each paying a
 * fetch, a produce, a commit and their wake-ups whatever its size (libs/kafka README).
 */
export const DEFAULT_FETCH = { minBytes: 1024 * 1024, maxWaitTimeInMs: 75 } as const;
export type {
  BatchHandler,
  BatchResult,
  OutputRecord,
  Stage,
  StageDeps,
  StageRecord,
} from './stage-types.ts';

/**
 * The consume-process-produce loop every hark stage runs. Per flush (one
 * chunk of up to `maxBatchSize` records from every partition the fetch
 * returned): decode (undecodable records become dead letters), call the
 * handler once, produce outputs and dead letters with acks=all, and only then
 * commit the chunks' offsets. A crash anywhere before the commit re-delivers
 * the chunks: delivery is at-least-once, and downstream sinks are idempotent
 * by key. The steps are `partition-queue.ts` → `run-flush.ts` (`decode-chunk.ts`,
 * the handler, `produce.ts`, `commit.ts`, retried within `retry-budget.ts`).
 */
export function createStage<T>(deps: StageDeps<T>): Stage {
  const { stage } = deps;
  const log = deps.logger.child({ component: 'stage', stage });
  const metrics = stageMetrics(deps.registry);
  const maxBatch = deps.maxBatchSize ?? 500;
  const consumer = deps.kafka.consumer({
    groupId: deps.groupId,
    sessionTimeout: deps.sessionTimeout ?? 30_000,
    heartbeatInterval: 3000,
    minBytes: deps.fetch?.minBytes ?? DEFAULT_FETCH.minBytes,
    maxWaitTimeInMs: deps.fetch?.maxWaitTimeInMs ?? DEFAULT_FETCH.maxWaitTimeInMs,
    retry: {
      retries: 5,
      // A broker outage of any length is ridden out in place: when kafkajs's own retries run
      // out (about 20 s) it restarts the consumer, which reconnects with backoff, instead of
      // the process exiting. Anything else ends here and onCrash hands the process to its
      // supervisor.
      restartOnFailure: async (err) => shouldRestartConsumer(err),
    },
  });
  const health = watchConsumer(consumer, {
    stage,
    log,
    metrics,
    staleAfterMs: deps.staleAfterMs ?? 10_000,
    onCrash: deps.onCrash,
    rerun: () => consumer.run(runOptions),
  });
  const policy = {
    budgetMs: deps.retryBudgetMs ?? 120_000,
    maxAttempts: deps.maxAttempts ?? Number.POSITIVE_INFINITY,
    initialDelayMs: deps.retryInitialMs ?? 200,
    maxDelayMs: deps.retryMaxMs ?? 5000,
  };
  const produce = createProduceStep({ ...deps, metrics, log });

  const steps: FlushSteps<T> = {
    stage,
    async decode(chunk) {
      const decoded = await decodeChunk(chunk, deps);
      if (decoded.tombstones > 0)
        metrics.tombstones.inc({ stage, topic: chunk.topic }, decoded.tombstones);
      return decoded;
    },
    handle: deps.handle,
    produce,
    commit: (offsets) => consumer.commitOffsets(offsets),
    startBudget: () => startRetryBudget(policy),
    sleep: (ms) => sleep(ms),
    heartbeat: async (chunks) => void (await Promise.all(chunks.map((c) => c.heartbeat()))),
    onRetry(err, { attempt, delayMs, retried }) {
      if (isHarkError(err) && err.code === 'HARK_KAFKA_UNAVAILABLE') health.setKafkaFailing(true);
      metrics.retries.inc({ stage }, retried);
      log.warn({ err, attempt, delayMs }, 'retriable failure, retrying batch');
    },
    onDone(chunks, seconds) {
      health.setKafkaFailing(false);
      for (const c of chunks) metrics.recordsIn.inc({ stage, topic: c.topic }, c.messages.length);
      metrics.batchSeconds.observe({ stage }, seconds);
    },
  };
  const queue = createFlushQueue<Chunk>((batch) => runFlush(batch, steps));

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat, resolveOffset, isRunning, isStale } = payload;
    for (let i = 0; i < batch.messages.length; i += maxBatch) {
      if (!isRunning() || isStale()) return;
      const messages = batch.messages.slice(i, i + maxBatch);
      await queue.enqueue({ topic: batch.topic, partition: batch.partition, messages, heartbeat });
      resolveOffset(messages[messages.length - 1]!.offset);
      await heartbeat();
    }
    health.reportLag(batch.topic, batch.partition, Number(batch.offsetLag()));
  }

  const runOptions = {
    autoCommit: false,
    eachBatchAutoResolve: false,
    // One worker per partition (up to 64): every partition of a fetch reaches the same flush.
    partitionsConsumedConcurrently: 64,
    eachBatch,
  };

  return {
    consumer,
    isReady: () => health.isReady(queue.isFlushing()),
    async start() {
      await consumer.connect();
      for (const topic of deps.topics)
        await consumer.subscribe({ topic, fromBeginning: deps.fromBeginning ?? true });
      await consumer.run(runOptions);
      log.info({ topics: deps.topics, groupId: deps.groupId }, 'stage started');
    },
    async close() {
      health.close();
      await consumer.disconnect();
      log.info('stage stopped');
    },
  };
}
