/**
 * Erasure and access requests against the real service: PostgreSQL, Kafka
 * and the registry of the local stack, the HTTP API and the compliance
 * consumer. metrics-rollup is not running here: its report is written by
 * the test where the flow waits for it (test/e2e/privacy.test.ts runs the
 * whole pipeline).
 */
import { parseConfig } from '@hark/config';
import { createPool, type Pool } from '@hark/db';
import { loadSchema, valueSubject, type ComplianceEvent } from '@hark/events';
import {
  createAvroSerde,
  createKafka,
  createProducer,
  createRegistryClient,
  type Encoder,
} from '@hark/kafka';
import { createLogger, createMetricsRegistry } from '@hark/observability';
import { createKeyring, TEST_MASTER_KEY, type Keyring } from '@hark/privacy';
import {
  createTestDatabase,
  createTestTopics,
  makeComplianceEvent,
  readMessages,
  testEnv,
  uniqueName,
  waitFor,
} from '@hark/testing';
import type { Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSpec } from '../../src/config.ts';
import { createService } from '@hark/stage-runtime';
import { identityService, type IdentityService } from '../../src/main.ts';

const env = testEnv();
const logger = createLogger({
  service: 'privacy-test',
  level: process.env.TEST_LOG_LEVEL ?? 'silent',
});
const API_KEY = 'test-key-0123456789abcdef';
const NAME = 'Zelphine Quarrington';
const EMAIL = 'zelphine.q@privacy-test.example';
const HANDLE = 'zquarrington';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: Pool;
let kafka: Kafka;
let producer: Producer;
let keyring: Keyring;
let service: IdentityService;
let base: string;
let topics: { names: string[]; drop: () => Promise<void> };
let linksTopic: string;
let complianceTopic: string;
let complianceIn: Encoder<ComplianceEvent>;

beforeAll(async () => {
  db = await createTestDatabase();
  kafka = createKafka({ clientId: 'privacy-test', brokers: env.kafkaBrokers, logger });
  topics = await createTestTopics(kafka, [
    { prefix: 'scored', partitions: 2 },
    { prefix: 'resolved', partitions: 2 },
    { prefix: 'links', partitions: 2, config: { 'cleanup.policy': 'compact' } },
    { prefix: 'dlq', partitions: 1 },
    { prefix: 'compliance', partitions: 2 },
  ]);
  const [scored, resolved, links, dlq, compliance] = topics.names as [
    string,
    string,
    string,
    string,
    string,
  ];
  linksTopic = links;
  complianceTopic = compliance;
  const config = parseConfig(configSpec, {
    KAFKA_BROKERS: env.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: env.schemaRegistryUrl,
    DATABASE_URL: db.url,
    LOG_LEVEL: 'silent',
    OPS_PORT: '0',
    INPUT_TOPIC: scored,
    OUTPUT_TOPIC: resolved,
    LINKS_TOPIC: links,
    DLQ_TOPIC: dlq,
    COMPLIANCE_TOPIC: compliance,
    HARK_PRIVACY_MASTER_KEY: TEST_MASTER_KEY,
    GROUP_ID: uniqueName('privacy-test'),
    IDENTITY_API_KEYS: API_KEY,
    INDEX_REFRESH_MS: '300',
  });
  service = await createService(identityService, {
    config,
    logger,
    registry: createMetricsRegistry({ service: 'privacy-test', defaults: false }),
  });
  const { port } = await service.start();
  base = `http://127.0.0.1:${port}`;
  pool = createPool({ url: db.url, logger, max: 3 });
  keyring = createKeyring({ pool, masterKey: TEST_MASTER_KEY, listen: false });
  producer = createProducer(kafka);
  await producer.connect();
  complianceIn = await createAvroSerde({
    registry: createRegistryClient({ url: env.schemaRegistryUrl }),
  }).encoder<ComplianceEvent>(valueSubject(compliance), loadSchema('ComplianceEvent'));
}, 120_000);

afterAll(async () => {
  await producer?.disconnect().catch(() => {});
  await keyring?.close().catch(() => {});
  await service?.close();
  await pool?.end().catch(() => {});
  await topics?.drop().catch(() => {});
  await db?.drop();
});

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(base + path, {
    method,
    headers: {
      authorization: `Bearer ${API_KEY}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read as plain JSON
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** A customer with two linked accounts, one pending review pair, and data keys for the accounts. */
async function plantCustomer(externalId: string, authorIds: string[], reviewId: string) {
  const put = await api('PUT', `/v1/customers/${externalId}`, {
    fullName: NAME,
    emails: [EMAIL],
    phones: ['+44 20 7946 0000'],
    city: 'Ludlow',
    handles: [{ platform: 'x', handle: HANDLE }],
  });
  expect(put.status).toBe(201);
  const { rows } = await pool.query<{ id: string }>(
    'select id from customers where external_id = $1',
    [externalId],
  );
  const id = rows[0]!.id;
  for (const [authorId, status] of [
    ...authorIds.map((a) => [a, 'linked']),
    [reviewId, 'review'],
  ] as const) {
    await pool.query(
      `insert into social_identities (platform, author_id, handle, customer_id, confidence, method, status)
       values ('x', $1, $2, $3, 0.99, 'handle', $4)`,
      [authorId, HANDLE, id, status],
    );
  }
  await keyring.keysForWrite([...authorIds, reviewId].map((a) => `x:${a}`));
}

async function reportRollup(requestId: string, eventIds: string[]) {
  for (const eventId of eventIds) {
    await pool.query(
      `insert into privacy_audit_steps (request_id, stage, subject_kind, event_id, facts_removed, windows_restated)
       values ($1, 'metrics-rollup', 'author', $2, 2, 3)`,
      [requestId, eventId],
    );
  }
}

describe('erasure by customer (POST /v1/privacy/erasures)', () => {
  let requestId: string;

  it('empties the customer, unlinks its accounts, shreds linked keys, tombstones and announces', async () => {
    await plantCustomer('PRIV-1', ['501', '502'], '503');
    await waitFor(() => service.exposed.index.lookupEmail(EMAIL).length > 0, {
      what: 'customer indexed',
    });

    const res = await api('POST', '/v1/privacy/erasures', {
      customerId: 'PRIV-1',
      requestedBy: 'dpo@acme.example',
      reason: 'gdpr-art17',
    });
    expect(res.status).toBe(202);
    requestId = res.body.requestId;
    expect(requestId).toMatch(/^er_/);
    expect(res.body).toMatchObject({
      status: 'pending',
      subjectKind: 'customer',
      counts: {
        authors: 2,
        linksRemoved: 2,
        reviewItemsRemoved: 1,
        keysShredded: 2,
        customersErased: 1,
        events: 3,
      },
      waitingFor: 3,
    });

    const {
      rows: [c],
    } = await pool.query('select * from customers where external_id = $1', ['PRIV-1']);
    expect(c).toMatchObject({
      full_name: null,
      first_name: null,
      emails: [],
      phones: [],
      city: null,
      handles: [],
    });
    expect(c.erased_at).not.toBeNull();
    const ids = await pool.query(
      `select count(*)::int as n from social_identities where author_id in ('501','502','503')`,
    );
    expect(ids.rows[0].n).toBe(0);
    const keys = await pool.query(
      `select author_ref from privacy_data_keys where author_ref in ('x:501', 'x:502', 'x:503') order by 1`,
    );
    // The review pair is not the customer's account for sure: its own data is not erased.
    expect(keys.rows).toEqual([{ author_ref: 'x:503' }]);

    // identity.links: a tombstone (null value) for every removed identity; the compliance
    // consumer repeats those of the two erased accounts when it reads their events (5 in all).
    const tombstones = await readMessages(kafka, linksTopic, 5, 30_000);
    expect(tombstones.every((m) => m.value === null)).toBe(true);
    expect([...new Set(tombstones.map((m) => m.key?.toString()))].sort()).toEqual([
      'x:501',
      'x:502',
      'x:503',
    ]);
    // compliance: one erasure event per linked account plus one for the customer, ids only.
    const events = await readMessages(kafka, complianceTopic, 3, 20_000);
    expect(events.map((m) => m.key?.toString()).sort()).toEqual([
      'customer:PRIV-1',
      'x:501',
      'x:502',
    ]);
    for (const m of events) {
      const raw = m.value!.toString('latin1');
      for (const secret of [NAME, EMAIL, HANDLE]) expect(raw).not.toContain(secret);
    }

    // The match index forgets the customer (the refresher applied the emptied row).
    await waitFor(() => service.exposed.index.lookupEmail(EMAIL).length === 0, {
      what: 'erased customer dropped from the index',
    });
  });

  it('the audit record holds no personal data', async () => {
    const { rows } = await pool.query(`select row_to_json(a)::text as t from privacy_audit a`);
    expect(rows.length).toBeGreaterThan(0);
    for (const { t } of rows) {
      for (const secret of [NAME, EMAIL, HANDLE, 'PRIV-1', 'x:501'])
        expect(t).not.toContain(secret);
    }
    const steps = await pool.query(`select row_to_json(s)::text as t from privacy_audit_steps s`);
    // Author ids as values or author refs, not bare digits: a random event id or hash may hold "502".
    for (const { t } of steps.rows)
      for (const secret of ['PRIV-1', '"501"', '"502"', 'x:501', 'x:502'])
        expect(t).not.toContain(secret);
  });

  it('stays pending until metrics-rollup reported every event, then completes with its counts', async () => {
    const pending = await api('GET', `/v1/privacy/erasures/${requestId}`);
    expect(pending.body).toMatchObject({ status: 'pending', waitingFor: 3 });
    const { rows } = await pool.query<{ event_ids: string[] }>(
      'select event_ids from privacy_audit where request_id = $1',
      [requestId],
    );
    await reportRollup(requestId, rows[0]!.event_ids.slice(0, 2));
    expect((await api('GET', `/v1/privacy/erasures/${requestId}`)).body).toMatchObject({
      status: 'pending',
      waitingFor: 1,
    });
    await reportRollup(requestId, rows[0]!.event_ids.slice(2));
    const done = await api('GET', `/v1/privacy/erasures/${requestId}`);
    expect(done.body).toMatchObject({
      status: 'completed',
      waitingFor: 0,
      counts: { factsRemoved: 6, windowsRestated: 9, linksRemoved: 2 },
    });
    expect(done.body.completedAt).toEqual(expect.any(String));
  });

  it('asking again for the same customer returns the completed request (idempotent)', async () => {
    const again = await api('POST', '/v1/privacy/erasures', {
      customerId: 'PRIV-1',
      requestedBy: 'dpo@acme.example',
      reason: 'gdpr-art17',
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ requestId, status: 'completed', resumed: true });
    const { rows } = await pool.query('select count(*)::int as n from privacy_audit');
    expect(rows[0].n).toBe(1);
  });

  it('a CRM update of the erased customer does not bring the person back', async () => {
    const put = await api('PUT', '/v1/customers/PRIV-1', { fullName: NAME, emails: [EMAIL] });
    expect(put.body.result).toBe('unchanged');
    const { rows } = await pool.query(
      'select full_name, emails from customers where external_id = $1',
      ['PRIV-1'],
    );
    expect(rows[0]).toEqual({ full_name: null, emails: [] });
  });
});

describe('bad requests', () => {
  it.each([
    [{ requestedBy: 'dpo', reason: 'gdpr-art17' }, 'no subject'],
    [{ customerId: 'A', author: 'x:1', requestedBy: 'dpo', reason: 'gdpr-art17' }, 'two subjects'],
    [{ author: 'nocolon', requestedBy: 'dpo', reason: 'gdpr-art17' }, 'a malformed author'],
    [{ customerId: 'A', requestedBy: 'dpo', reason: 'Jane asked by phone' }, 'a free-text reason'],
  ] as [Record<string, string>, string][])(
    '%j (%s) answers 400 HARK_PRIVACY_BAD_REQUEST and erases nothing',
    async (body) => {
      const res = await api('POST', '/v1/privacy/erasures', body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('HARK_PRIVACY_BAD_REQUEST');
    },
  );

  it('an unknown customer answers 404 and records no request', async () => {
    const before = await pool.query('select count(*)::int as n from privacy_audit');
    const res = await api('POST', '/v1/privacy/erasures', {
      customerId: 'NOBODY',
      requestedBy: 'dpo',
      reason: 'gdpr-art17',
    });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('HARK_CRM_CUSTOMER_NOT_FOUND');
    const after = await pool.query('select count(*)::int as n from privacy_audit');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('an unknown request id answers 404', async () => {
    const res = await api('GET', '/v1/privacy/erasures/er_00000000-0000-0000-0000-000000000000');
    expect(res.status).toBe(404);
  });
});

describe('access request (GET /v1/privacy/customers/:id/export)', () => {
  it('returns the customer, links with handles, review items and audit records', async () => {
    await plantCustomer('PRIV-2', ['601'], '602');
    const res = await api('GET', '/v1/privacy/customers/PRIV-2/export');
    expect(res.status).toBe(200);
    expect(res.body.customer).toMatchObject({
      externalId: 'PRIV-2',
      fullName: NAME,
      emails: [EMAIL],
    });
    expect(res.body.identityLinks).toEqual([
      expect.objectContaining({ platform: 'x', authorId: '601', handle: HANDLE, status: 'linked' }),
    ]);
    expect(res.body.reviewItems).toEqual([
      expect.objectContaining({ authorId: '602', status: 'review' }),
    ]);
    expect(res.body.notes).toContain(
      'no `mentions` table in this database (metrics-rollup writes elsewhere): mentions not included',
    );
  });
});

describe('the compliance consumer', () => {
  it('an account deleted on its platform removes its identity and tombstones its link, once per re-delivery', async () => {
    await plantCustomer('PRIV-3', ['701'], '702');
    const event = makeComplianceEvent({
      eventId: 'account_deleted:x:701',
      kind: 'account_deleted',
      platform: 'x',
      authorId: '701',
      postId: null,
      mentionId: null,
      customerId: null,
      requestId: null,
    });
    const message = { key: 'x:701', value: complianceIn.encode(event) };
    // Twice: a re-delivery changes nothing and still yields the tombstone.
    await producer.send({ topic: complianceTopic, acks: -1, messages: [message, message] });
    await waitFor(
      async () =>
        (await pool.query(`select 1 from social_identities where author_id = '701'`)).rowCount ===
        0,
      { timeoutMs: 30_000, what: 'identity removed' },
    );
    const all = await readMessages(kafka, linksTopic, 7, 30_000);
    expect(
      all.filter((m) => m.key?.toString() === 'x:701' && m.value === null).length,
    ).toBeGreaterThanOrEqual(1);
    const keys = await pool.query(`select 1 from privacy_data_keys where author_ref = 'x:701'`);
    expect(keys.rowCount).toBe(0);
    // The customer itself stays: only that account is gone.
    const c = await pool.query(`select full_name from customers where external_id = 'PRIV-3'`);
    expect(c.rows[0].full_name).toBe(NAME);
  });
});
