/**
 * Fetch v11 responses built byte by byte (no kafkajs encoder involved), and a plain form of
 * what kafkajs decodes from them, for `kafkajs-fetch-patch.test.ts` and
 * `deploy/bench/fetch-decode.ts`.
 *
 * `kafkajs-fetch-decoded.json` is what unpatched kafkajs 2.2.4 decoded from `goldenFetch()`,
 * written once before the consume path was patched, with a copy of the unpatched package:
 *
 *   npx tsx libs/kafka/test/unit/kafkajs-fetch-fixture.ts /tmp/kf-base/kafkajs \
 *     > libs/kafka/test/unit/kafkajs-fetch-decoded.json
 *   npx prettier --write libs/kafka/test/unit/kafkajs-fetch-decoded.json
 *
 * (/tmp/kf-base/kafkajs: node_modules/kafkajs copied with only the produce side patched.)
 */
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { pathToFileURL } from 'node:url';

const INT64_MIN = -(2n ** 63n);

class Writer {
  private readonly parts: Buffer[] = [];
  int8(v: number) {
    const b = Buffer.alloc(1);
    b.writeInt8(v);
    return this.push(b);
  }
  int16(v: number) {
    const b = Buffer.alloc(2);
    b.writeInt16BE(v);
    return this.push(b);
  }
  int32(v: number) {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    return this.push(b);
  }
  int64(v: bigint) {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(v);
    return this.push(b);
  }
  /** Zigzag varint or varlong, any int64. */
  varlong(v: bigint | number) {
    let z = BigInt.asUintN(64, (BigInt(v) << 1n) ^ (BigInt(v) < 0n ? -1n : 0n));
    const bytes: number[] = [];
    while (z >= 0x80n) {
      bytes.push(Number(z & 0x7fn) | 0x80);
      z >>= 7n;
    }
    bytes.push(Number(z));
    return this.push(Buffer.from(bytes));
  }
  varBytes(b: Buffer | null) {
    if (b === null) return this.varlong(-1);
    return this.varlong(b.length).push(b);
  }
  string(s: string) {
    const b = Buffer.from(s);
    return this.int16(b.length).push(b);
  }
  bytes(b: Buffer) {
    return this.int32(b.length).push(b);
  }
  push(b: Buffer) {
    this.parts.push(b);
    return this;
  }
  get buffer() {
    return Buffer.concat(this.parts);
  }
}

export interface FixtureRecord {
  attributes?: number;
  timestampDelta: bigint | number;
  offsetDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  /** In order, duplicates allowed; a null key is written as length -1. */
  headers?: [string | null, Buffer | null][];
  /** Added to the record's length: a negative value makes its last fields run past it (malformed). */
  lengthAdjust?: number;
}

export interface FixtureBatch {
  firstOffset: bigint;
  firstTimestamp: bigint;
  maxTimestamp?: bigint;
  /** Attribute bits: 0x08 LOG_APPEND_TIME, 0x10 transactional, 0x20 control. */
  flags?: number;
  gzip?: boolean;
  producerId?: bigint;
  records: FixtureRecord[];
  /** Cut the batch to this many bytes (a partial batch at the end of a fetch). */
  truncateTo?: number;
}

export interface FixturePartition {
  partition: number;
  errorCode?: number;
  highWatermark: bigint;
  abortedTransactions?: { producerId: bigint; firstOffset: bigint }[];
  batches: FixtureBatch[];
}

function encodeRecord(r: FixtureRecord): Buffer {
  const body = new Writer()
    .int8(r.attributes ?? 0)
    .varlong(r.timestampDelta)
    .varlong(r.offsetDelta)
    .varBytes(r.key)
    .varBytes(r.value);
  body.varlong(r.headers?.length ?? 0);
  for (const [k, v] of r.headers ?? [])
    body.varBytes(k === null ? null : Buffer.from(k)).varBytes(v);
  const b = body.buffer;
  return new Writer().varlong(b.length + (r.lengthAdjust ?? 0)).push(b).buffer;
}

function encodeBatch(batch: FixtureBatch): Buffer {
  const records = Buffer.concat(batch.records.map(encodeRecord));
  const attributes = (batch.flags ?? 0) | (batch.gzip ? 1 : 0);
  const lastOffsetDelta = Math.max(0, ...batch.records.map((r) => r.offsetDelta));
  const afterCrc = new Writer()
    .int16(attributes)
    .int32(lastOffsetDelta)
    .int64(batch.firstTimestamp)
    .int64(batch.maxTimestamp ?? batch.firstTimestamp)
    .int64(batch.producerId ?? -1n)
    .int16(0)
    .int32(0)
    .int32(batch.records.length)
    .push(batch.gzip ? gzipSync(records) : records).buffer;
  // The CRC is not checked by kafkajs's decoder; a fixed value keeps the fixture readable.
  const afterLength = new Writer().int32(0).int8(2).int32(0).push(afterCrc).buffer;
  const full = new Writer().int64(batch.firstOffset).bytes(afterLength).buffer;
  return batch.truncateTo === undefined ? full : full.subarray(0, batch.truncateTo);
}

/** A Fetch v11 response body (what kafkajs's `decode` takes: after the size and correlation id). */
export function encodeFetchV11(
  topics: { topic: string; partitions: FixturePartition[] }[],
): Buffer {
  const w = new Writer().int32(0).int16(0).int32(0).int32(topics.length);
  for (const { topic, partitions } of topics) {
    w.string(topic).int32(partitions.length);
    for (const p of partitions) {
      w.int32(p.partition)
        .int16(p.errorCode ?? 0)
        .int64(p.highWatermark)
        .int64(p.highWatermark)
        .int64(0n)
        .int32(p.abortedTransactions?.length ?? 0);
      for (const t of p.abortedTransactions ?? []) w.int64(t.producerId).int64(t.firstOffset);
      w.int32(-1).bytes(Buffer.concat(p.batches.map(encodeBatch)));
    }
  }
  return w.buffer;
}

const bytes = (s: string) => Buffer.from(s);

/** Every case the consume path must decode as unpatched kafkajs did. */
export function goldenFetch(): Buffer {
  const ts0 = 1_700_000_000_000n;
  const plain: FixtureRecord[] = Array.from({ length: 30 }, (_, i) => ({
    attributes: i === 3 ? 5 : 0,
    // Negative, zero, small, 32-bit-overflowing, 7-byte (2^47) and 8-byte (2^50) varlongs.
    timestampDelta: [
      0,
      -5000,
      1,
      3_000_000_000,
      -(2 ** 50),
      2 ** 50 + 7,
      127,
      -64,
      63,
      2 ** 47,
      -(2 ** 47),
    ][i % 11]!,
    offsetDelta: i,
    key: i % 7 === 0 ? null : i % 7 === 1 ? Buffer.alloc(0) : bytes(`key-${i}`),
    value: i % 11 === 0 ? null : Buffer.alloc((i * 37) % 300, i),
    headers: [
      [],
      [['trace', bytes(`t${i}`)]],
      [
        ['a', bytes('1')],
        ['a', bytes('2')],
        ['a', bytes('3')],
      ],
      [
        ['x', bytes('1')],
        ['y', null],
        ['x', bytes('2')],
        ['', bytes('empty key')],
        ['y', bytes('3')],
      ],
      [
        [null, bytes('null key')],
        ['__proto__', bytes('p')],
        ['toString', bytes('s')],
        ['7', bytes('index-like')],
        ['b', bytes('b')],
        ['1', bytes('one')],
      ],
    ][i % 5] as [string | null, Buffer | null][],
  }));
  const small = (n: number, delta = 1): FixtureRecord[] =>
    Array.from({ length: n }, (_, i) => ({
      timestampDelta: i * delta,
      offsetDelta: i,
      key: bytes(`k${i}`),
      value: bytes(`v${i}`),
    }));
  const control: FixtureRecord = {
    timestampDelta: 0,
    offsetDelta: 0,
    key: Buffer.from([0, 0, 0, 0]), // version 0, type 0: abort marker
    value: Buffer.from([0, 0, 0, 0, 0, 0]),
  };
  const maxSafe = BigInt(Number.MAX_SAFE_INTEGER);
  return encodeFetchV11([
    {
      topic: 'golden-a',
      partitions: [
        {
          partition: 0,
          highWatermark: 60n,
          batches: [
            { firstOffset: 0n, firstTimestamp: ts0, records: plain },
            {
              firstOffset: 30n,
              firstTimestamp: ts0 + 10n,
              gzip: true,
              records: plain.slice(0, 12),
            },
            { firstOffset: 42n, firstTimestamp: ts0, records: small(3, -1) },
          ],
        },
        {
          partition: 1,
          highWatermark: 2n ** 63n - 1n,
          batches: [
            // Offsets across 2^53, timestamps across 2^53 and near int64's ends.
            { firstOffset: maxSafe - 2n, firstTimestamp: maxSafe - 1n, records: small(6) },
            { firstOffset: 2n ** 62n + 1n, firstTimestamp: -1n, records: small(4, -3) },
            { firstOffset: 2n ** 63n - 6n, firstTimestamp: 2n ** 63n - 3n, records: small(3) },
            { firstOffset: 2n ** 63n - 3n, firstTimestamp: INT64_MIN + 2n, records: small(3, -1) },
            {
              firstOffset: 2n ** 63n - 2n,
              firstTimestamp: ts0,
              records: [{ ...small(1)[0]!, timestampDelta: 2n ** 62n }],
            },
          ],
        },
        {
          partition: 2,
          highWatermark: 20n,
          batches: [
            {
              firstOffset: 5n,
              firstTimestamp: ts0,
              maxTimestamp: ts0 + 99n,
              flags: 0x08,
              records: small(4),
            },
            {
              firstOffset: 9n,
              firstTimestamp: ts0,
              maxTimestamp: 0n,
              flags: 0x08,
              records: small(2),
            },
          ],
        },
        {
          partition: 3,
          highWatermark: 12n,
          abortedTransactions: [{ producerId: 77n, firstOffset: 2n }],
          batches: [
            { firstOffset: 0n, firstTimestamp: ts0, records: small(2) },
            {
              firstOffset: 2n,
              firstTimestamp: ts0,
              flags: 0x10,
              producerId: 77n,
              records: small(3),
            },
            {
              firstOffset: 5n,
              firstTimestamp: ts0,
              flags: 0x30,
              producerId: 77n,
              records: [control],
            },
            { firstOffset: 6n, firstTimestamp: ts0, records: small(2) },
          ],
        },
        { partition: 4, errorCode: 1, highWatermark: 0n, batches: [] },
        {
          partition: 6,
          highWatermark: 3n,
          batches: [
            {
              firstOffset: 0n,
              firstTimestamp: ts0,
              // The last record declares 3 bytes fewer than its fields take: its value is cut.
              records: [
                ...small(2),
                { ...small(3)[2]!, value: bytes('value-runs-past'), lengthAdjust: -3 },
              ],
            },
          ],
        },
        {
          partition: 5,
          highWatermark: 9n,
          batches: [
            { firstOffset: 0n, firstTimestamp: ts0, records: small(4) },
            // Cut after its header: kafkajs drops the partial batch.
            { firstOffset: 4n, firstTimestamp: ts0, records: small(4), truncateTo: 70 },
          ],
        },
      ],
    },
    {
      topic: 'golden-b',
      partitions: [
        {
          partition: 0,
          highWatermark: 1n,
          batches: [{ firstOffset: 0n, firstTimestamp: ts0, records: small(1) }],
        },
      ],
    },
  ]);
}

/**
 * `partitions` partitions of `records` records in all, values of `valueBytes`, 20-byte keys:
 * the floor's shape. Timestamps step by `timestampStep` ms per record; 0 as kafkajs's producer
 * stamps every message of one send with the same `Date.now()`.
 */
export function benchFetch(
  records = 200,
  partitions = 6,
  valueBytes = 1000,
  timestampStep = 0,
): Buffer {
  const ts0 = BigInt(Date.UTC(2026, 11, 6));
  const perPartition = Math.ceil(records / partitions);
  return encodeFetchV11([
    {
      topic: 'bench',
      partitions: Array.from({ length: partitions }, (_, p) => ({
        partition: p,
        highWatermark: 1_000_000n,
        batches: [
          {
            firstOffset: 123_456n,
            firstTimestamp: ts0,
            records: Array.from({ length: perPartition }, (_, i) => ({
              timestampDelta: i * timestampStep,
              offsetDelta: i,
              key: Buffer.from(`mention-${String(p * perPartition + i).padStart(12, '0')}`),
              value: Buffer.alloc(valueBytes, i),
            })),
          },
        ],
      })),
    },
  ]);
}

type Req = (id: string) => unknown;
interface Decoded {
  responses: { topicName: string; partitions: { partition: number; messages: unknown[] }[] }[];
}

/** kafkajs's Fetch v11 `decode` and consumer `Batch` from the package at `kafkajsDir` (default: the installed one). */
export function loadKafkajs(kafkajsDir?: string) {
  const require: Req = createRequire(
    kafkajsDir === undefined ? import.meta.url : pathToFileURL(`${kafkajsDir}/`).href,
  );
  const root = kafkajsDir ?? 'kafkajs';
  const response = require(`${root}/src/protocol/requests/fetch/v11/response.js`) as {
    decode(b: Buffer): Promise<Decoded>;
  };
  const Batch = require(`${root}/src/consumer/batch.js`) as new (
    topic: string,
    fetchedOffset: string,
    partitionData: object,
  ) => {
    messages: { offset: string }[];
    firstOffset(): string | null;
    lastOffset(): string;
    offsetLag(): string;
    offsetLagLow(): string;
    isEmpty(): boolean;
    isEmptyControlRecord(): boolean;
  };
  return { decode: response.decode, Batch };
}

/** JSON-safe, order-preserving form of anything kafkajs returns (Buffers as hex). */
export function toPlain(v: unknown): unknown {
  if (v === null || v === undefined) return v ?? null;
  if (Buffer.isBuffer(v)) return `hex:${v.toString('hex')}`;
  if (typeof v === 'function') return `function:${v.name}`;
  if (typeof v === 'bigint') return `bigint:${v}`;
  if (Array.isArray(v)) return v.map(toPlain);
  if (typeof v === 'object') {
    if (v === Object.prototype) return '[Object.prototype]';
    const out = Object.create(null) as Record<string, unknown>;
    for (const k of Object.keys(v)) out[k] = toPlain((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/** The decoded response and, per partition, what the consumer's `Batch` makes of it (fetched from its 2nd record). */
export async function decodeGolden(kafkajsDir?: string) {
  const { decode, Batch } = loadKafkajs(kafkajsDir);
  const decoded = await decode(goldenFetch());
  const batches = decoded.responses.flatMap(({ topicName, partitions }) =>
    partitions.map((p) => {
      const fetched = (p.messages[1] as { offset: string } | undefined)?.offset ?? '0';
      const b = new Batch(topicName, fetched, p);
      return {
        topicName,
        partition: p.partition,
        fetched,
        offsets: b.messages.map((m) => m.offset),
        firstOffset: b.firstOffset(),
        lastOffset: b.lastOffset(),
        offsetLag: b.offsetLag(),
        offsetLagLow: b.offsetLagLow(),
        isEmpty: b.isEmpty(),
        isEmptyControlRecord: b.isEmptyControlRecord(),
      };
    }),
  );
  return { decoded, batches };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { decoded, batches } = await decodeGolden(process.argv[2]);
  process.stdout.write(`${JSON.stringify(toPlain({ decoded, batches }), null, 1)}\n`);
}
