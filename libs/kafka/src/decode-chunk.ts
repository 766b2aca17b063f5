import { HarkError, isHarkError } from '@hark/errors';
import type { DeadLetter } from '@hark/events';
import type { KafkaMessage } from 'kafkajs';
import type { Decoder } from './avro-serde.ts';
import { toDeadLetter } from './dead-letters.ts';
import type { Chunk } from './partition-queue.ts';
import type { StageRecord } from './stage-types.ts';

export interface DecodedChunk<T> {
  /** The records the handler gets, in offset order, each with its consumed bytes in `raw`. */
  records: StageRecord<T>[];
  /** Records that did not decode or broke the event contract. */
  dead: DeadLetter[];
  /** Records with a null value, skipped. */
  tombstones: number;
}

export interface DecodeDeps<T> {
  stage: string;
  decoder: Decoder<T>;
  check?: (value: T) => readonly string[];
}

/**
 * Decodes a chunk once. A record that cannot be decoded (a non-retriable serde error) or that
 * breaks the event contract becomes a dead letter with its original bytes; a retriable error
 * (the registry is down) throws, for the caller to retry the chunk.
 */
export async function decodeChunk<T>(chunk: Chunk, deps: DecodeDeps<T>): Promise<DecodedChunk<T>> {
  const out: DecodedChunk<T> = { records: [], dead: [], tombstones: 0 };
  for (const m of chunk.messages) {
    const raw = m.value;
    if (raw === null) {
      out.tombstones++;
      continue;
    }
    let value: T;
    let problems: readonly string[] | undefined;
    try {
      // Most records need no I/O to decode: no promise for them on the hot path.
      const known = deps.decoder.decodeSync?.(raw);
      value = known !== undefined ? known : await deps.decoder.decode(raw);
      problems = deps.check?.(value);
    } catch (err) {
      if (!isHarkError(err) || err.retriable) throw err;
      out.dead.push(toDeadLetter(deps.stage, sourceOf(chunk, m), err));
      continue;
    }
    if (problems !== undefined && problems.length > 0) {
      const error = new HarkError(
        'HARK_STAGE_INVALID_RECORD',
        `record breaks the event contract: ${problems.join('; ')}`,
        { context: { problems: [...problems] } },
      );
      out.dead.push(toDeadLetter(deps.stage, sourceOf(chunk, m), error));
      continue;
    }
    out.records.push({
      topic: chunk.topic,
      partition: chunk.partition,
      offset: m.offset,
      key: m.key,
      value,
      headers: m.headers ?? {},
      timestamp: m.timestamp,
      raw,
    });
  }
  return out;
}

function sourceOf(c: Chunk, m: KafkaMessage) {
  return {
    topic: c.topic,
    partition: c.partition,
    offset: m.offset,
    key: m.key,
    value: m.value,
    headers: m.headers ?? {},
  };
}
