import { HarkError } from '@hark/errors';
import type { ProducerBatch, RecordMetadata } from 'kafkajs';
import type { Logger } from 'pino';
import { createCircuitBreaker, type CircuitState } from '../domain/circuit-breaker.ts';
import type { CollectorMetrics } from './collector-metrics.ts';

/** The part of a kafkajs Producer the publisher uses (a fake in unit tests). */
export interface ProducerLike {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]>;
}

export interface PublishRecord {
  topic: string;
  key: string | null;
  value: Buffer;
  /** Set on dead letters: their error code, counted in hark_dlq_records_total once acknowledged. */
  deadLetterCode?: string;
}

export interface Publisher {
  /** Connects the producer; a broker that is down now is not fatal, publish retries the connection. */
  start(): Promise<void>;
  /**
   * Resolves once Kafka acknowledged every record (acks=all). Rejects with a
   * retriable HARK_KAFKA_UNAVAILABLE (context.retryAfterMs) when it did not
   * within the send timeout, or at once while the circuit is open.
   */
  publish(records: readonly PublishRecord[]): Promise<void>;
  isConnected(): boolean;
  circuitState(): CircuitState;
  /** Lets queued records go out (bounded by the send timeout), then disconnects. */
  close(): Promise<void>;
}

export interface PublisherDeps {
  producer: ProducerLike;
  logger: Logger;
  metrics: CollectorMetrics;
  /** Longest a publish waits for its acknowledgement, queueing included. */
  sendTimeoutMs: number;
  /** How long to fail fast after a failure before probing the broker again. */
  circuitOpenMs: number;
  /** Bytes per produce request; below the broker's message.max.bytes (1 MiB by default). */
  maxRequestBytes?: number;
  /** Bytes waiting for the broker beyond which new publishes are refused at once. */
  maxQueuedBytes?: number;
  now?: () => number;
}

interface Ticket {
  remaining: number;
  settled: boolean;
  startedAt: number;
  resolve: () => void;
  reject: (err: HarkError) => void;
  timer: NodeJS.Timeout;
}

/** Records of one publish waiting for a request (a publish larger than a request is split). */
interface Queued {
  records: PublishRecord[];
  bytes: number[];
  size: number;
  ticket: Ticket;
}

/**
 * Publishes records with acks=all and answers within a bounded time.
 *
 * Concurrent publishes coalesce: while one produce request is in flight the
 * next records queue, and the next request takes all of them (up to
 * `maxRequestBytes`), so throughput grows with concurrency instead of being
 * capped by one round trip per HTTP request (the idempotent producer keeps
 * one request in flight per broker).
 *
 * A request that fails or outlasts `sendTimeoutMs` fails every record
 * waiting on it and opens the circuit: for `circuitOpenMs` publishes are
 * refused at once, then the next request is the probe. A timed-out request
 * may still be written later; its callers were told 503, retry, and the
 * deterministic key makes the retry the same mention downstream.
 */
export function createKafkaPublisher(deps: PublisherDeps): Publisher {
  const log = deps.logger.child({ component: 'kafka-publisher' });
  const now = deps.now ?? Date.now;
  const maxRequestBytes = deps.maxRequestBytes ?? 900_000;
  const maxQueuedBytes = deps.maxQueuedBytes ?? 64 * 1024 * 1024;
  const circuit = createCircuitBreaker({ openMs: deps.circuitOpenMs });
  const queue: Queued[] = [];
  let queuedBytes = 0;
  let inFlight = false;
  let connected = false;
  let connecting: Promise<void> | undefined;
  let closing = false;
  let drained: (() => void) | undefined;

  function unavailable(message: string, retryAfterMs: number, cause?: unknown): HarkError {
    return new HarkError('HARK_KAFKA_UNAVAILABLE', message, {
      cause,
      context: { retryAfterMs: Math.max(1000, retryAfterMs) },
    });
  }

  function settle(ticket: Ticket, err?: HarkError): void {
    if (ticket.settled) return;
    ticket.settled = true;
    clearTimeout(ticket.timer);
    const seconds = (now() - ticket.startedAt) / 1000;
    if (err) {
      deps.metrics.produceSeconds.observe({ outcome: 'failed' }, seconds);
      ticket.reject(err);
    } else {
      deps.metrics.produceSeconds.observe({ outcome: 'ok' }, seconds);
      ticket.resolve();
    }
  }

  function dropQueued(predicate: (q: Queued) => boolean): void {
    for (let i = queue.length - 1; i >= 0; i--) {
      if (predicate(queue[i]!)) {
        queuedBytes -= queue[i]!.size;
        queue.splice(i, 1);
      }
    }
  }

  /** Takes queued records for one request: whole publishes while they fit, splitting one that does not. */
  function takeBatch(): Queued[] {
    const batch: Queued[] = [];
    let room = maxRequestBytes;
    while (queue.length > 0) {
      const head = queue[0]!;
      if (head.ticket.settled) {
        queue.shift();
        queuedBytes -= head.size;
        continue;
      }
      if (head.size <= room) {
        queue.shift();
        queuedBytes -= head.size;
        batch.push(head);
        room -= head.size;
        continue;
      }
      // Split the head: as many of its records as fit (at least one when the request is empty).
      let n = 0;
      let size = 0;
      while (
        n < head.records.length &&
        (size + head.bytes[n]! <= room || (n === 0 && batch.length === 0))
      ) {
        size += head.bytes[n]!;
        n++;
      }
      if (n > 0) {
        batch.push({
          records: head.records.splice(0, n),
          bytes: head.bytes.splice(0, n),
          size,
          ticket: head.ticket,
        });
        head.size -= size;
        queuedBytes -= size;
      }
      break;
    }
    return batch;
  }

  function ensureConnected(): Promise<void> {
    if (connected) return Promise.resolve();
    connecting ??= deps.producer.connect().then(
      () => {
        connected = true;
        connecting = undefined;
        log.info('producer connected');
      },
      (err: unknown) => {
        connecting = undefined;
        throw err;
      },
    );
    return connecting;
  }

  function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no acknowledgement within ${ms} ms`)), ms);
      }),
    ]).finally(() => clearTimeout(timer));
  }

  async function flush(): Promise<void> {
    if (inFlight) return;
    while (queue.length > 0) {
      if (!circuit.canAttempt(now())) {
        const err = unavailable('Kafka is unavailable (failing fast)', circuit.retryAfterMs(now()));
        for (const q of queue.splice(0)) settle(q.ticket, err);
        queuedBytes = 0;
        break;
      }
      const batch = takeBatch();
      if (batch.length === 0) continue;
      inFlight = true;
      try {
        await withTimeout(
          ensureConnected().then(() => deps.producer.sendBatch(toBatch(batch, deps.sendTimeoutMs))),
          deps.sendTimeoutMs,
        );
        if (circuit.state(now()) !== 'closed') log.info('Kafka acknowledged again; circuit closed');
        circuit.recordSuccess();
        deps.metrics.kafkaCircuitOpen.set(0);
        for (const q of batch) {
          q.ticket.remaining -= q.records.length;
          if (q.ticket.remaining === 0) settle(q.ticket);
        }
      } catch (cause) {
        circuit.recordFailure(now());
        deps.metrics.kafkaCircuitOpen.set(1);
        log.warn(
          { err: cause, records: batch.length, circuitOpenMs: deps.circuitOpenMs },
          'produce failed; failing fast until the next probe',
        );
        const err = unavailable(
          `Kafka did not acknowledge: ${(cause as Error).message}`,
          deps.circuitOpenMs,
          cause,
        );
        for (const q of batch) settle(q.ticket, err);
        for (const q of queue.splice(0)) settle(q.ticket, err);
        queuedBytes = 0;
      } finally {
        inFlight = false;
      }
    }
    if (queue.length === 0 && drained) drained();
  }

  return {
    async start() {
      try {
        await withTimeout(ensureConnected(), deps.sendTimeoutMs);
      } catch (err) {
        log.warn({ err }, 'Kafka is not reachable yet; publishes answer 503 until it is');
      }
    },

    publish(records) {
      if (records.length === 0) return Promise.resolve();
      const t = now();
      if (closing) return Promise.reject(unavailable('collector is shutting down', 1000));
      if (!circuit.canAttempt(t)) {
        return Promise.reject(
          unavailable('Kafka is unavailable (failing fast)', circuit.retryAfterMs(t)),
        );
      }
      const bytes = records.map((r) => r.value.length + (r.key?.length ?? 0) + 64);
      const size = bytes.reduce((n, b) => n + b, 0);
      if (queuedBytes + size > maxQueuedBytes && queuedBytes > 0) {
        return Promise.reject(unavailable('too many records are waiting for Kafka', 1000));
      }
      return new Promise<void>((resolve, reject) => {
        const ticket: Ticket = {
          remaining: records.length,
          settled: false,
          startedAt: t,
          resolve,
          reject,
          timer: setTimeout(() => {
            dropQueued((q) => q.ticket === ticket);
            settle(
              ticket,
              unavailable(
                `Kafka did not acknowledge within ${deps.sendTimeoutMs} ms`,
                deps.circuitOpenMs,
              ),
            );
          }, deps.sendTimeoutMs + 250),
        };
        queue.push({ records: [...records], bytes, size, ticket });
        queuedBytes += size;
        void flush();
      });
    },

    isConnected: () => connected,
    circuitState: () => circuit.state(now()),

    async close() {
      closing = true;
      if (queue.length > 0 || inFlight) {
        await withTimeout(
          new Promise<void>((resolve) => {
            drained = resolve;
          }),
          deps.sendTimeoutMs + 500,
        ).catch(() => log.warn({ queued: queue.length }, 'records still queued at shutdown'));
      }
      connected = false;
      await deps.producer.disconnect();
    },
  };
}

function toBatch(batch: Queued[], timeoutMs: number): ProducerBatch {
  const byTopic = new Map<string, { key: string | null; value: Buffer }[]>();
  for (const { records } of batch) {
    for (const record of records) {
      let list = byTopic.get(record.topic);
      if (!list) byTopic.set(record.topic, (list = []));
      list.push({ key: record.key, value: record.value });
    }
  }
  return {
    acks: -1,
    timeout: timeoutMs,
    topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
  };
}
