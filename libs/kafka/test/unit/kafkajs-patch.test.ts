import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// patches/kafkajs+2.2.4.patch rewrites kafkajs's produce encoding for CPU (no zero-filled or
// regrown buffers, varints written in place, crc32c sliced by 8). These pin it to the bytes
// unpatched kafkajs 2.2.4 wrote for the same request, and crc32c to its reference values.
const require = createRequire(import.meta.url);
type Encoded = { buffer: Buffer };
const produceRequest = require('kafkajs/src/protocol/requests/produce/v3/request.js') as (
  args: object,
) => object;
const frame = require('kafkajs/src/protocol/request.js') as (args: object) => Promise<Encoded>;
const Long = require('kafkajs/src/utils/long.js') as { fromNumber(n: number): unknown };
const crc32c = require('kafkajs/src/protocol/recordBatch/crc32C/index.js') as (b: Buffer) => number;
const groupMessagesPerPartition = require('kafkajs/src/producer/groupMessagesPerPartition.js') as (
  args: object,
) => Record<string, unknown[]>;

/** Three partitions: null keys and values, headers, values up to 3 KB, a 3·10⁹ ms timestamp delta. */
function goldenPartitions() {
  return [0, 1, 2].map((partition) => ({
    partition,
    firstSequence: 7 * partition,
    messages: Array.from({ length: 40 + partition * 17 }, (_, i) => ({
      key: i % 9 === 0 ? null : Buffer.from(`key-${partition}-${i}`),
      value: i % 13 === 0 ? null : Buffer.alloc((i * 97) % 3000, i),
      headers: i % 5 === 0 ? { trace: `t${i}`, bytes: Buffer.from([i, 0, 255]) } : undefined,
      timestamp: 1_700_000_000_000 + (i === 30 ? 3_000_000_000 : i * 1234567),
    })),
  }));
}

describe('the kafkajs patch', () => {
  it('is applied to the installed kafkajs (npm install runs patch-package)', () => {
    const source = readFileSync(require.resolve('kafkajs/src/protocol/encoder.js'), 'utf8');
    expect(source).toContain('Buffer.allocUnsafe(Encoder.nextPowerOfTwo(initialSize))');
  });

  it('encodes a produce request byte for byte as unpatched kafkajs 2.2.4', async () => {
    const request = produceRequest({
      acks: -1,
      timeout: 30_000,
      producerId: Long.fromNumber(123456789),
      producerEpoch: 3,
      topicData: [{ topic: 'golden', partitions: goldenPartitions() }],
    });
    const { buffer } = await frame({ correlationId: 42, clientId: 'hark', request });
    expect(buffer.length).toBe(208515);
    expect(createHash('sha256').update(buffer).digest('hex')).toBe(
      '6d9aa077ad632aad7febd0c2a28ca146dfd7101ec9ff103a0cfbc682f02d3819',
    );
  });

  it.each([
    ['the CRC-32C check string', Buffer.from('123456789'), 0xe3069283],
    ['100 kB of 7s', Buffer.alloc(100_000, 7), 0xb40da295],
    ['nothing', Buffer.alloc(0), 0],
  ])('crc32c of %s is the reference value', (_, bytes, crc) => {
    expect(crc32c(bytes)).toBe(crc);
  });

  it('crc32c sliced by 8 agrees with the bytewise table on every length and offset', () => {
    const table = Array.from({ length: 256 }, (_, n) => {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
      return c >>> 0;
    });
    const bytewise = (b: Buffer) => {
      let c = 0xffffffff;
      for (const x of b) c = table[(c ^ x) & 0xff]! ^ (c >>> 8);
      return (c ^ 0xffffffff) >>> 0;
    };
    const data = createHash('sha512').update('hark').digest();
    for (let start = 0; start < 9; start++)
      for (let end = start; end <= data.length; end++)
        expect(crc32c(data.subarray(start, end))).toBe(bytewise(data.subarray(start, end)));
  });

  it('groups messages per partition in order', () => {
    const messages = Array.from({ length: 10 }, (_, i) => ({ value: String(i) }));
    const grouped = groupMessagesPerPartition({
      topic: 't',
      partitionMetadata: [{ partitionId: 0 }, { partitionId: 1 }],
      messages,
      partitioner: ({ message }: { message: { value: string } }) => Number(message.value) % 3,
    });
    expect(grouped).toEqual({
      0: [messages[0], messages[3], messages[6], messages[9]],
      1: [messages[1], messages[4], messages[7]],
      2: [messages[2], messages[5], messages[8]],
    });
  });
});
