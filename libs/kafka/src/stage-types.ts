import type { HarkError } from '@hark/errors';
import type { DeadLetter } from '@hark/events';
import type { Consumer, IHeaders, Kafka, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Decoder, Encoder } from './avro-serde.ts';

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
  /**
   * The value's bytes as consumed, before decoding. The stage sets it on every record it hands
   * to a handler; a failure returned for the record (or a `{ ...record, value }` copy of it)
   * dead-letters exactly these bytes.
   */
  raw?: Buffer;
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
 * error to retry the batch (partition by partition when it spans several);
 * any other throw stops the consumer.
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
   * How a fetch waits for records: the broker answers once `minBytes` are there or after
   * `maxWaitTimeInMs`, whichever comes first. Defaults in `createStage`.
   */
  fetch?: { minBytes?: number; maxWaitTimeInMs?: number };
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
