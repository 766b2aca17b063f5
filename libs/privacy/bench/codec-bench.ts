/**
 * Cost of protecting one mention's personal fields (eight fields, AES-256-GCM),
 * per-field envelopes (hk1, one GCM operation per field) against one sealed
 * envelope per mention (hk2): seal, open everything, and open what each stage
 * reads. Pure CPU with prefetched keys, no database; also the data-key unwrap
 * the keyring's cache saves, and the Avro size of the record.
 *
 *   npm run bench -w @hark/privacy          (BENCH_N=100000 by default)
 */
import { randomBytes } from 'node:crypto';
import { eventType, type Mention } from '@hark/events';
import { makeMention } from '@hark/testing';
import {
  decryptMentionPiiWith,
  encryptMentionPii,
  encryptMentionPiiFields,
  parseMasterKey,
  generateMasterKey,
  unwrapDataKey,
  wrapDataKey,
  type DataKey,
  type MentionPiiField,
} from '../src/index.ts';
import { gcm, loadNativeGcm, nativeGcmMissing, nodeGcm } from '../src/gcm.ts';

const N = Number(process.env.BENCH_N ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const key: DataKey = {
  keyId: randomBytes(16).toString('base64url'),
  authorRef: 'x:2244994945',
  key: randomBytes(32),
};
const keys = new Map([[key.keyId, key]]);
const m = makeMention({
  title: 'A review title of ordinary length',
  author: { ...makeMention().author, email: 'sha256:' + 'a'.repeat(64) },
});

/** Best of ROUNDS runs of N calls, in µs per call (the best run is the least disturbed by other load). */
function time(fn: () => unknown, n = N): number {
  for (let i = 0; i < Math.min(5_000, n); i++) fn();
  let best = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1000 / n);
  }
  return best;
}

const hk1 = encryptMentionPiiFields(m, key);
const hk2 = encryptMentionPii(m, key);
const STAGES: [string, readonly MentionPiiField[] | undefined][] = [
  ['all 8 fields (metrics-rollup export, tests)', undefined],
  ['text + title (sentiment-scoring, action-router)', ['text', 'title']],
  [
    'author handle, name, email, location (identity-resolution)',
    ['author.handle', 'author.name', 'author.email', 'author.location'],
  ],
  [
    'url, title, text, handle, name (metrics-rollup facts)',
    ['url', 'title', 'text', 'author.handle', 'author.name'],
  ],
];

const rows: [string, number, number][] = [
  ['seal', time(() => encryptMentionPiiFields(m, key)), time(() => encryptMentionPii(m, key))],
];
for (const [label, fields] of STAGES) {
  rows.push([
    `open ${label}`,
    time(() => decryptMentionPiiWith(hk1, keys, fields)),
    time(() => decryptMentionPiiWith(hk2, keys, fields)),
  ]);
}
// Most authors are seen once: each stage meets the key for the first time (a new DataKey
// object from the keyring), so nothing per key can be reused.
const textOnly: readonly MentionPiiField[] = ['text', 'title'];
const freshKeys = () => new Map([[key.keyId, { ...key }]]);
rows.push([
  'open text + title with a key new to the process',
  time(() => decryptMentionPiiWith(hk1, freshKeys(), textOnly)),
  time(() => decryptMentionPiiWith(hk2, freshKeys(), textOnly)),
]);
rows.push([
  'seal with a key new to the process',
  time(() => encryptMentionPiiFields(m, { ...key })),
  time(() => encryptMentionPii(m, { ...key })),
]);
console.log(`N=${N}, best of ${ROUNDS} rounds, µs per mention`);
console.log(
  `${'operation'.padEnd(66)} ${'per-field hk1'.padStart(13)} ${'envelope hk2'.padStart(13)}`,
);
for (const [label, a, b] of rows) {
  console.log(
    `${label.padEnd(66)} ${a.toFixed(2).padStart(13)} ${b.toFixed(2).padStart(13)}   ×${(a / b).toFixed(1)}`,
  );
}

// The AES-256-GCM calls alone (src/gcm.ts), both backends, on a 300-byte plaintext: what each
// seal and open above pays, and what the addon of native/ saves per envelope.
console.log(
  `rows above through the ${gcm.backend} backend${nativeGcmMissing ? ` (${nativeGcmMissing})` : ''}`,
);
const native = loadNativeGcm().gcm;
const aad = Buffer.from(`hk2|x:1|x:2244994945|0|${key.keyId}`);
const plain300 = randomBytes(300);
const box = Buffer.alloc(12 + 300 + 16);
nodeGcm.seal(key.key, aad, randomBytes(12), plain300, box, 0);
for (const [name, g] of [
  ['node:crypto', nodeGcm],
  ['native', native],
] as const) {
  if (!g) {
    console.log(`AES-256-GCM, ${name}: not built (${nativeGcmMissing})`);
    continue;
  }
  const iv = randomBytes(12);
  const out = Buffer.alloc(box.length);
  console.log(
    `AES-256-GCM of 300 bytes, ${name}: open ${time(() => g.open(key.key, aad, box, 0)).toFixed(2)} µs, seal ${time(() => g.seal(key.key, aad, iv, plain300, out, 0)).toFixed(2)} µs`,
  );
}

const master = parseMasterKey(generateMasterKey());
const wrapped = wrapDataKey(master, key.key, key.keyId);
console.log(
  `unwrap one data key (AES-GCM under the master key; the keyring caches the result): ${time(() => unwrapDataKey(master, wrapped, key.keyId)).toFixed(2)} µs`,
);

// A batch's new data keys (id, key, wrap IV per author): three randomBytes calls per author,
// as the keyring drew them before issue 20's second round, or one call for the batch, as now.
const FRESH = 50;
const freshDrawsEach = () => {
  for (let i = 0; i < FRESH; i++)
    wrapDataKey(master, randomBytes(32), randomBytes(16).toString('base64url'), randomBytes(12));
};
const freshOneDraw = () => {
  const r = randomBytes(FRESH * 60);
  for (let i = 0, at = 0; i < FRESH; i++, at += 60) {
    const id = r.toString('base64url', at, at + 16);
    wrapDataKey(
      master,
      Buffer.from(r.subarray(at + 16, at + 48)),
      id,
      r.subarray(at + 48, at + 60),
    );
  }
};
const perAuthor = (fn: () => void) => (time(fn, Math.ceil(N / FRESH)) / FRESH).toFixed(2);
console.log(
  `new data keys (id, key, wrap), per author in a batch of ${FRESH}: ${perAuthor(freshDrawsEach)} µs drawn three times each, ${perAuthor(freshOneDraw)} µs from one draw per batch`,
);

const avro = eventType('Mention');
const size = (v: Mention) => avro.toBuffer(v).length;
console.log(
  `Avro size of the sample Mention: ${size(m)} B in clear, ${size(hk1)} B per-field (hk1), ${size(hk2)} B sealed (hk2)`,
);
