import type { HarkError } from '@hark/errors';
import type { DeadLetter } from '@hark/events';
import type { IHeaders } from 'kafkajs';
import type { Chunk } from './partition-queue.ts';
import type { BatchResult, StageRecord } from './stage-types.ts';

/** Where a dead letter comes from: the consumed record, its bytes as they were read. */
export interface DeadLetterSource {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
}

/** Builds the DLQ record for an input record: original bytes, where it came from, and why. */
export function toDeadLetter(
  stage: string,
  source: DeadLetterSource,
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

/**
 * The dead letters of the records a handler rejected, from the bytes each record carries.
 * A record without them was built by the handler instead of copied from its input; only then
 * is its message looked up in the chunks, by partition and offset.
 */
export function rejectedDeadLetters<T>(
  stage: string,
  failures: BatchResult<T>['failures'],
  chunks: readonly Chunk[],
  into: DeadLetter[],
): void {
  if (!failures) return;
  for (const { record, error } of failures) {
    const value = record.raw ?? consumedBytesOf(record, chunks);
    into.push(
      toDeadLetter(
        stage,
        {
          topic: record.topic,
          partition: record.partition,
          offset: record.offset,
          key: record.key,
          value,
          headers: record.headers,
        },
        error,
      ),
    );
  }
}

function consumedBytesOf(record: StageRecord<unknown>, chunks: readonly Chunk[]): Buffer | null {
  for (const c of chunks) {
    if (c.topic !== record.topic || c.partition !== record.partition) continue;
    const m = c.messages.find((x) => x.offset === record.offset);
    if (m) return m.value;
  }
  return null;
}
