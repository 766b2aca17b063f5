import { HarkError } from '@hark/errors';
import { loadSchema, valueSubject, type BrandSignal, type DeadLetter } from '@hark/events';
import { createAvroSerde, createKafka, createProducer, createRegistryClient } from '@hark/kafka';
import { parseConfig, setting, str } from '@hark/config';
import { createLifecycle, createLogger, createMetricsRegistry } from '@hark/observability';
import { TEST_MASTER_KEY } from '@hark/privacy';
import {
  createTestDatabase,
  createTestTopics,
  makeBrandSignal,
  readMessages,
  testEnv,
  uniqueName,
  waitFor,
} from '@hark/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService, defineService, stageSettings } from '../../src/index.ts';

const env = testEnv();
const logger = createLogger({ service: 'stage-runtime-test', level: 'silent' });
const kafka = createKafka({ clientId: 'stage-runtime-test', brokers: env.kafkaBrokers, logger });
const serde = createAvroSerde({ registry: createRegistryClient({ url: env.schemaRegistryUrl }) });
const cleanups: (() => Promise<void>)[] = [];

/** A tiny stage: brand signals in, each value doubled out; a negative value is rejected. */
const doubler = defineService({
  name: 'doubler',
  config: {
    ...stageSettings({ service: 'doubler', opsPort: 9199 }),
    inputTopic: setting({ env: 'INPUT_TOPIC', doc: 'signals in', parse: str() }),
    outputTopic: setting({ env: 'OUTPUT_TOPIC', doc: 'doubled signals out', parse: str() }),
  },
  database: {},
  outputs: { doubled: { event: 'BrandSignal', topic: (c) => c.outputTopic } },
  setup: ({ config, input }) => {
    let ticks = 0;
    return {
      inputs: [
        input({
          name: 'signals',
          topic: config.inputTopic,
          event: 'BrandSignal',
          handle: async (records) => ({
            outputs: records
              .filter((r) => r.value.value >= 0)
              .map((r) => ({
                output: 'doubled' as const,
                key: r.value.signalId,
                value: { ...r.value, value: r.value.value * 2 },
              })),
            failures: records
              .filter((r) => r.value.value < 0)
              .map((record) => ({
                record,
                error: new HarkError('HARK_STAGE_PROCESSING_FAILED', 'negative signal'),
              })),
          }),
        }),
      ],
      components: [{ name: 'ticker', start: () => void ticks++, close: () => void ticks-- }],
    };
  },
});

let topics: string[];
let databaseUrl: string;

beforeAll(async () => {
  const created = await createTestTopics(kafka, [
    { prefix: 'tiny-in', partitions: 2 },
    { prefix: 'tiny-out', partitions: 1 },
    { prefix: 'tiny-dlq', partitions: 1 },
  ]);
  cleanups.push(created.drop);
  topics = created.names;
  const db = await createTestDatabase();
  cleanups.push(db.drop);
  databaseUrl = db.url;
});

afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

describe('a declared stage on the real stack', () => {
  it('turns input into typed outputs, dead-letters a bad record with its bytes, and shuts down in order', async () => {
    const [input, output, dlq] = topics as [string, string, string];
    // Records the order the lifecycle closes the parts in.
    const lifecycle = createLifecycle({ logger, exit: () => {} });
    const closed: string[] = [];
    const recording = {
      ...lifecycle,
      onShutdown: (name: string, close: () => Promise<void> | void) =>
        lifecycle.onShutdown(name, async () => {
          closed.push(name);
          await close();
        }),
    };
    const service = await createService(doubler, {
      config: parseConfig(doubler.config, {
        KAFKA_BROKERS: env.kafkaBrokers.join(','),
        SCHEMA_REGISTRY_URL: env.schemaRegistryUrl,
        DATABASE_URL: databaseUrl,
        HARK_PRIVACY_MASTER_KEY: TEST_MASTER_KEY,
        OPS_PORT: '0',
        INPUT_TOPIC: input,
        OUTPUT_TOPIC: output,
        DLQ_TOPIC: dlq,
        GROUP_ID: uniqueName('doubler'),
      }),
      logger,
      registry: createMetricsRegistry({ service: 'stage-runtime-test', defaults: false }),
      lifecycle: recording,
    });
    const { port } = await service.start();
    await waitFor(() => service.isConsuming(), { timeoutMs: 30_000, what: 'the consumer' });
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { consumers: true, database: true },
    });

    const encoder = await serde.encoder<BrandSignal>(
      valueSubject(input),
      loadSchema('BrandSignal'),
    );
    const good = makeBrandSignal({ value: 21 });
    const negative = { ...makeBrandSignal({ value: -1 }), signalId: 'neg' };
    const producer = createProducer(kafka);
    await producer.connect();
    await producer.send({
      topic: input,
      acks: -1,
      messages: [
        { key: 'a', value: encoder.encode(good) },
        { key: 'b', value: Buffer.from('not avro') },
        { key: 'c', value: encoder.encode(negative) },
      ],
    });
    await producer.disconnect();

    const [doubled] = await readMessages(kafka, output, 1, 30_000);
    const value = await serde
      .decoder<BrandSignal>(loadSchema('BrandSignal'))
      .decode(doubled!.value!);
    expect(doubled!.key!.toString()).toBe(good.signalId);
    expect(value.value).toBe(42);
    const letters = await Promise.all(
      (await readMessages(kafka, dlq, 2, 30_000)).map((m) =>
        serde.decoder<DeadLetter>(loadSchema('DeadLetter')).decode(m.value!),
      ),
    );
    expect(letters.map((l) => [l.stage, l.errorCode]).sort()).toEqual([
      ['doubler.signals', 'HARK_SERDE_NOT_FRAMED'],
      ['doubler.signals', 'HARK_STAGE_PROCESSING_FAILED'],
    ]);
    expect(letters.find((l) => l.errorCode === 'HARK_SERDE_NOT_FRAMED')!.value).toEqual(
      Buffer.from('not avro'),
    );

    await service.close();
    expect(closed).toEqual([
      'readiness',
      'consumers',
      'ticker',
      'producer',
      'ops server',
      'database pool',
    ]);
  });
});
