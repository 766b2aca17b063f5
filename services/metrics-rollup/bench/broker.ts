/**
 * End to end through the real broker: a topic is filled with Avro
 * ResolvedMentions first, then one service instance (the same factory as
 * main.ts) consumes it; the clock runs from the moment both consumers joined
 * their groups until every offset is committed, so it covers fetch, Avro
 * decoding, the rollup transactions and the offset commits.
 *
 *   npm run bench:broker -w @hark/metrics-rollup   (BENCH_MENTIONS, BENCH_BATCH: comma-separated batch sizes)
 */
import { fileURLToPath } from 'node:url';
import { loadSchema, valueSubject, type ResolvedMention } from '@hark/events';
import { createAvroSerde, createKafka, createProducer, createRegistryClient } from '@hark/kafka';
import { createLogger, createMetricsRegistry } from '@hark/observability';
import { createTestDatabase, createTestTopics, testEnv, uniqueName } from '@hark/testing';
import { parseRollupConfig } from '../src/config.ts';
import { createService } from '@hark/stage-runtime';
import { rollupService } from '../src/main.ts';
import { makeWorkload } from './workload.ts';

const COUNT = Number(process.env.BENCH_MENTIONS ?? 100_000);
const BATCHES = (process.env.BENCH_BATCH ?? '500').split(',').map(Number);
const PARTITIONS = 6;
const env = testEnv();
const logger = createLogger({ service: 'metrics-rollup-bench', level: 'error' });
const kafka = createKafka({ clientId: 'metrics-rollup-bench', brokers: env.kafkaBrokers, logger });
const serde = createAvroSerde({ registry: createRegistryClient({ url: env.schemaRegistryUrl }) });
const BRANDS_FILE = fileURLToPath(new URL('../../../deploy/local/brands.yaml', import.meta.url));

console.log(
  `metrics-rollup through Kafka: ${COUNT} Avro mentions pre-loaded on ${PARTITIONS} partitions, one instance\n`,
);
console.log('| BATCH_SIZE | mentions | seconds | mentions/s |');
console.log('|---|---|---|---|');
for (const batch of BATCHES) {
  const topics = await createTestTopics(kafka, [
    { prefix: 'bench-resolved', partitions: PARTITIONS },
    { prefix: 'bench-signals', partitions: 1 },
    { prefix: 'bench-dlq', partitions: 1 },
  ]);
  const [mentionsTopic, signalsTopic, dlqTopic] = topics.names as [string, string, string];
  const db = await createTestDatabase();
  try {
    const enc = await serde.encoder<ResolvedMention>(
      valueSubject(mentionsTopic),
      loadSchema('ResolvedMention'),
    );
    const producer = createProducer(kafka);
    await producer.connect();
    const mentions = makeWorkload({
      count: COUNT,
      authors: 100_000,
      now: Date.now(),
      seed: batch,
    });
    for (let i = 0; i < mentions.length; i += 2000) {
      await producer.send({
        topic: mentionsTopic,
        acks: -1,
        messages: mentions
          .slice(i, i + 2000)
          .map((m) => ({ key: m.mention.mentionId, value: enc.encode(m) })),
      });
    }
    await producer.disconnect();

    const groupId = uniqueName('metrics-rollup-bench');
    const service = await createService(rollupService, {
      config: parseRollupConfig({
        KAFKA_BROKERS: env.kafkaBrokers.join(','),
        OPS_PORT: '0',
        SCHEMA_REGISTRY_URL: env.schemaRegistryUrl,
        DATABASE_URL: db.url,
        MENTIONS_TOPIC: mentionsTopic,
        SIGNALS_TOPIC: signalsTopic,
        DLQ_TOPIC: dlqTopic,
        GROUP_ID: groupId,
        BRANDS_FILE,
        BATCH_SIZE: String(batch),
      }),
      logger,
      registry: createMetricsRegistry({ service: 'metrics-rollup-bench', defaults: false }),
    });
    await service.start();
    // The clock starts once both consumers are in their groups: migrations and the join are not throughput.
    while (!service.isConsuming()) await new Promise((r) => setTimeout(r, 10));
    const started = process.hrtime.bigint();
    const admin = kafka.admin();
    await admin.connect();
    for (;;) {
      const [group] = await admin.fetchOffsets({
        groupId: `${groupId}.mentions`,
        topics: [mentionsTopic],
      });
      const done = group!.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
      if (done >= COUNT) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await admin.disconnect();
    await service.close();
    console.log(
      `| ${batch} | ${COUNT} | ${seconds.toFixed(2)} | **${Math.round(COUNT / seconds)}** |`,
    );
  } finally {
    await db.drop();
    await topics.drop();
  }
}
