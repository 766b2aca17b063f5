/**
 * npm run bench:cpu -w @hark/metrics-rollup — CPU per mention of this
 * process on the mentions stage's per-record path, without Kafka: workload
 * mentions sealed with a real keyring and Avro-encoded as ResolvedMention,
 * then per batch: decode, contract check, open the fact's personal fields,
 * the handler up to the store (facts, lateness, metrics, partitions) and the
 * store's write (claim, binary COPY, rollup upserts: the client side of it).
 * PostgreSQL's own CPU is not in these figures (bench:profile measures it).
 * Options: --mentions N (per pass) --batch N --passes N --profile FILE.
 */
import { parseArgs } from 'node:util';
import { checkResolvedMention, eventType, type ResolvedMention } from '@hark/events';
import {
  createKeyring,
  encryptMentionPii,
  mentionAuthorRef,
  migratePrivacy,
  openMentionBatch,
  TEST_MASTER_KEY,
} from '@hark/privacy';
import { createStepClock, decodeFramed, frameAvro, measureCpu } from '@hark/testing';
import { Registry } from 'prom-client';
import { createPartitionManager } from '../src/adapters/partition-manager.ts';
import { createMentionsHandler, MENTION_FACT_FIELDS } from '../src/adapters/rollup-handlers.ts';
import { createRollupMetrics } from '../src/adapters/rollup-metrics.ts';
import { logger, openBenchDatabase } from './bench-database.ts';
import { makeWorkload } from './workload.ts';

const { values } = parseArgs({
  options: {
    mentions: { type: 'string', default: '10000' },
    batch: { type: 'string', default: '500' },
    passes: { type: 'string', default: '3' },
    profile: { type: 'string' },
  },
});
const perPass = Number(values.mentions);
const batchSize = Number(values.batch);
const passes = Number(values.passes);
const now = Date.now();

const db = await openBenchDatabase({ now, max: 4 });
try {
  const { pool } = db;
  await migratePrivacy({ pool, logger });
  const keyring = createKeyring({ pool, masterKey: TEST_MASTER_KEY, listen: false });
  const type = eventType('ResolvedMention');
  // A pass per prefix: every pass writes new mentions, as a live stream does.
  const frameSets: Buffer[][] = [];
  for (let p = 0; p <= passes; p++) {
    const workload = makeWorkload({ count: perPass, authors: 2000, now, prefix: `p${p}-` });
    const keys = await keyring.keysForWrite([
      ...new Set(workload.map((r) => mentionAuthorRef(r.mention))),
    ]);
    frameSets.push(
      workload.map((r) => {
        const mention = encryptMentionPii(r.mention, keys.get(mentionAuthorRef(r.mention))!);
        return frameAvro(type, { ...r, mention });
      }),
    );
  }

  const clock = createStepClock(['decode', 'check', 'open', 'facts', 'write'] as const);
  const partitions = createPartitionManager({
    pool,
    logger,
    now: () => now,
    policy: {
      latenessMs: 7 * 86_400_000,
      futureToleranceMs: 900_000,
      retentionMs: 30 * 86_400_000,
      aheadDays: 2,
    },
  });
  const handle = createMentionsHandler({
    // The handler's work before the store is the facts step; the store's is the write.
    store: {
      ...db.store,
      applyMentions: async (facts) => {
        clock.lap('facts');
        return db.store.applyMentions(facts);
      },
    },
    partitions,
    metrics: createRollupMetrics(new Registry()),
    policy: { latenessMs: 7 * 86_400_000, futureToleranceMs: 900_000 },
    now: () => now,
  });
  let applied = 0;
  const runBatch = async (bufs: Buffer[], base: number) => {
    clock.restart();
    const records = decodeFramed<ResolvedMention>('mentions.resolved', type, bufs, base);
    clock.lap('decode');
    for (const r of records)
      if (checkResolvedMention(r.value).length > 0) throw new Error('contract check failed');
    clock.lap('check');
    const opened = await openMentionBatch(
      records,
      (r) => r.value.mention,
      keyring,
      MENTION_FACT_FIELDS,
    );
    clock.lap('open');
    const result = await handle(opened.clear);
    clock.lap('write');
    applied += opened.clear.length - (result.failures?.length ?? 0);
  };
  const runPass = async (frames: Buffer[]) => {
    for (let i = 0; i < frames.length; i += batchSize)
      await runBatch(frames.slice(i, i + batchSize), i);
  };

  await runPass(frameSets[0]!); // warm-up: JIT, partitions, prepared statements, key cache
  clock.reset();
  applied = 0;
  const n = perPass * passes;
  const report = await measureCpu({
    run: async () => {
      for (let p = 1; p <= passes; p++) await runPass(frameSets[p]!);
    },
    items: n,
    steps: clock.totals,
    profileFile: values.profile,
  });
  console.log(
    `${n} mentions (${perPass} × ${passes} passes, batches of ${batchSize}); ${applied} written`,
  );
  for (const line of report) console.log(line);
  await keyring.close();
} finally {
  await db.drop();
}
