import { loadBrandsConfig } from '@hark/brands';
import type { Pool } from '@hark/db';
import { loadSchema, type BrandSignal, type DeadLetter, type Mention } from '@hark/events';
import {
  createAvroSerde,
  createKafka,
  createProducer,
  createRegistryClient,
  type AvroSerde,
} from '@hark/kafka';
import { createLogger } from '@hark/observability';
import {
  createKeyring,
  decryptMentionPii,
  migratePrivacy,
  TEST_MASTER_KEY,
  type Keyring,
} from '@hark/privacy';
import { createPool } from '@hark/db';
import { createTestDatabase, createTestTopics, readMessages, testEnv } from '@hark/testing';
import type { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { createCollector, type Collector, type CollectorOptions } from '../../src/collector.ts';
import { createMentionPrivacy } from '../../src/adapters/mention-privacy.ts';
import type { SourcesConfig } from '../../src/domain/sources-config.ts';

export const API_KEY = 'integration-key-0123456789';
export const env = testEnv();
export const logger = createLogger({
  service: 'collector-test',
  level: process.env.TEST_LOG_LEVEL ?? 'silent',
});
export const brands = loadBrandsConfig(
  new URL('../../../../deploy/local/brands.yaml', import.meta.url).pathname,
);

export interface Harness {
  collector: Collector;
  /** Base URL of the collector's API on a random loopback port. */
  url: string;
  kafka: Kafka;
  serde: AvroSerde;
  topics: { mentions: string; signals: string; dlq: string };
  metrics: Registry;
  /** Decoded Mentions from the test topic (waits for `n`), personal fields decrypted. */
  mentions(n: number): Promise<{ key: string; value: Mention }[]>;
  /** Decoded Mentions as stored: personal fields still encrypted. */
  storedMentions(n: number): Promise<{ key: string; value: Mention }[]>;
  /** The keyring the collector encrypts with (on this harness's own test database). */
  keyring: Keyring;
  signals(n: number): Promise<{ key: string; value: BrandSignal }[]>;
  deadLetters(n: number): Promise<{ key: string | null; value: DeadLetter }[]>;
  /** Records on a topic (sum of high watermarks): proves what was not produced. */
  count(topic: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * The collector built through the same factory main.ts uses, on random test
 * topics of the shared broker (or `brokers`), listening on port 0.
 */
export async function startCollector(
  opts: {
    brokers?: string[];
    sources?: SourcesConfig;
    pool?: Pool;
    kafkaTimeouts?: CollectorOptions['kafka'];
    pollers?: CollectorOptions['pollers'];
    topics?: Harness['topics'];
    /** Pool of the keyring; a private test database by default. */
    keyringPool?: Pool;
    http?: CollectorOptions['http'];
  } = {},
): Promise<Harness> {
  const brokers = opts.brokers ?? env.kafkaBrokers;
  const kafka = createKafka({
    clientId: 'collector-test',
    brokers,
    logger,
    config: { retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 } },
  });
  let topics = opts.topics;
  let drop = async () => {};
  if (!topics) {
    const created = await createTestTopics(kafka, [
      { prefix: 'mentions' },
      { prefix: 'signals' },
      { prefix: 'dlq' },
    ]);
    topics = { mentions: created.names[0]!, signals: created.names[1]!, dlq: created.names[2]! };
    drop = created.drop;
  }
  const serde = createAvroSerde({ registry: createRegistryClient({ url: env.schemaRegistryUrl }) });
  const metrics = new Registry();
  // The keyring lives in its own database so tests never share keys.
  const keyDb = opts.keyringPool ? undefined : await createTestDatabase();
  const keyPool = opts.keyringPool ?? createPool({ url: keyDb!.url, logger, max: 4 });
  await migratePrivacy({ pool: keyPool, logger });
  const keyring = createKeyring({ pool: keyPool, masterKey: TEST_MASTER_KEY, logger });
  const collector = await createCollector({
    logger,
    registry: metrics,
    producer: createProducer(kafka),
    serde,
    topics,
    brands,
    sources: opts.sources,
    pool: opts.pool,
    privacy: createMentionPrivacy({
      keyring,
      hashEmails: true,
      redactTextContacts: true,
      registry: metrics,
    }),
    apiKeys: [{ name: 'it', key: API_KEY }],
    limits: {
      bodyLimitBytes: 1024 * 1024,
      maxItems: 1000,
      maxTextLength: 10_000,
      maxFutureSkewMs: 3_600_000,
    },
    kafka: opts.kafkaTimeouts ?? { produceTimeoutMs: 5000, circuitOpenMs: 2000 },
    pollers: opts.pollers,
    http: opts.http,
  });
  const { port } = await collector.start({ host: '127.0.0.1', port: 0 });
  const read = async <T>(
    topic: string,
    schema: 'Mention' | 'BrandSignal' | 'DeadLetter',
    n: number,
  ) => {
    const decoder = serde.decoder<T>(loadSchema(schema));
    // Generous: a restarted private broker can take a while to serve fetches on a loaded machine.
    const messages = await readMessages(kafka, topic, n, 90_000);
    return Promise.all(
      messages.map(async (m) => {
        const { key, value } = m as unknown as { key: Buffer | null; value: Buffer | null };
        return { key: key?.toString() ?? null, value: await decoder.decode(value!) };
      }),
    );
  };
  return {
    collector,
    url: `http://127.0.0.1:${port}`,
    kafka,
    serde,
    topics,
    metrics,
    keyring,
    storedMentions: (n) =>
      read<Mention>(topics.mentions, 'Mention', n) as Promise<{ key: string; value: Mention }[]>,
    async mentions(n) {
      const stored = (await read<Mention>(topics.mentions, 'Mention', n)) as {
        key: string;
        value: Mention;
      }[];
      return Promise.all(
        stored.map(async ({ key, value }) => {
          const d = await decryptMentionPii(value, keyring);
          if (d.status !== 'clear') throw new Error(`mention ${key} is erased`);
          return { key, value: d.value };
        }),
      );
    },
    signals: (n) =>
      read<BrandSignal>(topics.signals, 'BrandSignal', n) as Promise<
        { key: string; value: BrandSignal }[]
      >,
    deadLetters: (n) => read<DeadLetter>(topics.dlq, 'DeadLetter', n),
    async count(topic) {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const offsets = await admin.fetchTopicOffsets(topic);
        return offsets.reduce((sum, o) => sum + Number(o.high), 0);
      } finally {
        await admin.disconnect();
      }
    },
    async close() {
      await collector.close();
      await keyring.close();
      if (keyDb) {
        await keyPool.end();
        await keyDb.drop().catch(() => {});
      }
      await drop().catch(() => {});
    },
  };
}

export function post(
  base: string,
  path: string,
  body: string | object,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
