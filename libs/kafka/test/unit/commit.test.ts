import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { offsetsToCommit } from '../../src/commit.ts';
import type { Chunk } from '../../src/partition-queue.ts';

const chunk = (topic: string, partition: number, offsets: string[]): Chunk => ({
  topic,
  partition,
  messages: offsets.map((offset) => ({ offset }) as KafkaMessage),
  heartbeat: async () => {},
});

describe('offsetsToCommit', () => {
  it.each([
    ['one record', [chunk('t', 0, ['0'])], [{ topic: 't', partition: 0, offset: '1' }]],
    [
      'the last offset of each chunk + 1, per partition',
      [chunk('t', 0, ['5', '6', '7']), chunk('t', 2, ['40', '41']), chunk('u', 0, ['9'])],
      [
        { topic: 't', partition: 0, offset: '8' },
        { topic: 't', partition: 2, offset: '42' },
        { topic: 'u', partition: 0, offset: '10' },
      ],
    ],
    [
      'gaps in the offsets (compaction, transaction markers): still the last one + 1',
      [chunk('t', 1, ['3', '10', '17'])],
      [{ topic: 't', partition: 1, offset: '18' }],
    ],
    [
      'an offset beyond 2^53 stays exact',
      [chunk('t', 0, ['9007199254740993'])],
      [{ topic: 't', partition: 0, offset: '9007199254740994' }],
    ],
  ])('%s', (_, chunks, want) => {
    expect(offsetsToCommit(chunks)).toEqual(want);
  });
});
