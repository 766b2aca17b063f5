/**
 * The erasure orchestrator when Kafka fails between the PostgreSQL
 * transaction and the acknowledgement: the request stays pending with its
 * outbox, and running the same erase again resumes it (no second request,
 * no second erasure, the same events). Real PostgreSQL; the producer is a
 * stand-in that refuses on demand (the broker path itself is covered by
 * privacy.test.ts).
 */
import { createPool, migrate, type Pool } from '@hark/db';
import type { ComplianceEvent } from '@hark/events';
import type { Encoder } from '@hark/kafka';
import { createLogger } from '@hark/observability';
import { createKeyring, migratePrivacy, TEST_MASTER_KEY, type Keyring } from '@hark/privacy';
import { createTestDatabase } from '@hark/testing';
import type { ProducerRecord } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrivacyService, type PrivacyService } from '../../src/adapters/privacy-service.ts';
import { MIGRATIONS_DIR, SERVICE } from '../../src/schema.ts';

const logger = createLogger({ service: 'privacy-resume-test', level: 'silent' });
const json = {
  subject: 'compliance-value',
  encode: (e: ComplianceEvent) => Buffer.from(JSON.stringify(e)),
} as unknown as Encoder<ComplianceEvent>;

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: Pool;
let keyring: Keyring;
let failNext = 0;
const sent: ProducerRecord[] = [];
let privacy: PrivacyService;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPool({ url: db.url, logger, max: 4 });
  await migratePrivacy({ pool, logger });
  await migrate({ pool, scope: SERVICE, dir: MIGRATIONS_DIR, logger });
  keyring = createKeyring({ pool, masterKey: TEST_MASTER_KEY, listen: false });
  privacy = createPrivacyService({
    pool,
    producer: {
      send: async (record: ProducerRecord) => {
        if (failNext > 0) {
          failNext--;
          throw new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
        }
        sent.push(record);
        return [];
      },
    },
    complianceEncoder: json,
    topics: { links: 'links', compliance: 'compliance' },
    secret: Buffer.from('resume-test-secret'),
    shred: (refs, client) => keyring.shred(refs, client),
    logger,
  });
  const { rows } = await pool.query<{ id: string }>(
    `insert into customers (external_id, full_name, emails) values ('RES-1', 'Orla Vantreece', '{orla@res.example}') returning id`,
  );
  await pool.query(
    `insert into social_identities (platform, author_id, handle, customer_id, confidence, method, status)
     values ('x', '801', 'orlav', $1, 1, 'handle', 'linked')`,
    [rows[0]!.id],
  );
  await keyring.keysForWrite(['x:801']);
}, 60_000);

afterAll(async () => {
  await keyring?.close();
  await pool?.end();
  await db?.drop();
});

describe('an erasure interrupted by Kafka', () => {
  it('fails with a clear retriable error after erasing in PostgreSQL, keeping the outbox', async () => {
    failNext = 1;
    await expect(
      privacy.erase({
        subject: { kind: 'customer', customerId: 'RES-1' },
        requestedBy: 'dpo',
        reason: 'gdpr-art17',
        source: 'privacy-cli',
      }),
    ).rejects.toMatchObject({
      code: 'HARK_KAFKA_UNAVAILABLE',
      message: expect.stringContaining('run the same erase again to resume'),
    });
    const audit = await pool.query(`select status, erased_at, propagated_at from privacy_audit`);
    expect(audit.rows).toEqual([
      { status: 'pending', erased_at: expect.any(Date), propagated_at: null },
    ]);
    const outbox = await pool.query(`select kind, key from privacy_outbox order by kind, key`);
    expect(outbox.rows).toEqual([
      { kind: 'compliance_event', key: 'customer:RES-1' },
      { kind: 'compliance_event', key: 'x:801' },
      { kind: 'link_tombstone', key: 'x:801' },
    ]);
    const c = await pool.query(
      `select full_name, erased_at from customers where external_id = 'RES-1'`,
    );
    expect(c.rows[0].full_name).toBeNull();
  });

  it('the same erase again resumes the request: one request, outbox produced, then cleared', async () => {
    const status = await privacy.erase({
      subject: { kind: 'customer', customerId: 'RES-1' },
      requestedBy: 'dpo',
      reason: 'gdpr-art17',
      source: 'privacy-cli',
    });
    expect(status).toMatchObject({ status: 'pending', resumed: true, waitingFor: 2 });
    expect(status.audit.counts).toMatchObject({ linksRemoved: 1, keysShredded: 1, events: 2 });
    const audits = await pool.query(`select count(*)::int as n from privacy_audit`);
    expect(audits.rows[0].n).toBe(1);
    expect(sent.map((r) => [r.topic, r.messages.map((m) => m.key)])).toEqual([
      ['links', ['x:801']],
      ['compliance', ['customer:RES-1', 'x:801']],
    ]);
    expect(sent[0]!.messages[0]!.value).toBeNull();
    expect(sent.every((r) => r.acks === -1)).toBe(true);
    const outbox = await pool.query(`select count(*)::int as n from privacy_outbox`);
    expect(outbox.rows[0].n).toBe(0);
    // The events name the request; the ids in them are digests of the subjects.
    const events = sent[1]!.messages.map((m) => JSON.parse(String(m.value)) as ComplianceEvent);
    expect(events.map((e) => e.requestId)).toEqual([status.requestId, status.requestId]);
    expect(new Set(events.map((e) => e.eventId))).toEqual(new Set(status.audit.eventIds));
  });

  it('waitForCompletion gives up at its timeout and leaves the request pending', async () => {
    const { rows } = await pool.query<{ request_id: string }>(
      `select request_id from privacy_audit`,
    );
    const started = Date.now();
    const s = await privacy.waitForCompletion(rows[0]!.request_id, { timeoutMs: 600, pollMs: 100 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(s).toMatchObject({ status: 'pending', waitingFor: 2 });
  });
});
