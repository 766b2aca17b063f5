import { setTimeout as sleep } from 'node:timers/promises';
import { HarkError, isHarkError, isRetriable } from '@hark/errors';
import type { DeadLetter } from '@hark/events';
import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Decoder, Encoder } from './avro-serde.ts';
import { shouldRestartConsumer } from './consumer-restart.ts';
import { stageMetrics } from './stage-metrics.ts';

/** One decoded input record. */
export interface StageRecord<T> {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: T;
  headers: IHeaders;
  /** Broker timestamp, epoch ms as a string (kafkajs convention). */
  timestamp: string;
}

/** One record to produce; `value: null` writes a tombstone. */
export interface OutputRecord {
  topic: string;
  key: string | Buffer | null;
  value: Buffer | null;
  headers?: Record<string, string | Buffer>;
}

export interface BatchResult<T> {
  outputs: OutputRecord[];
  /** Records the handler rejected for good; they go to the DLQ and the partition moves on. */
  failures?: { record: StageRecord<T>; error: HarkError }[];
}

/**
 * Processes decoded records and returns what to produce. Throw a retriable
 * error to retry the whole batch; any other throw stops the consumer.
 */
export type BatchHandler<T> = (records: StageRecord<T>[]) => Promise<BatchResult<T>>;

export interface StageDeps<T> {
  stage: string;
  kafka: Kafka;
  producer: Producer;
  logger: Logger;
  registry: Registry;
  groupId: string;
  topics: string[];
  decoder: Decoder<T>;
  /**
   * The event contract beyond the schema (`checkMention`, … in @hark/events): the problems of a
   * decoded record, empty when it keeps it. A record with problems goes to the DLQ
   * (`HARK_STAGE_INVALID_RECORD`) before the handler sees it.
   */
  check?: (value: T) => readonly string[];
  dlq: Encoder<DeadLetter> & { topic: string };
  handle: BatchHandler<T>;
  /** Records per partition in one handler call; a large fetch is split into chunks, committed one flush at a time. */
  maxBatchSize?: number;
  /**
   * How long a batch keeps retrying retriable errors (a database or broker outage) before the
   * consumer gives up and `onCrash` runs. Time, not a count, so an outage of known length — a
   * PostgreSQL restart, a broker failover — is ridden out whatever the backoff. Default 120 s.
   */
  retryBudgetMs?: number;
  /** Optional cap on attempts as well (tests); unlimited by default. */
  maxAttempts?: number;
  retryInitialMs?: number;
  retryMaxMs?: number;
  fromBeginning?: boolean;
  /** Called once when the consumer stops for good (non-retriable error); main exits so a supervisor restarts it. */
  onCrash?: (err: Error) => void;
  sessionTimeout?: number;
  /**
   * Readiness turns false when the consumer has not heard from the broker (a fetch, a
   * heartbeat, a commit) for this long, outside a batch in progress. Default 10 s.
   */
  staleAfterMs?: number;
}

export interface Stage {
  start(): Promise<void>;
  /** Stops fetching, lets the in-flight batch finish and commit, leaves the group. */
  close(): Promise<void>;
  /** True while the consumer is a member of its group. */
  isReady(): boolean;
  consumer: Consumer;
}

/**
 * The consume-process-produce loop every hark stage runs. Per flush (one
 * chunk of up to `maxBatchSize` records from every partition the fetch
 * returned): decode (undecodable records become dead letters), call the
 * handler once, produce outputs and dead letters with acks=all, and only then
 * commit the chunks' offsets. A crash anywhere before the commit re-delivers
 * the chunks: delivery is at-least-once, and downstream sinks are idempotent
 * by key.
 */
export function createStage<T>(deps: StageDeps<T>): Stage {
  const log = deps.logger.child({ component: 'stage', stage: deps.stage });
  const metrics = stageMetrics(deps.registry);
  const maxBatch = deps.maxBatchSize ?? 500;
  const maxAttempts = deps.maxAttempts ?? Number.POSITIVE_INFINITY;
  const retryBudgetMs = deps.retryBudgetMs ?? 120_000;
  const consumer = deps.kafka.consumer({
    groupId: deps.groupId,
    sessionTimeout: deps.sessionTimeout ?? 30_000,
    heartbeatInterval: 3000,
    maxWaitTimeInMs: 250,
    retry: {
      retries: 5,
      // A broker outage of any length is ridden out in place: when kafkajs's own retries run
      // out (about 20 s) it restarts the consumer, which reconnects with backoff, instead of
      // the process exiting. Anything else ends here and onCrash hands the process to its
      // supervisor.
      restartOnFailure: async (err) => shouldRestartConsumer(err),
    },
  });
  let ready = false;
  let crashed = false;
  let closing = false;
  /** Last time the broker answered this consumer; readiness goes stale without it. */
  let lastContact = Date.now();
  /** A flush is running and has not seen Kafka fail. */
  let busy = false;
  let kafkaFailing = false;
  const staleAfterMs = deps.staleAfterMs ?? 10_000;
  const touch = () => {
    lastContact = Date.now();
  };
  consumer.on(consumer.events.FETCH, touch);
  consumer.on(consumer.events.HEARTBEAT, touch);
  consumer.on(consumer.events.COMMIT_OFFSETS, touch);

  // Lag series this instance reports; a rebalance drops the ones it no longer owns,
  // so a revoked partition does not keep a frozen value here.
  const lagSeries = new Map<string, { topic: string; partition: string }>();
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    ready = true;
    restartDelayMs = 1000;
    kafkaFailing = false;
    touch();
    const assigned = new Set(
      Object.entries(e.payload.memberAssignment).flatMap(([topic, partitions]) =>
        partitions.map((p) => `${topic}:${p}`),
      ),
    );
    for (const [key, labels] of lagSeries) {
      if (!assigned.has(key)) {
        metrics.lag.remove({ stage: deps.stage, ...labels });
        lagSeries.delete(key);
      }
    }
    log.info(
      { memberId: e.payload.memberId, assignment: e.payload.memberAssignment },
      'joined group',
    );
  });
  consumer.on(consumer.events.STOP, () => void (ready = false));
  // kafkajs restarts the consumer itself only when the error's innermost cause is marked
  // retriable; some broker-outage errors are not (a group coordinator that cannot be found
  // while the broker is down), so those are restarted here, with backoff, the same way.
  let restartDelayMs = 1000;
  let restartTimer: NodeJS.Timeout | undefined;
  function crash(error: Error): void {
    log.error({ err: error }, 'consumer crashed');
    if (crashed || closing) return;
    crashed = true;
    deps.onCrash?.(error);
  }
  function scheduleRerun(error: Error): void {
    const delayMs = Math.round(restartDelayMs * (0.5 + Math.random()));
    log.warn({ err: error, delayMs }, 'consumer lost the broker; restarting it');
    restartDelayMs = Math.min(restartDelayMs * 2, 30_000);
    restartTimer = setTimeout(() => {
      if (closing) return;
      // A failed start emits CRASH again, which lands back here or in crash().
      consumer.run(runOptions).catch((err: Error) => {
        if (shouldRestartConsumer(err)) scheduleRerun(err);
        else crash(err);
      });
    }, delayMs);
  }
  consumer.on(consumer.events.CRASH, (e) => {
    ready = false;
    const { error, restart } = e.payload;
    if (restart) log.warn({ err: error }, 'consumer lost the broker; reconnecting');
    else if (!closing && shouldRestartConsumer(error)) scheduleRerun(error);
    else crash(error);
  });

  async function withRetries(
    what: () => Promise<void>,
    heartbeat: () => Promise<void>,
  ): Promise<void> {
    let delay = deps.retryInitialMs ?? 200;
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        return await what();
      } catch (err) {
        if (!isRetriable(err)) throw err;
        if (isHarkError(err) && err.code === 'HARK_KAFKA_UNAVAILABLE') kafkaFailing = true;
        const elapsedMs = Date.now() - started;
        if (attempt >= maxAttempts || elapsedMs >= retryBudgetMs) {
          throw new HarkError(
            'HARK_STAGE_RETRIES_EXHAUSTED',
            `gave up after ${attempt} attempts in ${Math.round(elapsedMs / 1000)} s: ${(err as Error).message}`,
            {
              cause: err,
              context: { stage: deps.stage, attempts: attempt, elapsedMs },
            },
          );
        }
        metrics.retries.inc({ stage: deps.stage });
        log.warn({ err, attempt, delayMs: delay }, 'retriable failure, retrying batch');
        await heartbeat().catch(() => {});
        await sleep(delay * (0.5 + Math.random()));
        delay = Math.min(delay * 2, deps.retryMaxMs ?? 5000);
      }
    }
  }

  /** One partition's slice of a fetch, waiting for the next flush. */
  interface Chunk {
    topic: string;
    partition: number;
    messages: KafkaMessage[];
    heartbeat: () => Promise<void>;
    resolve: () => void;
    reject: (err: unknown) => void;
  }

  async function decodeChunk(c: Chunk, good: StageRecord<T>[], dead: DeadLetter[]): Promise<void> {
    for (const m of c.messages) {
      if (m.value === null) {
        metrics.tombstones.inc({ stage: deps.stage, topic: c.topic });
        continue;
      }
      try {
        const value = await deps.decoder.decode(m.value);
        const problems = deps.check?.(value) ?? [];
        if (problems.length > 0) {
          dead.push(
            toDeadLetter(
              deps.stage,
              sourceOf(c, m),
              new HarkError(
                'HARK_STAGE_INVALID_RECORD',
                `record breaks the event contract: ${problems.join('; ')}`,
                { context: { problems: [...problems] } },
              ),
            ),
          );
          continue;
        }
        good.push({
          topic: c.topic,
          partition: c.partition,
          offset: m.offset,
          key: m.key,
          value,
          headers: m.headers ?? {},
          timestamp: m.timestamp,
        });
      } catch (err) {
        if (!isHarkError(err) || err.retriable) throw err;
        dead.push(toDeadLetter(deps.stage, sourceOf(c, m), err));
      }
    }
  }

  /** Decode, handle and produce the chunks of every partition in one go: one handler call, one send. */
  async function processChunks(chunks: Chunk[]): Promise<void> {
    const started = process.hrtime.bigint();
    const good: StageRecord<T>[] = [];
    const dead: DeadLetter[] = [];
    for (const c of chunks) await decodeChunk(c, good, dead);
    const result: BatchResult<T> = good.length > 0 ? await deps.handle(good) : { outputs: [] };
    for (const f of result.failures ?? []) {
      const { topic, partition, offset } = f.record;
      const c = chunks.find((x) => x.topic === topic && x.partition === partition)!;
      const m = c.messages.find((x) => x.offset === offset)!;
      dead.push(toDeadLetter(deps.stage, sourceOf(c, m), f.error));
    }
    const outputs = [...result.outputs];
    for (const d of dead) {
      outputs.push({ topic: deps.dlq.topic, key: d.key, value: deps.dlq.encode(d) });
      log.warn(
        {
          topic: d.sourceTopic,
          partition: d.sourcePartition,
          offset: d.sourceOffset,
          code: d.errorCode,
          reason: d.errorMessage,
        },
        'record sent to dlq',
      );
    }
    if (outputs.length > 0) await send(outputs);
    for (const c of chunks)
      metrics.recordsIn.inc({ stage: deps.stage, topic: c.topic }, c.messages.length);
    for (const d of dead) metrics.deadLetters.inc({ stage: deps.stage, code: d.errorCode });
    metrics.batchSeconds.observe(
      { stage: deps.stage },
      Number(process.hrtime.bigint() - started) / 1e9,
    );
  }

  async function send(outputs: OutputRecord[]): Promise<void> {
    const byTopic = new Map<
      string,
      {
        key: string | Buffer | null;
        value: Buffer | null;
        headers?: Record<string, string | Buffer>;
      }[]
    >();
    for (const o of outputs) {
      let list = byTopic.get(o.topic);
      if (!list) byTopic.set(o.topic, (list = []));
      list.push({ key: o.key, value: o.value, headers: o.headers });
    }
    try {
      await deps.producer.sendBatch({
        acks: -1,
        timeout: 30_000,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    } catch (err) {
      throw new HarkError('HARK_KAFKA_UNAVAILABLE', `produce failed: ${(err as Error).message}`, {
        cause: err,
        context: { stage: deps.stage },
      });
    }
    for (const [topic, messages] of byTopic)
      metrics.recordsOut.inc({ stage: deps.stage, topic }, messages.length);
  }

  // kafkajs hands each partition of a fetch to its own eachBatch call, all at once (one per
  // worker, `partitionsConsumedConcurrently` of them). Processing them one by one would pay a
  // handler call, a produce request and an offset commit per partition: at a few thousand
  // records/s that per-request cost, in this process and in the broker, is most of the CPU.
  // So the calls queue their chunk here and one flush handles every queued chunk together,
  // then commits all their offsets in one request. A partition has at most one chunk queued
  // (its eachBatch waits for it), so per-partition order holds.
  let queued: Chunk[] = [];
  let flushing = false;

  function enqueue(c: Omit<Chunk, 'resolve' | 'reject'>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      queued.push({ ...c, resolve, reject });
      if (!flushing) {
        flushing = true;
        // setImmediate: the other partitions of the same fetch enqueue before the flush starts.
        setImmediate(() => void flush());
      }
    });
  }

  async function flush(): Promise<void> {
    while (queued.length > 0) {
      const chunks = queued;
      queued = [];
      busy = true;
      try {
        const beat = async () => {
          await Promise.all(chunks.map((c) => c.heartbeat()));
        };
        await withRetries(() => processChunks(chunks), beat);
        kafkaFailing = false;
        // Committed only after every output of the chunks was acknowledged (acks=all) above.
        await consumer.commitOffsets(
          chunks.map((c) => ({
            topic: c.topic,
            partition: c.partition,
            offset: (BigInt(c.messages[c.messages.length - 1]!.offset) + 1n).toString(),
          })),
        );
        for (const c of chunks) c.resolve();
      } catch (err) {
        for (const c of chunks) c.reject(err);
      } finally {
        busy = false;
      }
    }
    flushing = false;
  }

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat, resolveOffset, isRunning, isStale } = payload;
    for (let i = 0; i < batch.messages.length; i += maxBatch) {
      if (!isRunning() || isStale()) return;
      const chunk = batch.messages.slice(i, i + maxBatch);
      await enqueue({ topic: batch.topic, partition: batch.partition, messages: chunk, heartbeat });
      resolveOffset(chunk[chunk.length - 1]!.offset);
      await heartbeat();
    }
    const labels = { topic: batch.topic, partition: String(batch.partition) };
    lagSeries.set(`${labels.topic}:${labels.partition}`, labels);
    metrics.lag.set({ stage: deps.stage, ...labels }, Number(batch.offsetLag()));
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
    isReady: () => ready && !kafkaFailing && (busy || Date.now() - lastContact < staleAfterMs),
    async start() {
      await consumer.connect();
      for (const topic of deps.topics)
        await consumer.subscribe({ topic, fromBeginning: deps.fromBeginning ?? true });
      await consumer.run(runOptions);
      log.info({ topics: deps.topics, groupId: deps.groupId }, 'stage started');
    },
    async close() {
      ready = false;
      closing = true;
      clearTimeout(restartTimer);
      await consumer.disconnect();
      log.info('stage stopped');
    },
  };
}

function sourceOf(c: { topic: string; partition: number }, m: KafkaMessage) {
  return {
    topic: c.topic,
    partition: c.partition,
    offset: m.offset,
    key: m.key,
    value: m.value,
    headers: m.headers ?? {},
  };
}

/** Builds the DLQ record for an input record: original bytes, where it came from, and why. */
export function toDeadLetter(
  stage: string,
  source: {
    topic: string;
    partition: number;
    offset: string;
    key: Buffer | null;
    value: Buffer | null;
    headers: IHeaders;
  },
  error: HarkError,
  attempts = 1,
): DeadLetter {
  const headers: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(source.headers)) {
    const last = Array.isArray(v) ? v[v.length - 1] : v;
    if (last !== undefined) headers[k] = Buffer.isBuffer(last) ? last : Buffer.from(String(last));
  }
  return {
    stage,
    sourceTopic: source.topic,
    sourcePartition: source.partition,
    sourceOffset: Number(source.offset),
    key: source.key,
    value: source.value,
    headers,
    errorCode: error.code,
    errorMessage: error.message,
    attempts,
    failedAt: Date.now(),
  };
}
