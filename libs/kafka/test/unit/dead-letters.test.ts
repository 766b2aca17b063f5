import { HarkError } from '@hark/errors';
import type { DeadLetter } from '@hark/events';
import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { rejectedDeadLetters, toDeadLetter } from '../../src/dead-letters.ts';
import type { Chunk } from '../../src/partition-queue.ts';
import type { StageRecord } from '../../src/stage-types.ts';

const error = new HarkError('HARK_STAGE_PROCESSING_FAILED', 'rejected on purpose');

const record = (over: Partial<StageRecord<string>> = {}): StageRecord<string> => ({
  topic: 'in',
  partition: 1,
  offset: '7',
  key: Buffer.from('author-1'),
  value: 'decoded',
  headers: { trace: 'abc' },
  timestamp: '0',
  raw: Buffer.from([0, 0, 0, 0, 1, 0xde, 0xad]),
  ...over,
});

describe('toDeadLetter', () => {
  it('keeps the source, the bytes and the reason; headers become buffers (the last of a repeated one)', () => {
    const letter = toDeadLetter(
      'scoring',
      {
        topic: 'in',
        partition: 2,
        offset: '42',
        key: null,
        value: Buffer.from('x'),
        headers: { a: 'one', b: [Buffer.from('first'), Buffer.from('last')], c: undefined },
      },
      error,
      3,
    );
    expect(letter).toMatchObject({
      stage: 'scoring',
      sourceTopic: 'in',
      sourcePartition: 2,
      sourceOffset: 42,
      key: null,
      value: Buffer.from('x'),
      headers: { a: Buffer.from('one'), b: Buffer.from('last') },
      errorCode: 'HARK_STAGE_PROCESSING_FAILED',
      errorMessage: 'rejected on purpose',
      attempts: 3,
    });
    expect(Object.keys(letter.headers)).toEqual(['a', 'b']);
  });
});

describe('rejectedDeadLetters', () => {
  it('a rejected record reaches its dead letter with its raw bytes unchanged, without looking at the chunks', () => {
    const r = record();
    const dead: DeadLetter[] = [];
    rejectedDeadLetters('scoring', [{ record: r, error }], [], dead);
    expect(dead).toHaveLength(1);
    expect(dead[0]!.value).toBe(r.raw);
    expect(dead[0]).toMatchObject({
      sourceTopic: 'in',
      sourcePartition: 1,
      sourceOffset: 7,
      key: Buffer.from('author-1'),
      headers: { trace: Buffer.from('abc') },
      errorCode: 'HARK_STAGE_PROCESSING_FAILED',
    });
  });

  it('a copy the handler made with { ...record, value } keeps the raw bytes', () => {
    const r = record();
    const dead: DeadLetter[] = [];
    rejectedDeadLetters('scoring', [{ record: { ...r, value: 'decrypted' }, error }], [], dead);
    expect(dead[0]!.value).toBe(r.raw);
  });

  it('a record the handler built without raw bytes gets them from its own partition, not another with the same offset', () => {
    const chunk = (partition: number, bytes: string): Chunk => ({
      topic: 'in',
      partition,
      messages: [{ offset: '7', value: Buffer.from(bytes) } as KafkaMessage],
      heartbeat: async () => {},
    });
    const dead: DeadLetter[] = [];
    rejectedDeadLetters(
      'scoring',
      [{ record: record({ raw: undefined }), error }],
      [chunk(0, 'partition 0'), chunk(1, 'partition 1')],
      dead,
    );
    expect(dead[0]!.value).toEqual(Buffer.from('partition 1'));
  });

  it('no failures, no dead letters', () => {
    const dead: DeadLetter[] = [];
    rejectedDeadLetters('scoring', undefined, [], dead);
    expect(dead).toEqual([]);
  });
});
