import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { Murmur2Partitioner, murmur2 } from '../../src/murmur2-partitioner.ts';

const metadata = (n: number, down: number[] = []): PartitionMetadata[] =>
  Array.from({ length: n }, (_, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader: down.includes(partitionId) ? -1 : 1,
    replicas: [1],
    isr: [1],
  }));

// Keys of every length 0–64 (each tail case of the hash), ASCII, accented, astral and binary.
const keys: (string | Buffer)[] = [];
for (let len = 0; len <= 64; len++) {
  keys.push('k'.repeat(len), `x:${'9'.repeat(len)}`, 'é'.repeat(len), '🙂'.repeat(len % 9));
  keys.push(Buffer.from(Array.from({ length: len }, (_, i) => (i * 97 + len * 31) & 0xff)));
}
for (let i = 0; i < 2000; i++)
  keys.push(`x:cpu${i.toString(36)}-${i}`, `bluesky:did:plc:${i * 7919}`);

describe('Murmur2Partitioner', () => {
  it("chooses kafkajs DefaultPartitioner's partition for every key, string or Buffer", () => {
    for (const n of [1, 3, 6, 7, 64]) {
      const ours = Murmur2Partitioner();
      const theirs = Partitioners.DefaultPartitioner();
      const partitionMetadata = metadata(n);
      for (const key of keys) {
        const args = { topic: 't', partitionMetadata, message: { key, value: null } };
        expect(ours(args)).toBe(theirs(args));
      }
    }
  });

  it('when a message names its partition, it keeps it', () => {
    const choose = Murmur2Partitioner();
    const message = { key: 'x:1', value: null, partition: 5 };
    expect(choose({ topic: 't', partitionMetadata: metadata(6), message })).toBe(5);
  });

  it('without a key, it goes round the partitions that have a leader', () => {
    const choose = Murmur2Partitioner();
    const partitionMetadata = metadata(4, [1]);
    const seen = Array.from({ length: 6 }, () =>
      choose({ topic: 't', partitionMetadata, message: { key: null, value: null } }),
    );
    expect(new Set(seen)).toEqual(new Set([0, 2, 3]));
    expect(seen[3]).toBe(seen[0]);
  });

  it('hashes as the Java client does (Utils.murmur2 test vectors, signed 32-bit)', () => {
    // From kafka's UtilsTest.testMurmur2.
    const cases: [string, number][] = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [key, hash] of cases) expect(murmur2(key)).toBe(hash);
  });
});
