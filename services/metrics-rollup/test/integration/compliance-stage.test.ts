import { fileURLToPath } from 'node:url';
import { createPool, type Pool } from '@hark/db';
import {
  loadSchema,
  valueSubject,
  type ComplianceEvent,
  type DeadLetter,
  type ResolvedMention,
} from '@hark/events';
import {
  createAvroSerde,
  createKafka,
  createProducer,
  createRegistryClient,
  type AvroSerde,
  type BatchHandler,
  type Encoder,
} from '@hark/kafka';
import { createLogger, createMetricsRegistry } from '@hark/observability';
import {
  createTestDatabase,
  createTestTopics,
  makeComplianceEvent,
  readMessages,
  testEnv,
  uniqueName,
  waitFor,
} from '@hark/testing';
import { TEST_MASTER_KEY } from '@hark/privacy';
import type { Kafka, Producer } from 'kafkajs';
import type { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWorkload } from '../../bench/workload.ts';
import { parseRollupConfig } from '../../src/config.ts';
import { createService } from '@hark/stage-runtime';
import { rollupService, type RollupService } from '../../src/main.ts';
import { resolved } from '../unit/fixtures.ts';
import { expectRollupsMatchRecount, expectedRollups, nonEmptyRollups, sorted } from './helpers.ts';

const env = testEnv();
const logger = createLogger({
  service: 'metrics-rollup-test',
  level: process.env.TEST_LOG_LEVEL ?? 'silent',
});
const BRANDS_FILE = fileURLToPath(new URL('../../../../deploy/local/brands.yaml', import.meta.url));

let kafka: Kafka;
let producer: Producer;
let serde: AvroSerde;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: Pool;
let topics: { mentions: string; signals: string; dlq: string; compliance: string };
let enc: { mentions: Encoder<ResolvedMention>; compliance: Encoder<ComplianceEvent> };
const cleanups: (() => Promise<unknown>)[] = [];

async function freshTopics(): Promise<void> {
  const t = await createTestTopics(kafka, [
    { prefix: 'resolved', partitions: 3 },
    { prefix: 'signals', partitions: 1 },
    { prefix: 'dlq', partitions: 1 },
    { prefix: 'compliance', partitions: 2 },
  ]);
  cleanups.push(t.drop);
  const [mentions, signals, dlq, compliance] = t.names as [string, string, string, string];
  topics = { mentions, signals, dlq, compliance };
  enc = {
    mentions: await serde.encoder(valueSubject(mentions), loadSchema('ResolvedMention')),
    compliance: await serde.encoder(valueSubject(compliance), loadSchema('ComplianceEvent')),
  };
}

beforeAll(async () => {
  kafka = createKafka({
    clientId: 'metrics-rollup-compliance-test',
    brokers: env.kafkaBrokers,
    logger,
  });
  producer = createProducer(kafka);
  await producer.connect();
  serde = createAvroSerde({ registry: createRegistryClient({ url: env.schemaRegistryUrl }) });
  db = await createTestDatabase();
  pool = createPool({ url: db.url, logger });
  await freshTopics();
});

afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
  await producer?.disconnect();
  await pool?.end();
  await db?.drop();
});

async function startService(
  wrapHandler?: (input: string, h: BatchHandler<unknown>) => BatchHandler<unknown>,
  groupId = uniqueName('metrics-rollup-compliance'),
): Promise<{ service: RollupService; registry: Registry; crashed: Promise<Error> }> {
  const registry = createMetricsRegistry({ service: 'metrics-rollup-test', defaults: false });
  let onCrash!: (err: Error) => void;
  const crashed = new Promise<Error>((resolve) => (onCrash = resolve));
  const service = await createService(rollupService, {
    config: parseRollupConfig({
      KAFKA_BROKERS: env.kafkaBrokers.join(','),
      OPS_PORT: '0',
      SCHEMA_REGISTRY_URL: env.schemaRegistryUrl,
      DATABASE_URL: db.url,
      MENTIONS_TOPIC: topics.mentions,
      SIGNALS_TOPIC: topics.signals,
      DLQ_TOPIC: topics.dlq,
      COMPLIANCE_TOPIC: topics.compliance,
      HARK_PRIVACY_MASTER_KEY: TEST_MASTER_KEY,
      GROUP_ID: groupId,
      BRANDS_FILE,
    }),
    logger,
    registry,
    onCrash,
    wrapHandler,
    sessionTimeoutMs: 10_000,
  });
  await service.start();
  cleanups.push(() => service.close());
  await waitFor(() => service.isConsuming(), { timeoutMs: 30_000, what: 'the consumers to join' });
  return { service, registry, crashed };
}

const produce = (topic: string, messages: { key: string; value: Buffer }[]) =>
  producer.send({ topic, acks: -1, messages });
const mentionMessages = (ms: readonly ResolvedMention[]) =>
  ms.map((m) => ({ key: m.mention.mentionId, value: enc.mentions.encode(m) }));
const complianceMessage = (e: ComplianceEvent) => ({
  key: e.mentionId ?? `${e.platform}:${e.authorId}`,
  value: enc.compliance.encode(e),
});

async function metric(registry: Registry, name: string, labels: Record<string, string> = {}) {
  const m = await registry.getSingleMetric(name)?.get();
  return (m?.values ?? [])
    .filter((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want))
    .reduce((n, v) => n + v.value, 0);
}

describe('the compliance stage through the real broker', () => {
  it('deletes, erases by author and customer, suppresses a mention whose deletion came first, ignores a re-delivered event, and dead-letters a bad one', async () => {
    const { registry } = await startService();
    const now = Date.now();
    const mentions = makeWorkload({ count: 400, authors: 30, now: now - 60_000, seed: 41 });
    const early = resolved({ id: 'comes-later', at: now - 30_000 });
    await produce(topics.mentions, mentionMessages(mentions));
    await waitFor(
      async () => Number((await pool.query(`select count(*) from mentions`)).rows[0].count) === 400,
      { timeoutMs: 60_000, what: 'the mentions to be counted' },
    );

    const deleted = mentions[0]!.mention;
    const author = mentions[1]!.mention;
    const customer = mentions.find((m) => m.customer.customerId)!.customer.customerId!;
    const ev = (o: Partial<ComplianceEvent>) =>
      makeComplianceEvent({ occurredAt: now, receivedAt: now, authorId: null, ...o });
    const deleteEvent = ev({
      eventId: `pd:${deleted.mentionId}`,
      kind: 'post_deleted',
      platform: deleted.platform,
      mentionId: deleted.mentionId,
    });
    const events = [
      deleteEvent,
      ev({
        eventId: 'er:a',
        kind: 'erasure',
        platform: author.platform,
        authorId: author.author.id,
        requestId: 'req-9',
        mentionId: null,
      }),
      ev({
        eventId: 'er:c',
        kind: 'erasure',
        platform: null,
        customerId: customer,
        requestId: 'req-9',
        mentionId: null,
      }),
      ev({
        eventId: 'pd:early',
        kind: 'post_deleted',
        platform: 'x',
        mentionId: early.mention.mentionId,
      }),
      deleteEvent,
      ev({
        eventId: 'bad',
        kind: 'account_deleted',
        platform: 'x',
        authorId: null,
        mentionId: null,
      }),
    ];
    await produce(topics.compliance, events.map(complianceMessage));
    await waitFor(
      async () =>
        Number((await pool.query(`select count(*) from privacy_audit_steps`)).rows[0].count) === 2,
      { timeoutMs: 60_000, what: 'both erasure steps to be recorded' },
    );
    const [dead] = await readMessages(kafka, topics.dlq, 1, 30_000);
    const letter = await serde
      .decoder<DeadLetter>(loadSchema('DeadLetter'))
      .decode((dead as unknown as { value: Buffer }).value);
    expect(letter).toMatchObject({
      stage: 'metrics-rollup.compliance',
      errorCode: 'HARK_STAGE_PROCESSING_FAILED',
    });
    expect(letter.errorMessage).toMatch(/authorId: required/);

    // The mention named by the earlier deletion arrives now, with a re-delivery of everything.
    await produce(topics.mentions, mentionMessages([early, ...mentions]));
    await waitFor(async () => (await metric(registry, 'hark_rollup_suppressed_total')) > 0, {
      timeoutMs: 60_000,
      what: 'the suppressed mention to be counted in the metric',
    });
    await waitFor(
      async () =>
        (await metric(registry, 'hark_rollup_duplicates_total', { kind: 'mention' })) +
          (await metric(registry, 'hark_rollup_suppressed_total')) ===
        401,
      { timeoutMs: 60_000, what: 'the re-delivery to be consumed' },
    );
    const gone = (m: ResolvedMention) =>
      m.mention.mentionId === deleted.mentionId ||
      (m.mention.platform === author.platform && m.mention.author.id === author.author.id) ||
      m.customer.customerId === customer;
    const remaining = mentions.filter((m) => !gone(m));
    expect(sorted(await nonEmptyRollups(pool))).toEqual(sorted(expectedRollups(remaining)));
    await expectRollupsMatchRecount(pool);
    expect(await metric(registry, 'hark_rollup_suppressed_total')).toBe(
      1 + mentions.length - remaining.length,
    );
    expect(
      await metric(registry, 'hark_rollup_compliance_events_total', { outcome: 'duplicate' }),
    ).toBe(1);
    expect(
      await metric(registry, 'hark_rollup_compliance_events_total', { outcome: 'applied' }),
    ).toBe(4);
  });

  it('a crash after the compliance transaction and before the offset commit re-delivers the events to a new instance, which changes nothing', async () => {
    await freshTopics();
    await pool.query(`truncate mentions, mention_keys, author_days, rollup_minute, rollup_hour, rollup_day,
      compliance_subjects, compliance_events, privacy_audit_steps`);
    const now = Date.now();
    const mentions = makeWorkload({
      count: 200,
      authors: 10,
      now: now - 60_000,
      seed: 42,
      prefix: 'crash-',
    });
    const group = uniqueName('metrics-rollup-crash');
    const first = await startService(
      (input, handler) =>
        input !== 'compliance'
          ? handler
          : async (records) => {
              await handler(records);
              throw new TypeError('injected crash after the compliance commit');
            },
      group,
    );
    await produce(topics.mentions, mentionMessages(mentions));
    await waitFor(
      async () => Number((await pool.query(`select count(*) from mentions`)).rows[0].count) === 200,
      { timeoutMs: 60_000, what: 'the mentions to be counted' },
    );
    const victim = mentions[0]!.mention;
    const erase = makeComplianceEvent({
      eventId: 'crash:erase',
      kind: 'erasure',
      platform: victim.platform,
      authorId: victim.author.id,
      mentionId: null,
      requestId: 'req-crash',
      occurredAt: now,
      receivedAt: now,
    });
    await produce(topics.compliance, [complianceMessage(erase)]);
    expect((await first.crashed).message).toContain('injected crash');
    const afterCrash = sorted(await nonEmptyRollups(pool));
    await first.service.close();
    const second = await startService(undefined, group);
    await waitFor(
      async () =>
        (await metric(second.registry, 'hark_rollup_compliance_events_total', {
          outcome: 'duplicate',
        })) === 1,
      { timeoutMs: 60_000, what: 'the re-delivered erasure to be recognized' },
    );
    expect(sorted(await nonEmptyRollups(pool))).toEqual(afterCrash);
    const remaining = mentions.filter(
      (m) => !(m.mention.platform === victim.platform && m.mention.author.id === victim.author.id),
    );
    expect(afterCrash).toEqual(sorted(expectedRollups(remaining)));
    expect((await pool.query(`select count(*)::int as n from privacy_audit_steps`)).rows[0].n).toBe(
      1,
    );
    await expectRollupsMatchRecount(pool);
  });
});
