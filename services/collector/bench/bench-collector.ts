/**
 * The collector of the HTTP benchmarks, as main.ts builds it, on random topics
 * of the shared stack and a private keyring database; `close` drops them.
 */
import { loadBrandsConfig } from '@hark/brands';
import { createPool } from '@hark/db';
import { createAvroSerde, createKafka, createProducer, createRegistryClient } from '@hark/kafka';
import { createLogger } from '@hark/observability';
import { createKeyring, migratePrivacy, TEST_MASTER_KEY } from '@hark/privacy';
import { createTestDatabase, createTestTopics, testEnv } from '@hark/testing';
import { Registry } from 'prom-client';
import { createMentionPrivacy } from '../src/adapters/mention-privacy.ts';
import { createCollector } from '../src/collector.ts';

export const BENCH_API_KEY = 'bench-key-0123456789abcdef';

export async function startBenchCollector(opts: {
  name: string;
  /** A producer that acknowledges at once: the collector's own cost without the broker. */
  kafkaOff: boolean;
  /** Minimise and seal mentions (main.ts always does). */
  privacy: boolean;
  maxFutureSkewMs: number;
  produceTimeoutMs: number;
}) {
  const env = testEnv();
  const logger = createLogger({ service: opts.name, level: 'warn' });
  const brands = loadBrandsConfig(
    new URL('../../../deploy/local/brands.yaml', import.meta.url).pathname,
  );
  const kafka = createKafka({ clientId: opts.name, brokers: env.kafkaBrokers, logger });
  const topics = await createTestTopics(kafka, [
    { prefix: 'bench.mentions', partitions: 6 },
    { prefix: 'bench.signals' },
    { prefix: 'bench.dlq' },
  ]);
  const registry = new Registry();
  const keyDb = await createTestDatabase();
  const keyPool = createPool({ url: keyDb.url, logger, max: 4 });
  await migratePrivacy({ pool: keyPool, logger });
  const keyring = createKeyring({ pool: keyPool, masterKey: TEST_MASTER_KEY, logger });
  const collector = await createCollector({
    logger,
    registry,
    producer: opts.kafkaOff
      ? { connect: async () => {}, disconnect: async () => {}, sendBatch: async () => [] }
      : createProducer(kafka),
    serde: createAvroSerde({ registry: createRegistryClient({ url: env.schemaRegistryUrl }) }),
    topics: { mentions: topics.names[0]!, signals: topics.names[1]!, dlq: topics.names[2]! },
    brands,
    privacy: opts.privacy
      ? createMentionPrivacy({ keyring, hashEmails: true, redactTextContacts: true, registry })
      : undefined,
    apiKeys: [{ name: 'bench', key: BENCH_API_KEY }],
    limits: {
      bodyLimitBytes: 5 * 1024 * 1024,
      maxItems: 1000,
      maxTextLength: 10_000,
      maxFutureSkewMs: opts.maxFutureSkewMs,
    },
    kafka: { produceTimeoutMs: opts.produceTimeoutMs, circuitOpenMs: 5000 },
  });
  const { port } = await collector.start({ host: '127.0.0.1', port: 0 });
  return {
    brands,
    registry,
    url: `http://127.0.0.1:${port}/v1/mentions`,
    async close() {
      await collector.close();
      await topics.drop();
      await keyring.close();
      await keyPool.end();
      await keyDb.drop();
    },
  };
}
