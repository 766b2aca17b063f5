/**
 * CPU per mention of each step of the collector's record path, on one thread
 * without HTTP and Kafka (issue 20): the e2e mix of generated posts
 * (@hark/traffic) in request bodies of 200, each step timed with
 * process.cpuUsage() per body. The keyring is real (a private PostgreSQL
 * database); each round has new authors, so a quarter of the mentions create
 * a data key, as in bench:cpu. What bench:cpu measures beyond the sum of these
 * steps is HTTP (Fastify, node:http), the answer's serialization, kafkajs (with murmur2 partitioning) and the
 * event loop.
 *
 *   nice -n 5 npm run bench:steps -w @hark/collector
 *
 * BENCH_MENTIONS (20,000 per round), BENCH_ROUNDS (5; the first is warm-up).
 * Prints one JSON line: the median over rounds of µs per mention per step.
 */
import { loadBrandsConfig } from '@hark/brands';
import { createPool } from '@hark/db';
import { loadSchema, type Mention } from '@hark/events';
import { createAvroSerde, createRegistryClient } from '@hark/kafka';
import { createLogger } from '@hark/observability';
import {
  createKeyring,
  encryptMentionPii,
  mentionAuthorRef,
  migratePrivacy,
  TEST_MASTER_KEY,
} from '@hark/privacy';
import { createStepClock, createTestDatabase, testEnv } from '@hark/testing';
import { createRng, generateTraffic } from '@hark/traffic';
import { compileBrandMatcher } from '../src/domain/brand-matcher.ts';
import { expandPayload } from '../src/domain/expand-payload.ts';
import { minimiseMention } from '../src/domain/minimise-mention.ts';
import { answerItems, prepareMentions } from '../src/domain/prepare-mentions.ts';

const MENTIONS = Number(process.env.BENCH_MENTIONS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const BATCH = 200;
const STEPS = ['parse', 'prepare', 'answer', 'minimise', 'keyring', 'seal', 'avro'] as const;

const logger = createLogger({ service: 'collector-steps-bench', level: 'warn' });
const brands = loadBrandsConfig(
  new URL('../../../deploy/local/brands.yaml', import.meta.url).pathname,
);
const matcher = compileBrandMatcher(brands.brands);
const serde = createAvroSerde({
  registry: createRegistryClient({ url: testEnv().schemaRegistryUrl }),
});
const encoder = await serde.encoder<Mention>(
  `bench-steps-${Date.now()}-value`,
  loadSchema('Mention'),
);
const db = await createTestDatabase();
const pool = createPool({ url: db.url, logger, max: 4 });
await migratePrivacy({ pool, logger });
const keyring = createKeyring({ pool, masterKey: TEST_MASTER_KEY, logger });
await keyring.ready();
const limits = { maxTextLength: 10_000, maxFutureSkewMs: 900_000 };
const source = { kind: 'http' as const, name: 'bench' };
const clock = createStepClock(STEPS);
const perRound: Record<string, number>[] = [];

for (let round = 0; round < ROUNDS; round++) {
  const { posts } = generateTraffic({
    brands,
    customers: [],
    count: MENTIONS,
    rng: createRng(round + 1),
    end: Date.now() - 60_000,
    days: 2,
    runId: `steps${Date.now().toString(36)}r${round}`,
  });
  const bodies: Buffer[] = [];
  for (let i = 0; i < posts.length; i += BATCH)
    bodies.push(Buffer.from(JSON.stringify(posts.slice(i, i + BATCH))));
  clock.reset();
  let sink = 0;
  for (const body of bodies) {
    clock.restart();
    const expanded = expandPayload(body.toString('utf8'), 'json', 'generic', limits);
    if (!expanded.ok) throw new Error(expanded.message);
    clock.lap('parse');
    const prepared = prepareMentions(expanded.entries, {
      matcher,
      limits,
      now: Date.now(),
      source,
    });
    clock.lap('prepare');
    sink += JSON.stringify({ items: answerItems(prepared) }).length;
    clock.lap('answer');
    const minimised = prepared.mentions.map(
      (p) => minimiseMention(p.mention, { hashEmails: true, redactTextContacts: true }).mention,
    );
    clock.lap('minimise');
    const refs = minimised.map(mentionAuthorRef);
    const keys = await keyring.keysForWrite(refs);
    clock.lap('keyring');
    const sealed = minimised.map((m, i) => encryptMentionPii(m, keys.get(refs[i]!)!));
    clock.lap('seal');
    const values = sealed.map((m) => encoder.encode(m));
    clock.lap('avro');
    sink += values.length;
  }
  if (sink === 0) throw new Error('nothing measured');
  if (round > 0) perRound.push({ ...clock.totals });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const out: Record<string, number> = {};
for (const s of STEPS) out[s] = +(median(perRound.map((r) => r[s]!)) / MENTIONS).toFixed(2);
out.sum = +Object.values(out)
  .reduce((a, b) => a + b, 0)
  .toFixed(2);
console.log(
  JSON.stringify({
    bench: 'collector-steps',
    mentions: MENTIONS,
    rounds: ROUNDS - 1,
    usPerMention: out,
  }),
);
await keyring.close();
await pool.end();
await db.drop();
