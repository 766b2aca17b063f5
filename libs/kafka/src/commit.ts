import type { Chunk } from './partition-queue.ts';

export interface OffsetToCommit {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * The offsets that commit a set of processed chunks: per chunk, its last message's offset + 1
 * (Kafka's committed offset is the next record to read). Computed with BigInt since offsets
 * they may exceed 2^53.
 */
export function offsetsToCommit(chunks: readonly Chunk[]): OffsetToCommit[] {
  return chunks.map((c) => ({
    topic: c.topic,
    partition: c.partition,
    offset: (BigInt(c.messages[c.messages.length - 1]!.offset) + 1n).toString(),
  }));
}
