import {
  loadSchema,
  valueSubject,
  type DeadLetter,
  type Mention,
  type ScoredMention,
} from '@hark/events';
import {
  createAvroSerde,
  createKafka,
  createProducer,
  createRegistryClient,
  type AvroSerde,
} from '@hark/kafka';
import { createPool, type Pool } from '@hark/db';
import { parseConfig } from '@hark/config';
import { createLogger, createMetricsRegistry } from '@hark/observability';
import { createService, type RunningService } from '@hark/stage-runtime';
import {
  createKeyring,
  encryptMentionPii,
  migratePrivacy,
  TEST_MASTER_KEY,
  type Keyring,
} from '@hark/privacy';
import {
  createTestDatabase,
  createTestTopics,
  makeMention,
  readMessages,
  testEnv,
  uniqueName,
  waitFor,
} from '@hark/testing';
import type { Kafka, Producer } from 'kafkajs';
import type { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSpec } from '../../src/config.ts';
import { scoringService } from '../../src/main.ts';

const env = testEnv();
const logger = createLogger({
  service: 'sentiment-scoring-test',
  level: process.env.TEST_LOG_LEVEL ?? 'silent',
});
let kafka: Kafka;
let producer: Producer;
let serde: AvroSerde;
let databaseUrl: string;
let pool: Pool;
let keyring: Keyring;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  kafka = createKafka({ clientId: 'sentiment-scoring-test', brokers: env.kafkaBrokers, logger });
  producer = createProducer(kafka);
  await producer.connect();
  serde = createAvroSerde({ registry: createRegistryClient({ url: env.schemaRegistryUrl }) });
  const db = await createTestDatabase();
  databaseUrl = db.url;
  pool = createPool({ url: db.url, logger, max: 4 });
  await migratePrivacy({ pool, logger });
  keyring = createKeyring({ pool, masterKey: TEST_MASTER_KEY, logger });
  cleanups.push(async () => {
    await keyring.close();
    await pool.end();
    await db.drop();
  });
});

afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
  await producer.disconnect();
});

async function startService(): Promise<{
  input: string;
  output: string;
  dlq: string;
  service: RunningService<undefined>;
  registry: Registry;
}> {
  const topics = await createTestTopics(kafka, [
    { prefix: 'scoring-in', partitions: 3 },
    { prefix: 'scoring-out', partitions: 3 },
    { prefix: 'scoring-dlq', partitions: 1 },
  ]);
  cleanups.push(topics.drop);
  const [input, output, dlq] = topics.names as [string, string, string];
  const registry = createMetricsRegistry({ service: 'sentiment-scoring-test', defaults: false });
  // The service as main.ts declares it; its own keyring hears the test keyring's shreds.
  const service = await createService(scoringService, {
    config: parseConfig(configSpec, {
      KAFKA_BROKERS: env.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: env.schemaRegistryUrl,
      DATABASE_URL: databaseUrl,
      HARK_PRIVACY_MASTER_KEY: TEST_MASTER_KEY,
      OPS_PORT: '0',
      INPUT_TOPIC: input,
      OUTPUT_TOPIC: output,
      DLQ_TOPIC: dlq,
      GROUP_ID: uniqueName('sentiment-scoring-test'),
      SENTIMENT_LANGUAGES: 'en,es',
    }),
    logger,
    registry,
  });
  await service.start();
  cleanups.push(() => service.close());
  return { input, output, dlq, service, registry };
}

const author = (id: string) => ({ ...makeMention().author, id, handle: `user${id}` });

describe('sentiment-scoring against the real broker and registry', () => {
  it('scores each mention and produces it to the output topic keyed platform:authorId; an undecodable record goes to dlq with its bytes', async () => {
    const { input, output, dlq, service, registry } = await startService();
    await waitFor(() => service.isConsuming(), {
      timeoutMs: 30_000,
      what: 'the consumer to join its group',
    });

    const encoder = await serde.encoder<Mention>(valueSubject(input), loadSchema('Mention'));
    const mentions = [
      makeMention({
        postId: '101',
        platform: 'x',
        author: author('a1'),
        text: 'Third outage this week @acme, cancelling my subscription 😡',
        keywords: ['@acme'],
      }),
      makeMention({
        postId: '102',
        platform: 'reddit',
        author: author('b2'),
        text: 'Honestly the new router is amazing, setup took 2 minutes 😍',
        keywords: [],
      }),
      makeMention({
        postId: '103',
        platform: 'mastodon',
        author: author('c3'),
        text: 'Where can I buy the Acme Box in Lyon?',
        keywords: ['acme box'],
      }),
      makeMention({
        postId: '104',
        platform: 'x',
        author: author('d4'),
        text: 'El servicio es muy malo, nunca más',
        lang: null,
        keywords: [],
      }),
    ];
    // A producer still on the Mention before `sealed` (an older registered version).
    const mentionSchema = loadSchema('Mention') as { fields: { name: string }[] };
    const olderEncoder = await serde.encoder<Mention>(valueSubject(input), {
      ...mentionSchema,
      fields: mentionSchema.fields.filter((f) => f.name !== 'sealed'),
    } as unknown as ReturnType<typeof loadSchema>);
    const older = makeMention({ postId: '105', author: author('e5'), text: 'meh', keywords: [] });
    const garbage = Buffer.from('not avro at all');
    await producer.send({
      topic: input,
      acks: -1,
      messages: [
        ...mentions.map((m) => ({ key: m.mentionId, value: encoder.encode(m) })),
        { key: older.mentionId, value: olderEncoder.encode(older) },
        { key: 'bad:1', value: garbage },
      ],
    });

    const decoder = serde.decoder<ScoredMention>(loadSchema('ScoredMention'));
    // The service's encoder: the same registered id, so appended bytes must equal its full encode.
    const outEncoder = await serde.encoder<ScoredMention>(
      valueSubject(output),
      loadSchema('ScoredMention'),
    );
    const out = await readMessages(kafka, output, mentions.length + 1, 45_000);
    const scored = new Map<string, { key: string; value: ScoredMention }>();
    for (const m of out) {
      const value = await decoder.decode(m.value!);
      expect(m.value!.equals(outEncoder.encode(value))).toBe(true);
      scored.set(value.mention.postId, { key: m.key!.toString(), value });
    }
    expect(scored.get('105')!.value.mention).toEqual(older);
    scored.delete('105');

    expect(scored.get('101')!.key).toBe('x:a1');
    expect(scored.get('101')!.value.sentiment).toMatchObject({
      label: 'negative',
      lang: 'en',
      model: 'hark-social-en@2',
    });
    expect(scored.get('101')!.value.intent).toMatchObject({
      label: 'churn_risk',
      model: 'hark-intent@1',
    });
    expect(scored.get('101')!.value.theme).toBe('outage');

    expect(scored.get('102')!.key).toBe('reddit:b2');
    expect(scored.get('102')!.value.sentiment.label).toBe('positive');
    expect(scored.get('102')!.value.sentiment.score).toBeGreaterThan(0.25);
    expect(scored.get('102')!.value.intent.label).toBe('praise');
    expect(scored.get('102')!.value.theme).toBe('none');

    expect(scored.get('103')!.key).toBe('mastodon:c3');
    expect(scored.get('103')!.value.intent.label).toBe('purchase_intent');

    expect(scored.get('104')!.value.sentiment).toMatchObject({
      label: 'negative',
      lang: 'es',
      model: 'hark-social-es@1',
    });

    for (const { value } of scored.values()) {
      expect(value.mention).toEqual(mentions.find((m) => m.postId === value.mention.postId));
      expect(value.scoredAt).toBeGreaterThan(0);
      expect(value.intent.confidence).toBeGreaterThan(0);
      expect(value.intent.confidence).toBeLessThanOrEqual(1);
    }

    const [dead] = await readMessages(kafka, dlq, 1, 30_000);
    const letter = await serde.decoder<DeadLetter>(loadSchema('DeadLetter')).decode(dead!.value!);
    expect(letter).toMatchObject({
      stage: 'sentiment-scoring',
      sourceTopic: input,
      errorCode: 'HARK_SERDE_NOT_FRAMED',
    });
    expect(letter.value).toEqual(garbage);
    expect(letter.key).toEqual(Buffer.from('bad:1'));
    expect(dead!.key!.toString()).toBe('bad:1');

    const metrics = await registry.metrics();
    expect(metrics).toMatch(
      /hark_scoring_mentions_total\{sentiment="negative",intent="churn_risk"[^}]*\} 1/,
    );
    expect(metrics).toMatch(
      /hark_dlq_records_total\{stage="sentiment-scoring",code="HARK_SERDE_NOT_FRAMED"[^}]*\} 1/,
    );
    // Written with the current Mention schema: appended; with the older one: encoded in full.
    expect(metrics).toMatch(
      /hark_stage_extended_outputs_total\{stage="sentiment-scoring",output="scored",path="appended"[^}]*\} 4\n/,
    );
    expect(metrics).toMatch(
      /hark_stage_extended_outputs_total\{stage="sentiment-scoring",output="scored",path="writer_schema"[^}]*\} 1\n/,
    );
  });

  it('when mentions are encrypted, the output keeps them encrypted with the clear-text score; a shredded author is dropped as erased, not dead-lettered', async () => {
    const { input, output, dlq, service, registry } = await startService();
    await waitFor(() => service.isConsuming(), { timeoutMs: 30_000, what: 'consumer in group' });
    const keys = await keyring.keysForWrite(['x:keep', 'x:erase']);
    const kept = makeMention({
      postId: '501',
      author: author('keep'),
      text: 'Absolutely love the new Acme app, great job 😍',
    });
    const erased = makeMention({ postId: '502', author: author('erase'), text: 'secret words' });
    const keptEnc = encryptMentionPii(kept, keys.get('x:keep')!);
    const erasedEnc = encryptMentionPii(erased, keys.get('x:erase')!);
    expect(await keyring.shred(['x:erase'])).toBe(1);

    const encoder = await serde.encoder<Mention>(valueSubject(input), loadSchema('Mention'));
    await producer.send({
      topic: input,
      acks: -1,
      messages: [
        { key: erasedEnc.mentionId, value: encoder.encode(erasedEnc) },
        { key: keptEnc.mentionId, value: encoder.encode(keptEnc) },
      ],
    });
    const [out] = await readMessages(kafka, output, 1, 45_000);
    const scored = await serde
      .decoder<ScoredMention>(loadSchema('ScoredMention'))
      .decode(out!.value!);
    expect(scored.mention).toEqual(keptEnc);
    expect(scored.sentiment.label).toBe('positive');
    expect(out!.value!.includes(Buffer.from('love the new Acme'))).toBe(false);
    await waitFor(
      async () =>
        /hark_privacy_erased_records_total\{stage="sentiment-scoring"[^}]*\} 1/.test(
          await registry.metrics(),
        ),
      { timeoutMs: 30_000, what: 'the erased record to be counted' },
    );
    // Erased is not bad input: nothing reached the DLQ, and the offset moved on.
    const admin = kafka.admin();
    await admin.connect();
    try {
      const dlqOffsets = await admin.fetchTopicOffsets(dlq);
      expect(dlqOffsets.reduce((n, o) => n + Number(o.high), 0)).toBe(0);
    } finally {
      await admin.disconnect();
    }
  });
});
