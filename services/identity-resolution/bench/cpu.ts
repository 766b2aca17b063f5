/**
 * npm run bench:cpu -w @hark/identity-resolution — CPU per mention of the
 * resolution stage's per-record path in one process, without Kafka: generated
 * traffic (`@hark/traffic`) sealed with a real keyring and Avro-encoded as
 * ScoredMention, then, per batch, the steps the runtime and the handler run:
 * decode, contract check, open the author fields (one keyring lookup),
 * the resolution handler (stored decisions from PostgreSQL, matching against
 * the in-memory index, writes and sealed links), encode the outputs (the resolution
 * appended to the consumed ScoredMention bytes; `--encode full` encodes each resolved
 * mention in full, the path before appending, for A/B).
 * Reports CPU µs per mention by step (`process.cpuUsage()`, this process
 * only: PostgreSQL's own CPU is not in it) and the heap allocated and GC
 * time per mention. Options: --mentions N --customers N --share S (share of
 * authors who are customers; 0 is what `make bench` sends) --batch N --passes N
 * --encode append|full --profile FILE (a .cpuprofile of the measured passes only, setup
 * excluded).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createPool, migrate } from '@hark/db';
import {
  checkScoredMention,
  eventType,
  loadSchema,
  valueSubject,
  type ScoredMention,
} from '@hark/events';
import { createAvroSerde } from '@hark/kafka';
import { createLogger } from '@hark/observability';
import {
  createKeyring,
  encryptMentionPii,
  mentionAuthorRef,
  migratePrivacy,
  openMentionBatch,
  TEST_MASTER_KEY,
} from '@hark/privacy';
import { bindOutput, encodeOutputs, type ExtensionPath } from '@hark/stage-runtime';
import {
  createStepClock,
  createTestDatabase,
  decodeFramed,
  makeMention,
  makeScoredMention,
  measureCpu,
  memoryRegistry,
} from '@hark/testing';
import { createRng, customersToCsv, generateCustomers, generateTraffic } from '@hark/traffic';
import { loadBrandsConfig } from '@hark/brands';
import { Registry } from 'prom-client';
import { importCustomersCsv } from '../src/adapters/csv-importer.ts';
import { createCustomerRepository } from '../src/adapters/customer-repository.ts';
import { createIdentityRepository } from '../src/adapters/identity-repository.ts';
import { createModelRefitter } from '../src/adapters/model-refitter.ts';
import { createModelRepository } from '../src/adapters/model-repository.ts';
import { AUTHOR_FIELDS, createResolutionHandler } from '../src/adapters/resolution-handler.ts';
import { loadGazetteer } from '../src/adapters/gazetteer-file.ts';
import { CustomerIndex } from '../src/domain/customer-index.ts';
import { DEFAULT_MATCH_OPTIONS, Matcher } from '../src/domain/match-author.ts';
import { DEFAULT_MODEL } from '../src/domain/scoring.ts';
import { MIGRATIONS_DIR, SERVICE } from '../src/schema.ts';

const { values } = parseArgs({
  options: {
    mentions: { type: 'string', default: '20000' },
    customers: { type: 'string', default: '10000' },
    share: { type: 'string', default: '0' },
    batch: { type: 'string', default: '500' },
    passes: { type: 'string', default: '3' },
    encode: { type: 'string', default: 'append' },
    profile: { type: 'string' },
  },
});
const nMentions = Number(values.mentions);
const batchSize = Number(values.batch);
const passes = Number(values.passes);
const logger = createLogger({ service: 'bench-cpu', level: 'error' });

const db = await createTestDatabase();
const pool = createPool({ url: db.url, logger, max: 4 });
try {
  await migrate({ pool, scope: SERVICE, dir: MIGRATIONS_DIR, logger });
  await migratePrivacy({ pool, logger });
  const rng = createRng(7);
  const customers = generateCustomers(Number(values.customers), rng);
  const dir = mkdtempSync(join(tmpdir(), 'hark-cpu-'));
  const csv = join(dir, 'customers.csv');
  writeFileSync(csv, customersToCsv(customers));
  await importCustomersCsv({ file: csv, pool });
  const index = new CustomerIndex({ gazetteer: loadGazetteer() });
  await createCustomerRepository({ pool }).scan((c) => index.upsert(c));
  index.finishLoad();
  const matcher = new Matcher(index, DEFAULT_MATCH_OPTIONS);
  const keyring = createKeyring({ pool, masterKey: TEST_MASTER_KEY, listen: false });

  const { posts } = generateTraffic({
    brands: loadBrandsConfig(
      fileURLToPath(new URL('../../../deploy/local/brands.yaml', import.meta.url)),
    ),
    customers,
    customerAuthorShare: Number(values.share),
    count: nMentions,
    rng,
    end: Date.now(),
    days: 2,
    runId: 'cpu',
  });
  const mentions = posts.map((p) =>
    makeMention({
      mentionId: `${p.platform}:${p.id}`,
      platform: p.platform,
      postId: p.id,
      url: p.url,
      author: { ...p.author, profileUrl: null },
      text: p.text,
      createdAt: Date.parse(p.createdAt),
      engagement: p.engagement,
    }),
  );
  const keys = await keyring.keysForWrite([...new Set(mentions.map(mentionAuthorRef))]);
  const scoredType = eventType('ScoredMention');
  // The runtime's serde, registry in memory: framing, the writer-schema check, the encoders.
  const serde = createAvroSerde({ registry: memoryRegistry() });
  const scoredEncoder = await serde.encoder<ScoredMention>(
    valueSubject('scored'),
    loadSchema('ScoredMention'),
  );
  const frames = mentions.map((m) => {
    const sealed = encryptMentionPii(m, keys.get(mentionAuthorRef(m))!);
    return scoredEncoder.encode(makeScoredMention({ mention: sealed }));
  });
  const decoder = serde.decoder<ScoredMention>(loadSchema('ScoredMention'));
  await decoder.decode(frames[0]!); // resolves the writer schema, as the first fetch does

  const encoders = {
    resolved: bindOutput({
      topic: 'resolved',
      event: 'ResolvedMention',
      extends: 'ScoredMention',
      encoder: await serde.encoder(valueSubject('resolved'), loadSchema('ResolvedMention')),
    }),
    links: bindOutput({
      topic: 'links',
      event: 'IdentityLink',
      encoder: await serde.encoder(valueSubject('links'), loadSchema('IdentityLink')),
    }),
  };
  // `full`: no writer-schema answer, so every resolved mention is encoded in full.
  const isReaderSchema =
    values.encode === 'full' ? undefined : (raw: Buffer) => decoder.isReaderSchema!(raw);
  const paths = new Map<ExtensionPath, number>();
  const registry = new Registry();
  // Not started: the handler only feeds it authors, as in the service between fits.
  const refitter = createModelRefitter({
    models: createModelRepository({ pool }),
    index,
    matcher,
    base: DEFAULT_MODEL,
    logger,
    registry,
    intervalMs: 0,
    sampleSize: 2000,
    minAuthors: 500,
  });
  const handle = createResolutionHandler({
    index,
    matcher,
    identities: createIdentityRepository({ pool }),
    logger,
    registry,
    keyring,
    observe: (author) => refitter.observe(author),
  });

  const clock = createStepClock(['decode', 'check', 'open', 'handler', 'encode'] as const);
  let produced = 0;
  const runBatch = async (bufs: Buffer[], base: number) => {
    clock.restart();
    const records = decodeFramed<ScoredMention>('mentions.scored', scoredType, bufs, base);
    clock.lap('decode');
    for (const r of records) if (checkScoredMention(r.value).length > 0) throw new Error('check');
    clock.lap('check');
    const opened = await openMentionBatch(records, (r) => r.value.mention, keyring, AUTHOR_FIELDS);
    clock.lap('open');
    const result = await handle(opened.clear);
    clock.lap('handler');
    const extend = {
      input: 'ScoredMention' as const,
      isReaderSchema,
      counts: new Map(),
      consumed: records,
    };
    produced += encodeOutputs(result.outputs, encoders, [], extend).length;
    for (const byPath of extend.counts.values())
      for (const [p, k] of Object.entries(byPath) as [ExtensionPath, number][])
        paths.set(p, (paths.get(p) ?? 0) + k);
    clock.lap('encode');
  };
  const runPasses = async (n: number) => {
    for (let p = 0; p < n; p++)
      for (let i = 0; i < frames.length; i += batchSize)
        await runBatch(frames.slice(i, i + batchSize), i);
  };

  await runPasses(1); // warm-up: JIT, key cache, first decisions written
  clock.reset();
  produced = 0;
  paths.clear();
  const n = frames.length * passes;
  const report = await measureCpu({
    run: () => runPasses(passes),
    items: n,
    steps: clock.totals,
    profileFile: values.profile,
  });
  console.log(
    `${n} mentions (${frames.length} × ${passes} passes, batches of ${batchSize}), ${index.size} customers, customer share ${values.share}; ${produced} records encoded; resolved mentions: ${[
      ...paths,
    ]
      .filter(([, k]) => k > 0)
      .map(([p, k]) => `${k} ${p}`)
      .join(', ')}`,
  );
  for (const line of report) console.log(line);
  await keyring.close();
} finally {
  await pool.end();
  await db.drop();
}
