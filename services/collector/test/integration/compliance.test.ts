import { loadSchema, type ComplianceEvent } from '@hark/events';
import { createKafka } from '@hark/kafka';
import { createTestTopics, readMessages } from '@hark/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { env, logger, post, startCollector, type Harness } from './harness.ts';

let h: Harness;
let topics: { names: string[]; drop: () => Promise<void> };
let complianceTopic: string;

beforeAll(async () => {
  const kafka = createKafka({
    clientId: 'collector-compliance-test',
    brokers: env.kafkaBrokers,
    logger,
  });
  topics = await createTestTopics(kafka, [
    { prefix: 'mentions' },
    { prefix: 'signals' },
    { prefix: 'dlq' },
    { prefix: 'compliance', partitions: 2 },
  ]);
  const [mentions, signals, dlq, compliance] = topics.names as [string, string, string, string];
  complianceTopic = compliance;
  const withCompliance = { mentions, signals, dlq, compliance };
  h = await startCollector({ topics: withCompliance });
}, 90_000);

afterAll(async () => {
  await h?.close();
  await topics?.drop().catch(() => {});
});

describe('POST /v1/compliance on the real broker', () => {
  it('answers 202 once Kafka holds the events, keyed and deterministic, ids only', async () => {
    const res = await post(h.url, '/v1/compliance', [
      { kind: 'post_deleted', platform: 'x', postId: '1860000000000000999', authorId: '42' },
      { kind: 'account_deleted', platform: 'bluesky', authorId: 'did:plc:zzz' },
    ]);
    expect(res.status).toBe(202);
    const decoder = h.serde.decoder<ComplianceEvent>(loadSchema('ComplianceEvent'));
    const messages = await readMessages(h.kafka, complianceTopic, 2, 30_000);
    const events = await Promise.all(
      messages.map(async (m) => ({
        key: m.key?.toString(),
        value: await decoder.decode(m.value!),
      })),
    );
    expect(events.sort((a, b) => (a.key! < b.key! ? -1 : 1))).toEqual([
      {
        key: 'bluesky:did:plc:zzz',
        value: expect.objectContaining({
          eventId: 'account_deleted:bluesky:did:plc:zzz',
          kind: 'account_deleted',
          authorId: 'did:plc:zzz',
          source: 'http:it',
        }),
      },
      {
        key: 'x:1860000000000000999',
        value: expect.objectContaining({
          eventId: 'post_deleted:x:1860000000000000999',
          kind: 'post_deleted',
          mentionId: 'x:1860000000000000999',
          authorId: '42',
        }),
      },
    ]);
  });

  it('an edit through /v1/mentions carries its revision on mentions.raw', async () => {
    const editedAt = Date.now() - 1000;
    const res = await post(h.url, '/v1/mentions', {
      platform: 'x',
      id: '1860000000000000777',
      author: { id: '42', handle: 'someone' },
      text: 'Acme support fixed it after all',
      createdAt: new Date(Date.now() - 3_600_000).toISOString(),
      editedAt,
    });
    expect(res.status).toBe(202);
    const [m] = await h.storedMentions(1);
    expect(m!.value.revision).toBe(editedAt);
  });
});
