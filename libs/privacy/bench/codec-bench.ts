/**
 * Cost of the field codec per mention (all eight personal fields, AES-256-GCM):
 * encrypt, and decrypt with prefetched keys. Pure CPU, no database.
 *
 *   npx tsx libs/privacy/bench/codec-bench.ts
 */
import { randomBytes } from 'node:crypto';
import { makeMention } from '@hark/testing';
import { decryptMentionPiiWith, encryptMentionPii, type DataKey } from '../src/index.ts';

const N = Number(process.env.BENCH_N ?? 100_000);
const key: DataKey = {
  keyId: randomBytes(16).toString('base64url'),
  authorRef: 'x:1',
  key: randomBytes(32),
};
const keys = new Map([[key.keyId, key]]);
const m = makeMention({
  title: 'A review title of ordinary length',
  author: { ...makeMention().author, email: 'sha256:' + 'a'.repeat(64) },
});

function time(label: string, fn: () => void): number {
  for (let i = 0; i < 5_000; i++) fn();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) fn();
  const us = Number(process.hrtime.bigint() - t0) / 1000 / N;
  console.log(`${label.padEnd(28)} ${us.toFixed(2)} µs/mention`);
  return us;
}

const enc = encryptMentionPii(m, key);
const e = time('encrypt (8 fields)', () => encryptMentionPii(m, key));
const d = time('decrypt (8 fields)', () => decryptMentionPiiWith(enc, keys));
console.log(`${'encrypt + decrypt'.padEnd(28)} ${(e + d).toFixed(2)} µs/mention`);
console.log(
  `size: ${JSON.stringify(m).length} bytes of JSON in clear, ${JSON.stringify(enc).length} encrypted`,
);
