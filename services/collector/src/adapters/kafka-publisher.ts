import type { HarkError } from '@hark/errors';
import type { ProducerBatch, RecordMetadata } from 'kafkajs';
import type { Logger } from 'pino';
import type { CircuitState } from '../domain/circuit-breaker.ts';
import {
  createPublishQueue,
  measureRecords,
  type QueuedPart,
  type RecordSizes,
} from '../domain/publish-queue.ts';
import type { CollectorMetrics } from './collector-metrics.ts';
import { createKafkaCircuit, kafkaUnavailable as unavailable } from './kafka-circuit.ts';
import { createTickets, type Ticket } from './publish-tickets.ts';

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

type Part = QueuedPart<PublishRecord, Ticket>;

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
  const circuit = createKafkaCircuit({ openMs: deps.circuitOpenMs, metrics: deps.metrics, log });
  const queue = createPublishQueue<PublishRecord, Ticket>();
  const connection = createProducerConnection(deps.producer, log);
  const tickets = createTickets({ metrics: deps.metrics, now });
  let inFlight = false;
  let closing = false;
  let drained: (() => void) | undefined;

  function failWaiting(err: HarkError, parts: readonly Part[] = []): void {
    for (const q of parts) tickets.settle(q.ticket, err);
    for (const ticket of queue.clear()) tickets.settle(ticket, err);
  }

  /** Why a publish is refused at once, before it queues; undefined when it may queue. */
  function refusal(t: number, size: number): HarkError | undefined {
    if (closing) return unavailable('collector is shutting down', 1000);
    const open = circuit.failFast(t);
    if (open) return open;
    if (queue.bytes + size > maxQueuedBytes && queue.bytes > 0)
      return unavailable('too many records are waiting for Kafka', 1000);
    return undefined;
  }

  /** One produce request; its callers hear of it only through the acknowledgement or the failure. */
  async function send(parts: Part[]): Promise<void> {
    try {
      await connection.send(toBatch(parts, deps.sendTimeoutMs), deps.sendTimeoutMs);
    } catch (cause) {
      failWaiting(circuit.failed(cause, now(), { records: parts.length }), parts);
      return;
    }
    circuit.succeeded(now());
    // A publish resolves when its last record is acknowledged, never before (acks=all).
    for (const q of parts) tickets.acknowledge(q.ticket, q.records.length);
  }

  async function flush(): Promise<void> {
    if (inFlight) return;
    while (queue.length > 0) {
      const open = circuit.failFast(now());
      if (open) {
        failWaiting(open);
        break;
      }
      const parts = queue.take(maxRequestBytes);
      if (parts.length === 0) continue;
      inFlight = true;
      try {
        await send(parts);
      } finally {
        inFlight = false;
      }
    }
    if (queue.length === 0 && drained) drained();
  }

  function enqueue(
    records: readonly PublishRecord[],
    sizes: RecordSizes,
    t: number,
  ): Promise<void> {
    // A little after the send timeout, so a request that times out answers first, with its cause.
    const { ticket, done } = tickets.open(records.length, t, deps.sendTimeoutMs + 250, (late) => {
      queue.drop(late);
      const message = `Kafka did not acknowledge within ${deps.sendTimeoutMs} ms`;
      tickets.settle(late, unavailable(message, deps.circuitOpenMs));
    });
    queue.push([...records], sizes, ticket);
    void flush();
    return done;
  }

  return {
    start: () => connection.tryConnect(deps.sendTimeoutMs),

    publish(records) {
      if (records.length === 0) return Promise.resolve();
      const t = now();
      const sizes = measureRecords(records);
      const refused = refusal(t, sizes.size);
      return refused ? Promise.reject(refused) : enqueue(records, sizes, t);
    },

    isConnected: () => connection.connected,
    circuitState: () => circuit.state(now()),

    async close() {
      closing = true;
      if (queue.length > 0 || inFlight) {
        const drain = new Promise<void>((resolve) => (drained = resolve));
        await withTimeout(drain, deps.sendTimeoutMs + 500).catch(() =>
          log.warn({ queued: queue.length }, 'records still queued at shutdown'),
        );
      }
      await connection.disconnect();
    },
  };
}

/** Connects once, shared by concurrent callers; a failed attempt lets the next call try again. */
function createProducerConnection(producer: ProducerLike, log: Logger) {
  let connected = false;
  let connecting: Promise<void> | undefined;

  function ensure(): Promise<void> {
    if (connected) return Promise.resolve();
    connecting ??= producer.connect().then(
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

  return {
    get connected() {
      return connected;
    },
    /** A broker that is down now is not fatal: publishes answer 503 and retry the connection. */
    async tryConnect(timeoutMs: number): Promise<void> {
      try {
        await withTimeout(ensure(), timeoutMs);
      } catch (err) {
        log.warn({ err }, 'Kafka is not reachable yet; publishes answer 503 until it is');
      }
    },
    /** One produce request, answered within `timeoutMs` (connecting included) or failed. */
    send(batch: ProducerBatch, timeoutMs: number): Promise<RecordMetadata[]> {
      return withTimeout(
        ensure().then(() => producer.sendBatch(batch)),
        timeoutMs,
      );
    },
    async disconnect(): Promise<void> {
      connected = false;
      await producer.disconnect();
    },
  };
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

/**
 * A PublishRecord has the shape of a kafkajs message, so it is passed as it is (kafkajs
 * ignores `topic` and `deadLetterCode`, as the stage runtime's produce step relies on too).
 */
function toBatch(parts: readonly Part[], timeoutMs: number): ProducerBatch {
  const byTopic = new Map<string, PublishRecord[]>();
  for (const { records } of parts) {
    for (const record of records) {
      let list = byTopic.get(record.topic);
      if (!list) byTopic.set(record.topic, (list = []));
      list.push(record);
    }
  }
  return {
    acks: -1,
    timeout: timeoutMs,
    topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
  };
}
