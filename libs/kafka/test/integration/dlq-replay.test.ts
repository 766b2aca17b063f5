import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { loadSchema, valueSubject, type DeadLetter, type Mention } from '@hark/events';
import { createLogger } from '@hark/observability';
import {
  createTestTopics,
  makeDeadLetter,
  makeMention,
  readMessages,
  testEnv,
} from '@hark/testing';
import type { Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAvroSerde,
  createKafka,
  createProducer,
  createRegistryClient,
  type AvroSerde,
} from '../../src/index.ts';
import {
  REPLAYED_FROM_HEADER,
  createReplayer,
  replayDecision,
  scanDeadLetters,
} from '../../src/dlq-replay.ts';

const env = testEnv();
const logger = createLogger({ service: 'dlq-test', level: 'silent' });
const HARK = fileURLToPath(new URL('../../../../bin/hark', import.meta.url));
let kafka: Kafka;
let producer: Producer;
let serde: AvroSerde;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  kafka = createKafka({ clientId: 'dlq-test', brokers: env.kafkaBrokers, logger });
  producer = createProducer(kafka);
  await producer.connect();
  serde = createAvroSerde({ registry: createRegistryClient({ url: env.schemaRegistryUrl }) });
});

afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
  await producer.disconnect();
});

/** A dlq topic holding: two mentions the scorer gave up on, one HTTP refusal, one rollup failure. */
async function plantDeadLetters() {
  const t = await createTestTopics(kafka, [
    { prefix: 'dlq', partitions: 2 },
    { prefix: 'raw', partitions: 1 },
  ]);
  cleanups.push(t.drop);
  const [dlq, raw] = t.names as [string, string];
  const mentionEnc = await serde.encoder<Mention>(valueSubject(raw), loadSchema('Mention'));
  const dlEnc = await serde.encoder<DeadLetter>(valueSubject(dlq), loadSchema('DeadLetter'));
  const originals = [makeMention({ postId: '101' }), makeMention({ postId: '102' })].map((m) => ({
    key: Buffer.from(m.mentionId),
    value: mentionEnc.encode(m),
  }));
  const letters: DeadLetter[] = [
    ...originals.map((o, i) =>
      makeDeadLetter({
        stage: 'sentiment-scoring',
        errorCode: 'HARK_DB_UNAVAILABLE',
        sourceTopic: raw,
        sourcePartition: 0,
        sourceOffset: i,
        key: o.key,
        value: o.value,
        headers: { traceparent: Buffer.from(`t${i}`) },
      }),
    ),
    makeDeadLetter({
      stage: 'collector',
      sourceTopic: 'http',
      sourcePartition: -1,
      sourceOffset: -1,
    }),
    makeDeadLetter({
      stage: 'metrics-rollup',
      errorCode: 'HARK_ROLLUP_TOO_LATE',
      sourceTopic: raw,
    }),
  ];
  await producer.send({
    topic: dlq,
    acks: -1,
    messages: letters.map((l, i) => ({ key: `k${i}`, value: dlEnc.encode(l), partition: i % 2 })),
  });
  // Something that is not a DeadLetter at all: reported, not fatal.
  await producer.send({
    topic: dlq,
    acks: -1,
    messages: [{ key: 'x', value: Buffer.from('junk') }],
  });
  return { dlq, raw, originals };
}

describe('dead-letter replay', () => {
  it('scans to the end offsets it started with and replays the original bytes and headers', async () => {
    const { dlq, raw, originals } = await plantDeadLetters();
    const decoder = serde.decoder<DeadLetter>(loadSchema('DeadLetter'));
    const seen: string[] = [];
    const bad: string[] = [];
    const replayer = createReplayer(producer);
    const { scanned } = await scanDeadLetters({
      kafka,
      topic: dlq,
      decoder,
      onUndecodable: (p, o) => bad.push(`${p}@${o}`),
      onRecord: async (r) => {
        seen.push(r.letter.stage);
        const d = replayDecision(r.letter);
        if (d.replay && r.letter.stage === 'sentiment-scoring') await replayer.add(r, d.topic, dlq);
      },
    });
    await replayer.flush();
    expect(scanned).toBe(5);
    expect(bad).toHaveLength(1);
    expect(seen.sort()).toEqual([
      'collector',
      'metrics-rollup',
      'sentiment-scoring',
      'sentiment-scoring',
    ]);
    expect(replayer.sent).toBe(2);

    const back = await readMessages(kafka, raw, 2);
    expect(back.map((m) => m.value!.toString('hex')).sort()).toEqual(
      originals.map((o) => o.value.toString('hex')).sort(),
    );
    expect(back.map((m) => m.key!.toString()).sort()).toEqual(['x:101', 'x:102']);
    for (const m of back) {
      expect(m.headers?.traceparent?.toString()).toMatch(/^t[01]$/);
      expect(m.headers?.[REPLAYED_FROM_HEADER]?.toString()).toMatch(
        new RegExp(`^${dlq}:[01]:\\d+$`),
      );
    }
  });

  it('hark dlq list and replay work from the command line with filters', async () => {
    const { dlq, raw } = await plantDeadLetters();
    const run = (...args: string[]) =>
      promisify(execFile)(HARK, ['dlq', ...args], {
        env: {
          ...process.env,
          KAFKA_BROKERS: env.kafkaBrokers.join(','),
          SCHEMA_REGISTRY_URL: env.schemaRegistryUrl,
          DLQ_TOPIC: dlq,
        },
        timeout: 60_000,
      });
    const list = JSON.parse((await run('list', '--json')).stdout) as {
      scanned: number;
      matching: number;
      undecodable: number;
      rows: { stage: string; count: number }[];
    };
    expect(list).toMatchObject({ scanned: 5, matching: 4, undecodable: 1 });
    expect(list.rows[0]).toMatchObject({ stage: 'sentiment-scoring', count: 2 });

    const dry = await run('replay', '--stage', 'sentiment-scoring', '--dry-run');
    expect(dry.stdout).toContain(`would replay 2 to ${raw}`);

    const real = await run('replay', '--code', 'HARK_DB_UNAVAILABLE');
    expect(real.stdout).toContain(`replayed 2 to ${raw}`);
    expect(await readMessages(kafka, raw, 2)).toHaveLength(2);

    const http = await run('replay', '--stage', 'collector');
    expect(http.stdout).toContain('nothing to replay');
    expect(http.stdout).toContain('skipped 1: refused at the HTTP API');
  });
});
