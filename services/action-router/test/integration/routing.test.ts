import { createPool, type Pool } from '@hark/db';
import { loadSchema, valueSubject, type Action, type ResolvedMention } from '@hark/events';
import { createAvroSerde, createKafka, createProducer, createRegistryClient } from '@hark/kafka';
import { createLogger, createMetricsRegistry } from '@hark/observability';
import {
  createTestDatabase,
  createTestTopics,
  makeMention,
  makeResolvedMention,
  readMessages,
  testEnv,
  uniqueName,
  waitFor,
} from '@hark/testing';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../../src/domain/delivery.ts';
import { createService } from '@hark/stage-runtime';
import { actionRouter, type ActionRouter } from '../../src/main.ts';
import { startReceiver, testConfig } from './helpers.ts';

const SECRET = 'integration-test-secret-0123456789';
const env = testEnv();
const logger = createLogger({ service: 'action-router-test', level: 'silent' });
const kafka = createKafka({ clientId: 'action-router-test', brokers: env.kafkaBrokers, logger });
const serde = createAvroSerde({ registry: createRegistryClient({ url: env.schemaRegistryUrl }) });

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: Pool;
let topics: Awaited<ReturnType<typeof createTestTopics>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let router: ActionRouter;
let producer: Producer;
let input: string, actionsTopic: string, dlqTopic: string;
const groupId = uniqueName('action-router');

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPool({ url: db.url, logger });
  topics = await createTestTopics(kafka, [
    { prefix: 'resolved', partitions: 2 },
    { prefix: 'actions', partitions: 2 },
    { prefix: 'alerts', partitions: 1 },
    { prefix: 'dlq', partitions: 1 },
  ]);
  [input, actionsTopic, , dlqTopic] = topics.names as [string, string, string, string];
  // Fails twice, then accepts: the action must arrive exactly once after the retries.
  receiver = await startReceiver([503, 500, 200]);
  router = await createService(actionRouter, {
    config: testConfig({
      DATABASE_URL: db.url,
      INPUT_TOPIC: input,
      ACTIONS_TOPIC: actionsTopic,
      ALERTS_TOPIC: topics.names[2]!,
      DLQ_TOPIC: dlqTopic,
      GROUP_ID: groupId,
      ACTION_WEBHOOK_URL: receiver.url,
      ACTION_WEBHOOK_SECRET: SECRET,
      ALERTS_ENABLED: 'false',
    }),
    logger,
    registry: createMetricsRegistry({ service: 'action-router-test' }),
  });
  await router.start();
  await waitFor(() => router.isConsuming(), {
    timeoutMs: 30_000,
    what: 'consumers in their groups',
  });
  producer = createProducer(kafka);
  await producer.connect();
});

afterAll(async () => {
  await producer?.disconnect();
  await router?.close();
  await receiver?.close();
  await topics?.drop();
  await pool?.end();
  await db?.drop();
});

async function send(m: ResolvedMention): Promise<void> {
  const enc = await serde.encoder<ResolvedMention>(
    valueSubject(input),
    loadSchema('ResolvedMention'),
  );
  await producer.send({
    topic: input,
    messages: [{ key: m.mention.mentionId, value: enc.encode(m) }],
  });
}

describe('action-router on the real stack', () => {
  it('a complaint from a known gold customer becomes an urgent customer-service Action on the topic and at the webhook, once, after two failed attempts', async () => {
    const complaint = makeResolvedMention({
      mention: makeMention({
        postId: '990001',
        text: 'My acme router keeps dropping, third time today',
        createdAt: Date.now() - 60_000,
      }),
    });
    await send(complaint);

    const [message] = await readMessages(kafka, actionsTopic, 1, 30_000);
    const action = await serde.decoder<Action>(loadSchema('Action')).decode(message!.value!);
    expect(message!.key!.toString()).toBe('vip-complaint:x:990001');
    expect(action).toMatchObject({
      actionId: 'vip-complaint:x:990001',
      queue: 'customer-service',
      priority: 'urgent',
      ruleId: 'vip-complaint',
      mention: {
        mentionId: 'x:990001',
        customerId: 'CRM-000042',
        customerTier: 'gold',
        intentLabel: 'complaint',
        text: 'My acme router keeps dropping, third time today',
      },
    });
    expect(action.rulesVersion).toMatch(/^2026-11-24\.\d+\+[0-9a-f]{8}$/);

    const delivered = await waitFor(() => receiver.requests.find((r) => r.status === 200), {
      timeoutMs: 20_000,
      what: 'a successful webhook delivery',
    });
    const body = JSON.parse(delivered.body) as {
      action: Action;
      deliveryAttempt: number;
      sentAt: number;
    };
    expect(
      verifySignature(SECRET, delivered.body, delivered.headers['x-hark-signature'] as string),
    ).toBe(true);
    expect(
      verifySignature(
        'another-secret-0123456789',
        delivered.body,
        delivered.headers['x-hark-signature'] as string,
      ),
    ).toBe(false);
    expect(delivered.headers['x-hark-action-id']).toBe('vip-complaint:x:990001');
    expect(delivered.headers['x-hark-timestamp']).toBe(String(body.sentAt));
    expect(body.deliveryAttempt).toBe(3);
    expect(body.action).toEqual(action);
    expect(receiver.requests.map((r) => r.status)).toEqual([503, 500, 200]);
    const { rows } = await pool.query(
      `select status, attempts, last_http_status from action_outbox where action_id = $1`,
      ['vip-complaint:x:990001'],
    );
    expect(rows).toEqual([{ status: 'delivered', attempts: 3, last_http_status: 200 }]);
  });

  it('the same mention delivered again (a retry upstream) is the same action id and is not delivered a second time', async () => {
    const before = receiver.requests.length;
    await send(
      makeResolvedMention({
        mention: makeMention({ postId: '990001', revision: 5, createdAt: Date.now() - 30_000 }),
      }),
    );
    // The second Action record carries the same key; the outbox keeps the first row.
    const messages = await readMessages(kafka, actionsTopic, 2, 30_000);
    expect(messages.map((m) => m.key!.toString())).toEqual([
      'vip-complaint:x:990001',
      'vip-complaint:x:990001',
    ]);
    await waitFor(async () => (await committed(`${groupId}.webhook`, actionsTopic)) === 2, {
      timeoutMs: 20_000,
      what: 'the webhook consumer to commit both action records',
    });
    await new Promise((r) => setTimeout(r, 1000));
    expect(receiver.requests.length).toBe(before);
    const { rows } = await pool.query('select count(*)::int as n from action_outbox');
    expect(rows[0].n).toBe(1);
  });

  it('praise routes nowhere and an undecodable record goes to the dlq with its reason', async () => {
    const base = makeResolvedMention();
    await send(
      makeResolvedMention({
        mention: makeMention({ postId: '990002', createdAt: Date.now() }),
        intent: { ...base.intent, label: 'praise' },
      }),
    );
    await producer.send({
      topic: input,
      messages: [{ key: 'x:bad', value: Buffer.from('not avro') }],
    });
    const [dead] = await readMessages(kafka, dlqTopic, 1, 30_000);
    const letter = await serde.decoder(loadSchema('DeadLetter')).decode(dead!.value!);
    expect(letter).toMatchObject({
      stage: 'action-router.rules',
      errorCode: 'HARK_SERDE_NOT_FRAMED',
    });
    const { rows } = await pool.query('select count(*)::int as n from action_outbox');
    expect(rows[0].n).toBe(1);
  });
});

async function committed(group: string, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return offsets!.partitions.reduce((s, p) => s + Math.max(0, Number(p.offset)), 0);
  } finally {
    await admin.disconnect();
  }
}
