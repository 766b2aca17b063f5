import { HarkError } from '@hark/errors';
import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import type { Decoder } from '../../src/avro-serde.ts';
import { decodeChunk } from '../../src/decode-chunk.ts';
import type { Chunk } from '../../src/partition-queue.ts';

/** Bytes "n:<number>" decode to the number; "garbage" is not framed; "outage" finds the registry down. */
const decoder: Decoder<number> = {
  async decode(buf) {
    const text = buf.toString();
    if (text === 'outage') throw new HarkError('HARK_REGISTRY_UNAVAILABLE');
    if (!text.startsWith('n:')) throw new HarkError('HARK_SERDE_NOT_FRAMED');
    return Number(text.slice(2));
  },
};

function chunkOf(values: (string | null)[]): Chunk {
  return {
    topic: 'in',
    partition: 3,
    messages: values.map(
      (v, i) =>
        ({
          offset: String(10 + i),
          key: Buffer.from(`k${i}`),
          value: v === null ? null : Buffer.from(v),
          headers: { trace: Buffer.from(`t${i}`) },
          timestamp: '1700000000000',
          attributes: 0,
        }) as KafkaMessage,
    ),
    heartbeat: async () => {},
  };
}

const deps = { stage: 'test', decoder, check: (n: number) => (n < 0 ? ['must be ≥ 0'] : []) };

describe('decodeChunk', () => {
  it('decodes each record once and keeps its consumed bytes, key, headers and position', async () => {
    const chunk = chunkOf(['n:1', 'n:2']);
    const out = await decodeChunk(chunk, deps);
    expect(out.records).toEqual([
      {
        topic: 'in',
        partition: 3,
        offset: '10',
        key: Buffer.from('k0'),
        value: 1,
        headers: { trace: Buffer.from('t0') },
        timestamp: '1700000000000',
        raw: Buffer.from('n:1'),
      },
      expect.objectContaining({ offset: '11', value: 2, raw: Buffer.from('n:2') }),
    ]);
    expect(out.records[0]!.raw, 'the very buffer consumed, not a copy').toBe(
      chunk.messages[0]!.value,
    );
  });

  it.each([
    ['an undecodable record', ['n:1', 'garbage', 'n:3'], 'HARK_SERDE_NOT_FRAMED', 'garbage'],
    [
      'a record that breaks the event contract',
      ['n:1', 'n:-5', 'n:3'],
      'HARK_STAGE_INVALID_RECORD',
      'n:-5',
    ],
  ])(
    '%s becomes a dead letter with its original bytes; the others still decode',
    async (_, values, code, bytes) => {
      const out = await decodeChunk(chunkOf(values), deps);
      expect(out.records.map((r) => r.value)).toEqual([1, 3]);
      expect(out.dead).toEqual([
        expect.objectContaining({
          stage: 'test',
          sourceTopic: 'in',
          sourcePartition: 3,
          sourceOffset: 11,
          key: Buffer.from('k1'),
          value: Buffer.from(bytes),
          headers: { trace: Buffer.from('t1') },
          errorCode: code,
        }),
      ]);
    },
  );

  it('the contract problems are in the dead letter message', async () => {
    const out = await decodeChunk(chunkOf(['n:-1']), deps);
    expect(out.dead[0]!.errorMessage).toBe('record breaks the event contract: must be ≥ 0');
  });

  it('tombstones are counted and skipped, not dead-lettered', async () => {
    const out = await decodeChunk(chunkOf([null, 'n:2', null]), deps);
    expect(out).toMatchObject({ tombstones: 2, dead: [] });
    expect(out.records.map((r) => r.offset)).toEqual(['11']);
  });

  it('a retriable decode failure (the registry is down) throws for the caller to retry', async () => {
    await expect(decodeChunk(chunkOf(['n:1', 'outage']), deps)).rejects.toMatchObject({
      code: 'HARK_REGISTRY_UNAVAILABLE',
    });
  });

  it("uses the decoder's sync path when it answers, and awaits decode only when it does not", async () => {
    let awaited = 0;
    const mixed: Decoder<number> = {
      decode: async (buf) => {
        awaited++;
        return decoder.decode(buf);
      },
      // Known writer schema for "n:1" only.
      decodeSync: (buf) => (buf.toString() === 'n:1' ? 1 : undefined),
    };
    const out = await decodeChunk(chunkOf(['n:1', 'n:2', 'n:1']), {
      stage: 'test',
      decoder: mixed,
    });
    expect(out.records.map((r) => r.value)).toEqual([1, 2, 1]);
    expect(awaited).toBe(1);
  });

  it('a sync path that throws a serde error dead-letters the record like decode does', async () => {
    const strict: Decoder<number> = {
      decode: decoder.decode,
      decodeSync: (buf) => {
        if (buf.toString() === 'garbage') throw new HarkError('HARK_SERDE_NOT_FRAMED');
        return undefined;
      },
    };
    const out = await decodeChunk(chunkOf(['garbage', 'n:2']), { stage: 'test', decoder: strict });
    expect(out.dead.map((d) => d.errorCode)).toEqual(['HARK_SERDE_NOT_FRAMED']);
    expect(out.records.map((r) => r.value)).toEqual([2]);
  });

  it('a failure that is not a hark error (a bug) throws instead of dead-lettering', async () => {
    const buggy: Decoder<number> = {
      decode: async () => {
        throw new TypeError('bug');
      },
    };
    await expect(decodeChunk(chunkOf(['n:1']), { stage: 'test', decoder: buggy })).rejects.toThrow(
      'bug',
    );
  });
});
