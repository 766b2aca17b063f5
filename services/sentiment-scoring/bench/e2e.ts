/**
 * End-to-end stage throughput through the real broker and registry: Avro
 * Mentions are produced to a fresh input topic, the scoring stage runs
 * in-process (one consumer, as one replica would), and the clock stops when
 * every ScoredMention is acknowledged on the output topic. Needs the local
 * stack (`make stack-up`); prints a note and exits 0 without it.
 *
 *   npm run bench:e2e -w @hark/sentiment-scoring [-- --count 20000]
 */
import { parseArgs } from 'node:util';
import { loadSchema, valueSubject, type Mention } from '@hark/events';
import { createAvroSerde, createKafka, createProducer, createRegistryClient } from '@hark/kafka';
import { createLogger, createMetricsRegistry } from '@hark/observability';
import { parseConfig } from '@hark/config';
import { TEST_MASTER_KEY } from '@hark/privacy';
import { createService } from '@hark/stage-runtime';
import {
  createTestDatabase,
  createTestTopics,
  makeMention,
  testEnv,
  uniqueName,
} from '@hark/testing';
import type { Kafka } from 'kafkajs';
import { configSpec } from '../src/config.ts';
import { scoringService } from '../src/main.ts';
import { loadEvalSet } from './lib/datasets.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '20000' },
  },
});
const count = Number(values.count);
const env = testEnv();
const logger = createLogger({
  service: 'sentiment-scoring-bench',
  level: process.env.LOG_LEVEL ?? 'error',
});

async function sumOffsets(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((a, p) => a + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

const kafka = createKafka({
  clientId: 'sentiment-scoring-bench',
  brokers: env.kafkaBrokers,
  logger,
});
const probe = kafka.admin();
try {
  await probe.connect();
  await probe.disconnect();
} catch {
  console.log(
    `bench:e2e skipped: no Kafka at ${env.kafkaBrokers.join(',')} (run \`make stack-up\`)`,
  );
  process.exit(0);
}

const topics = await createTestTopics(kafka, [
  { prefix: 'bench-in', partitions: 6 },
  { prefix: 'bench-out', partitions: 6 },
  { prefix: 'bench-dlq', partitions: 1 },
]);
const [input, output, dlq] = topics.names as [string, string, string];
const producer = createProducer(kafka);
await producer.connect();
const serde = createAvroSerde({ registry: createRegistryClient({ url: env.schemaRegistryUrl }) });
try {
  const texts = loadEvalSet().map((p) => p.text);
  const encoder = await serde.encoder<Mention>(valueSubject(input), loadSchema('Mention'));
  const produceStart = performance.now();
  for (let i = 0; i < count; i += 1000) {
    const messages = [];
    for (let k = i; k < Math.min(count, i + 1000); k++) {
      const m = makeMention({
        postId: String(k),
        text: texts[k % texts.length]!,
        author: { ...makeMention().author, id: String(k % 5000) },
      });
      messages.push({ key: m.mentionId, value: encoder.encode(m) });
    }
    await producer.send({ topic: input, acks: -1, messages });
  }
  const produceSeconds = (performance.now() - produceStart) / 1000;

  // The keyring of the bench: its own database; the bench's mentions are plain, so it is not hit.
  const keyDb = await createTestDatabase();
  // The stage as main.ts declares it (model loading included), in-process.
  const service = await createService(scoringService, {
    config: parseConfig(configSpec, {
      KAFKA_BROKERS: env.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: env.schemaRegistryUrl,
      DATABASE_URL: keyDb.url,
      HARK_PRIVACY_MASTER_KEY: TEST_MASTER_KEY,
      OPS_PORT: '0',
      INPUT_TOPIC: input,
      OUTPUT_TOPIC: output,
      DLQ_TOPIC: dlq,
      GROUP_ID: uniqueName('sentiment-scoring-bench'),
    }),
    logger,
    registry: createMetricsRegistry({ service: 'sentiment-scoring-bench', defaults: false }),
  });
  const start = performance.now();
  await service.start();
  let first = 0;
  for (;;) {
    const done = await sumOffsets(kafka, output);
    if (done > 0 && first === 0) first = performance.now();
    if (done >= count) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const end = performance.now();
  await service.close();
  await keyDb.drop().catch(() => {});

  const total = (end - start) / 1000;
  const steady = (end - first) / 1000;
  console.log('# sentiment-scoring end-to-end stage throughput (real broker and registry)\n');
  console.log(
    `${count.toLocaleString('en-US')} Avro Mentions on 6 partitions, one stage consumer (all partitions of a fetch in one handler call), batches of 500 per partition, acks=all\n`,
  );
  console.log('| measure | value |');
  console.log('|---|---|');
  console.log(
    `| produce input (setup, not scored) | ${Math.round(count / produceSeconds).toLocaleString('en-US')} msg/s |`,
  );
  console.log(
    `| start → all scored and acknowledged (includes joining the group) | ${total.toFixed(1)} s, ${Math.round(count / total).toLocaleString('en-US')} mentions/s |`,
  );
  console.log(
    `| first output → all (steady state) | ${steady.toFixed(1)} s, ${Math.round(count / steady).toLocaleString('en-US')} mentions/s |`,
  );
} finally {
  await producer.disconnect();
  await topics.drop().catch(() => {});
}
