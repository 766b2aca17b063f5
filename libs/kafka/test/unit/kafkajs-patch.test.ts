import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeGolden, goldenFetch, loadKafkajs, toPlain } from './kafkajs-fetch-fixture.ts';

// patches/kafkajs+2.2.4.patch rewrites kafkajs's produce encoding for CPU (no zero-filled or
// regrown buffers, varints written in place, crc32c sliced by 8). These pin it to the bytes
// unpatched kafkajs 2.2.4 wrote for the same request, and crc32c to its reference values.
// It also rewrites the consume path (records decoded in place, int64 sums as numbers when
// safe): pinned to what unpatched 2.2.4 decoded from the same fetch response.
const require = createRequire(import.meta.url);
type Encoded = { buffer: Buffer };
const produceRequest = require('kafkajs/src/protocol/requests/produce/v3/request.js') as (
  args: object,
) => object;
const frame = require('kafkajs/src/protocol/request.js') as (args: object) => Promise<Encoded>;
const Long = require('kafkajs/src/utils/long.js') as { fromNumber(n: number): unknown };
const crc32c = require('kafkajs/src/protocol/recordBatch/crc32C/index.js') as (b: Buffer) => number;
const Encoder = require('kafkajs/src/protocol/encoder.js') as new () => {
  writeVarLong(v: unknown): { buffer: Buffer };
};
const Decoder = require('kafkajs/src/protocol/decoder.js') as new (b: Buffer) => {
  offset: number;
  readVarLong(): { value: bigint };
  readVarLongValue(): number | bigint;
};
const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as new (args: object) => {
  push(r: object): void;
  fulfillRequest(r: { correlationId: number; payload: Buffer; size: number }): void;
  maybeThrottle(ms: number): void;
  destroy(): void;
  throttleCheckTimeoutId: unknown;
  pending: unknown[];
};
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
    const recordDecoder = require.resolve('kafkajs/src/protocol/recordBatch/record/v0/decoder.js');
    expect(readFileSync(recordDecoder, 'utf8')).toContain('const decodeRecordInPlace');
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

  it('decodes a fetch response as unpatched kafkajs 2.2.4 did, and its Batch alike', async () => {
    // kafkajs-fetch-decoded.json was written from these bytes by unpatched kafkajs (see the fixture).
    expect(createHash('sha256').update(goldenFetch()).digest('hex')).toBe(
      '74c06f828fc77a7cef762cb95041d32b088b20736fbf3527893344404d520c70',
    );
    const file = readFileSync(new URL('./kafkajs-fetch-decoded.json', import.meta.url), 'utf8');
    const expected = JSON.parse(file) as unknown;
    const actual = JSON.parse(JSON.stringify(toPlain(await decodeGolden()))) as unknown;
    expect(actual).toEqual(expected);
    // toEqual ignores the order of keys; headers keep kafkajs's.
    expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
  });

  it('gives the records of one batch one batchContext, and values that share the response buffer', async () => {
    const response = goldenFetch();
    const decoded = await loadKafkajs().decode(response);
    const messages = decoded.responses[0]!.partitions[0]!.messages as {
      value: Buffer | null;
      batchContext: object;
    }[];
    expect(new Set(messages.slice(0, 30).map((m) => m.batchContext)).size).toBe(1);
    expect(messages[30]!.batchContext).not.toBe(messages[0]!.batchContext);
    expect(messages[1]!.value!.buffer).toBe(response.buffer);
  });

  it.each([
    0,
    1,
    -1,
    63,
    -64,
    64,
    2 ** 31,
    -(2 ** 31) - 1,
    2 ** 47 - 1,
    -(2 ** 47),
    2 ** 47,
    2 ** 48 - 1,
    -(2 ** 48),
    2 ** 48,
    -(2 ** 48) - 1,
    Number.MAX_SAFE_INTEGER,
  ])('reads the varlong %d as readVarLong does', (n) => {
    const bytes = new Encoder().writeVarLong(n).buffer;
    const reference = new Decoder(bytes).readVarLong().value;
    const decoder = new Decoder(bytes);
    const value = decoder.readVarLongValue();
    expect(BigInt(value)).toBe(reference);
    expect(typeof value).toBe(bytes.length <= 7 ? 'number' : 'bigint');
    expect(decoder.offset).toBe(bytes.length);
  });

  describe('request queue timers (kafkajs issue 1556)', () => {
    const silent = { debug() {}, warn() {}, info() {}, error() {} };
    const queue = () =>
      new RequestQueue({
        maxInFlightRequests: null,
        requestTimeout: 30_000,
        clientId: 't',
        broker: 'b',
        logger: silent,
      });
    const request = (correlationId: number, sent: number[]) => ({
      entry: {
        correlationId,
        apiKey: 1,
        apiName: 'Fetch',
        apiVersion: 11,
        resolve() {},
        reject() {},
      },
      expectResponse: true,
      sendRequest: () => sent.push(correlationId),
    });
    afterEach(() => void vi.useRealTimers());

    it('an answered request with nothing pending leaves no timer behind (unpatched: one every millisecond, forever)', () => {
      vi.useFakeTimers();
      const q = queue();
      const sent: number[] = [];
      q.push(request(1, sent));
      q.fulfillRequest({ correlationId: 1, payload: Buffer.alloc(0), size: 0 });
      expect(q.throttleCheckTimeoutId).toBeNull();
      expect(vi.getTimerCount()).toBe(0);
      q.destroy();
    });

    it('a request held back by client-side throttling is still sent once the throttle ends', () => {
      vi.useFakeTimers();
      const q = queue();
      const sent: number[] = [];
      q.maybeThrottle(50);
      q.push(request(1, sent));
      expect(sent).toEqual([]);
      expect(q.pending).toHaveLength(1);
      vi.advanceTimersByTime(60);
      expect(sent).toEqual([1]);
      q.fulfillRequest({ correlationId: 1, payload: Buffer.alloc(0), size: 0 });
      expect(vi.getTimerCount()).toBe(0);
      q.destroy();
    });
  });
});
