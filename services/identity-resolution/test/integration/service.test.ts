import { fileURLToPath } from 'node:url';
import { parseConfig } from '@hark/config';
import { createPool, migrate } from '@hark/db';
import {
  loadSchema,
  valueSubject,
  type DeadLetter,
  type IdentityLink,
  type ResolvedMention,
  type ScoredMention,
} from '@hark/events';
import {
  createAvroSerde,
  createKafka,
  createProducer,
  createRegistryClient,
  type AvroSerde,
  type Encoder,
} from '@hark/kafka';
import { undocumentedOperations } from '@hark/http';
import { createLogger, createMetricsRegistry } from '@hark/observability';
import { TEST_MASTER_KEY } from '@hark/privacy';
import {
  createTestDatabase,
  createTestTopics,
  makeMention,
  makeScoredMention,
  testEnv,
  uniqueName,
  waitFor,
} from '@hark/testing';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import type { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCustomersCsv } from '../../src/adapters/csv-importer.ts';
import { configSpec } from '../../src/config.ts';
import { MIGRATIONS_DIR, SERVICE } from '../../src/schema.ts';
import { createService } from '@hark/stage-runtime';
import { identityService, type IdentityService } from '../../src/main.ts';

const env = testEnv();
const logger = createLogger({
  service: 'identity-test',
  level: process.env.TEST_LOG_LEVEL ?? 'silent',
});
const API_KEY = 'test-key-0123456789abcdef';
const FIXTURE = fileURLToPath(new URL('../fixtures/customers.csv', import.meta.url));

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let kafka: Kafka;
let producer: Producer;
let service: IdentityService;
let base: string;
let input: Encoder<ScoredMention>;
let serde: AvroSerde;
let metrics: Registry;
let topics: { names: string[]; drop: () => Promise<void> };
const consumers: Consumer[] = [];
const resolved: ResolvedMention[] = [];
/** The resolved mentions' bytes as produced, by mentionId. */
const resolvedBytes = new Map<string, Buffer>();
const links: { key: string; value: IdentityLink }[] = [];
const deadLetters: DeadLetter[] = [];

/** Reads a topic from the start for the whole file, decoding into `into`. */
async function follow<T>(
  topic: string,
  event: Parameters<typeof loadSchema>[0],
  into: (key: string, value: T, bytes: Buffer) => void,
) {
  const decoder = createAvroSerde({
    registry: createRegistryClient({ url: env.schemaRegistryUrl }),
  }).decoder<T>(loadSchema(event));
  const consumer = kafka.consumer({
    groupId: uniqueName('identity-test-reader'),
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) =>
      into(message.key?.toString() ?? '', await decoder.decode(message.value!), message.value!),
  });
  consumers.push(consumer);
}

beforeAll(async () => {
  db = await createTestDatabase();
  // Customers arrive by CSV before the service starts, as in production.
  const pool = createPool({ url: db.url, logger });
  await migrate({ pool, scope: SERVICE, dir: MIGRATIONS_DIR, logger });
  await importCustomersCsv({ file: FIXTURE, pool });
  await pool.end();

  kafka = createKafka({ clientId: 'identity-test', brokers: env.kafkaBrokers, logger });
  topics = await createTestTopics(kafka, [
    { prefix: 'scored', partitions: 3 },
    { prefix: 'resolved', partitions: 3 },
    { prefix: 'links', partitions: 3, config: { 'cleanup.policy': 'compact' } },
    { prefix: 'dlq', partitions: 1 },
    { prefix: 'compliance', partitions: 2 },
  ]);
  const [scoredTopic, resolvedTopic, linksTopic, dlqTopic, complianceTopic] = topics.names as [
    string,
    string,
    string,
    string,
    string,
  ];
  const config = parseConfig(configSpec, {
    KAFKA_BROKERS: env.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: env.schemaRegistryUrl,
    DATABASE_URL: db.url,
    LOG_LEVEL: 'silent',
    OPS_PORT: '0',
    INPUT_TOPIC: scoredTopic,
    OUTPUT_TOPIC: resolvedTopic,
    LINKS_TOPIC: linksTopic,
    DLQ_TOPIC: dlqTopic,
    COMPLIANCE_TOPIC: complianceTopic,
    HARK_PRIVACY_MASTER_KEY: TEST_MASTER_KEY,
    GROUP_ID: uniqueName('identity-test'),
    IDENTITY_API_KEYS: API_KEY,
    // A six-customer CRM: authors come from a small population, not ten million people.
    MATCH_POPULATION: '10000',
    INDEX_REFRESH_MS: '500',
    // The test drives refits itself, from the authors the stage resolved.
    MATCH_REFIT_MS: '0',
    MATCH_REFIT_MIN_AUTHORS: '10',
  });
  metrics = createMetricsRegistry({ service: 'identity-test', defaults: false });
  service = await createService(identityService, { config, logger, registry: metrics });
  const { port } = await service.start();
  base = `http://127.0.0.1:${port}`;

  producer = createProducer(kafka);
  await producer.connect();
  serde = createAvroSerde({ registry: createRegistryClient({ url: env.schemaRegistryUrl }) });
  input = await serde.encoder<ScoredMention>(
    valueSubject(scoredTopic),
    loadSchema('ScoredMention'),
  );
  await follow<ResolvedMention>(resolvedTopic, 'ResolvedMention', (_k, v, bytes) => {
    resolvedBytes.set(v.mention.mentionId, bytes);
    resolved.push(v);
  });
  await follow<IdentityLink>(linksTopic, 'IdentityLink', (key, value) =>
    links.push({ key, value }),
  );
  await follow<DeadLetter>(dlqTopic, 'DeadLetter', (_k, v) => deadLetters.push(v));
});

afterAll(async () => {
  for (const c of consumers) await c.disconnect().catch(() => {});
  await producer?.disconnect().catch(() => {});
  await service?.close();
  await topics?.drop().catch(() => {});
  await db?.drop();
});

let seq = 0;
type AuthorFields = Partial<ReturnType<typeof makeMention>['author']>;
/** Produces one scored mention by `author` and waits for its resolved mention. */
async function mention(
  author: AuthorFields & { id: string },
  platform = 'x',
): Promise<ResolvedMention> {
  const postId = `${Date.now()}-${seq++}`;
  const base = makeMention();
  const scored = makeScoredMention({
    mention: makeMention({
      platform,
      postId,
      author: { ...base.author, name: null, location: null, handle: `h${author.id}`, ...author },
    }),
  });
  await producer.send({
    topic: topics.names[0]!,
    acks: -1,
    messages: [{ key: `${platform}:${author.id}`, value: input.encode(scored) }],
  });
  return waitFor(() => resolved.find((r) => r.mention.mentionId === scored.mention.mentionId), {
    timeoutMs: 30_000,
    what: `resolved mention by ${author.id}`,
  });
}

const linksFor = (authorId: string, platform = 'x') =>
  links.filter((l) => l.key === `${platform}:${authorId}`);

async function api(method: string, path: string, body?: unknown, key: string | null = API_KEY) {
  const res = await fetch(base + path, {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('a link by each method', () => {
  it('exact e-mail: linked with the CRM tier and value, and identity.links says so', async () => {
    const r = await mention({ id: 'em-1', email: 'Jane.Doe84@gmail.com', followers: 2500 });
    expect(r.customer).toEqual({
      customerId: 'CRM-001',
      status: 'linked',
      confidence: 0.999,
      method: 'email',
      customerTier: 'gold',
      customerValue: 12400,
    });
    expect(r.influence).toMatchObject({ tier: 'micro' });
    const [link] = await waitFor(() => (linksFor('em-1').length > 0 ? linksFor('em-1') : null));
    expect(link!.value).toMatchObject({
      customerId: 'CRM-001',
      status: 'linked',
      method: 'email',
      decidedBy: 'system',
    });
  });

  it('exact handle known to the CRM for the platform', async () => {
    const r = await mention({ id: 'hd-1', handle: 'BZywicki' });
    expect(r.customer).toMatchObject({ customerId: 'CRM-002', status: 'linked', method: 'handle' });
  });

  it('fuzzy: name and city', async () => {
    const r = await mention({
      id: 'fz-1',
      name: 'Katherine Okonkwo',
      location: 'Austin, TX',
      handle: 'kat_reads',
    });
    expect(r.customer).toMatchObject({
      customerId: 'CRM-003',
      status: 'linked',
      method: 'fuzzy',
      customerTier: 'platinum',
    });
    expect(r.customer.confidence).toBeGreaterThanOrEqual(0.97);
    const [link] = await waitFor(() => (linksFor('fz-1').length > 0 ? linksFor('fz-1') : null));
    expect(link!.value.evidence.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['first_name', 'last_name', 'location']),
    );
  });

  it('existing link: a later mention reads existing_link and emits no new decision', async () => {
    const r = await mention({ id: 'fz-1', name: 'Kat O.', location: 'somewhere else' });
    expect(r.customer).toMatchObject({
      customerId: 'CRM-003',
      status: 'linked',
      method: 'existing_link',
    });
    expect(linksFor('fz-1')).toHaveLength(1);
  });
});

describe('the review flow', () => {
  it('a name alone goes to review; confirming links it and emits identity.links', async () => {
    const first = await mention({ id: 'rv-1', name: 'Anders Lindqvist' });
    expect(first.customer).toMatchObject({ customerId: null, status: 'review', method: 'fuzzy' });

    const queue = await api('GET', '/v1/reviews?limit=10');
    expect(queue.status).toBe(200);
    const item = (
      queue.body.items as {
        authorId: string;
        customer: { externalId: string };
        evidence: unknown[];
      }[]
    ).find((i) => i.authorId === 'rv-1');
    expect(item).toMatchObject({ customer: { externalId: 'CRM-004' } });
    expect(item!.evidence.length).toBeGreaterThan(0);

    const confirmed = await api('POST', '/v1/reviews/x/rv-1/confirm', { reviewer: 'ana' });
    expect(confirmed).toMatchObject({
      status: 200,
      body: {
        identity: { customerId: 'CRM-004', status: 'linked', method: 'manual', decidedBy: 'ana' },
      },
    });
    await waitFor(() =>
      linksFor('rv-1').some((l) => l.value.decidedBy === 'ana' && l.value.status === 'linked'),
    );

    const later = await mention({ id: 'rv-1', name: 'Anders Lindqvist' });
    expect(later.customer).toMatchObject({
      customerId: 'CRM-004',
      status: 'linked',
      method: 'existing_link',
    });
  });

  it('rejecting keeps the author a prospect for good', async () => {
    await mention({ id: 'rv-2', name: 'Mei Takahashi' });
    const rejected = await api('POST', '/v1/reviews/x/rv-2/reject', {
      reviewer: 'ana',
      reason: 'different person',
    });
    expect(rejected).toMatchObject({
      status: 200,
      body: { identity: { status: 'rejected', customerId: null } },
    });
    await waitFor(() => linksFor('rv-2').some((l) => l.value.status === 'rejected'));
    const later = await mention({ id: 'rv-2', name: 'Mei Takahashi', location: 'Osaka' });
    expect(later.customer).toMatchObject({ customerId: null, status: 'prospect', method: 'none' });
  });

  it('a reviewer can link an author to a customer of their choice', async () => {
    const r = await api('POST', '/v1/reviews/x/manual-1/confirm', {
      reviewer: 'ana',
      customerId: 'CRM-006',
    });
    expect(r.body).toMatchObject({ identity: { customerId: 'CRM-006', method: 'manual' } });
    expect(
      (await api('POST', '/v1/reviews/x/manual-2/confirm', { reviewer: 'ana', customerId: 'NOPE' }))
        .status,
    ).toBe(404);
    expect((await api('POST', '/v1/reviews/x/never-seen/reject', { reviewer: 'ana' })).status).toBe(
      404,
    );
  });
});

describe('customers that change while the service runs', () => {
  it('a customer added through the API is matched within seconds, without a restart', async () => {
    const before = await mention({
      id: 'new-1',
      name: 'Priyanka Raghunathan',
      location: 'Pune, India',
    });
    expect(before.customer.status).toBe('prospect');

    const put = await api('PUT', '/v1/customers/CRM-100', {
      firstName: 'Priyanka',
      lastName: 'Raghunathan',
      city: 'Pune',
      country: 'India',
      tier: 'gold',
      value: 777,
    });
    expect(put).toMatchObject({
      status: 201,
      body: { result: 'inserted', customer: { externalId: 'CRM-100' } },
    });

    // The refresher applies it within seconds (NOTIFY, or the 500 ms poll); mentions
    // keep flowing meanwhile.
    const after = await waitFor(
      async () => {
        const r = await mention({
          id: `new-${seq}`,
          name: 'Priyanka Raghunathan',
          location: 'Pune, India',
        });
        return r.customer.status === 'linked' ? r : null;
      },
      { timeoutMs: 20_000, intervalMs: 200, what: 'a link to the new customer' },
    );
    expect(after.customer).toMatchObject({
      customerId: 'CRM-100',
      method: 'fuzzy',
      customerTier: 'gold',
      customerValue: 777,
    });

    expect(await api('GET', '/v1/customers/CRM-100')).toMatchObject({
      status: 200,
      body: { firstName: 'Priyanka', value: 777 },
    });
    expect(
      (
        await api('PUT', '/v1/customers/CRM-100', {
          firstName: 'Priyanka',
          lastName: 'Raghunathan',
          city: 'Mumbai',
        })
      ).body,
    ).toMatchObject({
      result: 'updated',
    });
  });

  it('a batch of customers is stored whole, or not at all', async () => {
    const ok = await api('POST', '/v1/customers', {
      customers: [
        { externalId: 'CRM-200', firstName: 'Ada', lastName: 'Byron' },
        {
          externalId: 'CRM-201',
          firstName: 'Alan',
          lastName: 'Turing',
          emails: ['alan@bletchley.uk'],
        },
      ],
    });
    expect(ok).toMatchObject({ status: 200, body: { inserted: 2, updated: 0, unchanged: 0 } });
    const bad = await api('POST', '/v1/customers', {
      customers: [
        { externalId: 'CRM-202', firstName: 'Grace' },
        { externalId: 'CRM-203', emails: ['not-an-email'] },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      code: 'HARK_CRM_INVALID_CUSTOMER',
      statusCode: 400,
      errors: [{ index: 1 }],
    });
    expect((await api('GET', '/v1/customers/CRM-202')).status).toBe(404);
  });
});

describe('API errors', () => {
  it('without a valid bearer key: 401', async () => {
    for (const key of [null, 'wrong-key-0123456789']) {
      const r = await api('GET', '/v1/reviews', undefined, key);
      expect(r).toEqual({
        status: 401,
        body: {
          code: 'HARK_IDENTITY_API_UNAUTHORIZED',
          message: expect.any(String),
          statusCode: 401,
        },
      });
    }
  });

  it('bad input names the field', async () => {
    const shape = await api('PUT', '/v1/customers/C-1', {
      firstName: 'Jo',
      handles: [{ platform: 'x' }],
    });
    expect(shape).toMatchObject({
      status: 400,
      body: { code: 'HARK_IDENTITY_API_BAD_REQUEST', statusCode: 400 },
    });
    expect(String(shape.body.message)).toContain('body/handles/0');
    const content = await api('PUT', '/v1/customers/C-1', { firstName: 'Jo', emails: ['x'] });
    expect(content).toMatchObject({
      status: 400,
      body: { code: 'HARK_CRM_INVALID_CUSTOMER', statusCode: 400 },
    });
    expect(String(content.body.message)).toContain('body/emails');
    const reviewer = await api('POST', '/v1/reviews/x/a/confirm', { reviewer: 'system' });
    expect(reviewer.status).toBe(400);
  });

  it('regression: a NUL byte in a path or a body is a 400 naming the field, not a 500', async () => {
    const cases: [string, string, unknown, string][] = [
      ['GET', '/v1/customers/C%00-1', undefined, 'params/externalId'],
      ['PUT', '/v1/customers/C%00-1', { firstName: 'Jo' }, 'params/externalId'],
      ['PUT', '/v1/customers/C-nul', { firstName: 'J\u0000o' }, 'body/firstName'],
      [
        'POST',
        '/v1/customers',
        { customers: [{ externalId: 'C-n', lastName: 'x\u0000' }] },
        'body/customers/0/lastName',
      ],
      [
        'POST',
        '/v1/reviews/x/a%00b/confirm',
        { reviewer: 'ana', customerId: 'C-1' },
        'params/authorId',
      ],
    ];
    for (const [method, path, body, field] of cases) {
      const r = await api(method, path, body);
      expect(r, `${method} ${path}`).toMatchObject({
        status: 400,
        body: { code: 'HARK_IDENTITY_API_BAD_REQUEST', statusCode: 400, field },
      });
      expect(String(r.body.message)).toContain(field);
    }
  });

  it('an unknown customer: 404', async () => {
    expect(await api('GET', '/v1/customers/NOPE')).toMatchObject({
      status: 404,
      body: { code: 'HARK_CRM_CUSTOMER_NOT_FOUND', statusCode: 404 },
    });
  });
});

describe('GET /openapi.json', () => {
  it('describes every identity and privacy route with its schemas and the bearer-key scheme', async () => {
    const { status, body: doc } = await api('GET', '/openapi.json', undefined, null);
    expect(status).toBe(200);
    const paths = doc.paths as Record<string, Record<string, { security?: unknown }>>;
    expect(Object.keys(paths).sort()).toEqual([
      '/openapi.json',
      '/v1/customers',
      '/v1/customers/{externalId}',
      '/v1/privacy/customers/{customerId}/export',
      '/v1/privacy/erasures',
      '/v1/privacy/erasures/{requestId}',
      '/v1/reviews',
      '/v1/reviews/{platform}/{authorId}/confirm',
      '/v1/reviews/{platform}/{authorId}/reject',
    ]);
    expect(undocumentedOperations(doc)).toEqual([]);
    for (const [path, ops] of Object.entries(paths))
      for (const op of Object.values(ops))
        if (path !== '/openapi.json') expect(op.security, path).toEqual([{ bearerKey: [] }]);
  });
});

describe('the resolved mention extends the consumed scored mention', () => {
  it('written with the current ScoredMention: its bytes with the resolution spliced in before theme, as a full encode writes them; an older version (before themes) is encoded in full', async () => {
    const current = await mention({ id: 'ext-1', followers: 120_000, verified: true });
    // A scorer still on the ScoredMention before `theme` (an older registered version).
    const schema = loadSchema('ScoredMention') as { fields: { name: string }[] };
    const older = await serde.encoder<Omit<ScoredMention, 'theme'>>(
      valueSubject(topics.names[0]!),
      {
        ...schema,
        fields: schema.fields.filter((f) => f.name !== 'theme'),
      } as unknown as ReturnType<typeof loadSchema>,
    );
    const { theme: _, ...untheme } = makeScoredMention({
      mention: makeMention({
        postId: `older-${Date.now()}`,
        author: { ...makeMention().author, id: 'ext-2' },
      }),
    });
    await producer.send({
      topic: topics.names[0]!,
      acks: -1,
      messages: [{ key: 'x:ext-2', value: older.encode(untheme) }],
    });
    const fallback = await waitFor(
      () => resolved.find((r) => r.mention.mentionId === untheme.mention.mentionId),
      { timeoutMs: 30_000, what: 'the resolved mention of the older scored mention' },
    );
    expect(fallback.theme).toBe('none');
    const output = await serde.encoder<ResolvedMention>(
      valueSubject(topics.names[1]!),
      loadSchema('ResolvedMention'),
    );
    for (const r of [current, fallback])
      expect(resolvedBytes.get(r.mention.mentionId)!.equals(output.encode(r))).toBe(true);
    expect(current.influence.tier).toBe('macro');
    const text = await metrics.metrics();
    const count = (path: string) =>
      Number(
        new RegExp(
          `hark_stage_extended_outputs_total\\{stage="identity-resolution",output="resolved",path="${path}"[^}]*\\} (\\d+)`,
        ).exec(text)?.[1] ?? 0,
      );
    expect(count('appended')).toBeGreaterThan(0);
    expect(count('writer_schema')).toBe(1);
  });
});

describe('bad input on the topic', () => {
  it('a mention without an author id goes to the dlq and the partition moves on', async () => {
    const b = makeMention();
    const scored = makeScoredMention({
      mention: makeMention({ postId: `no-author-${Date.now()}`, author: { ...b.author, id: '' } }),
    });
    await producer.send({
      topic: topics.names[0]!,
      acks: -1,
      messages: [{ key: 'x:', value: input.encode(scored) }],
    });
    // The stage loop's contract check (issue 15) refuses it before the handler sees it.
    const dead = await waitFor(
      () => deadLetters.find((d) => d.errorCode === 'HARK_STAGE_INVALID_RECORD'),
      { timeoutMs: 30_000 },
    );
    expect(dead).toMatchObject({ stage: 'identity-resolution', sourceTopic: topics.names[0] });
    expect(dead.errorMessage).toMatch(/mention\.author\.id is empty/);
    const next = await mention({ id: 'after-dlq', email: 'jane.doe84@gmail.com' });
    expect(next.customer.status).toBe('linked');
  });
});

describe('the matching model learned from the traffic the stage resolved', () => {
  it('a refit uses the authors resolved so far, and the next decision names the new version', async () => {
    for (let i = 0; i < 6; i++) {
      await mention(
        i % 2
          ? { id: `tr-${i}`, name: 'Mei Takahashi', location: 'Osaka' }
          : { id: `tr-${i}`, name: `Quentin Stranger${i}`, location: 'Nowhere' },
      );
    }
    const fitted = await service.exposed.refitter.refit();
    expect(fitted).not.toBeNull();
    // These six, and the authors of the tests before.
    expect(fitted!.authors).toBeGreaterThan(6);
    const query = async <T extends object>(sql: string, params: unknown[] = []) => {
      const pool = createPool({ url: db.url, logger });
      try {
        return (await pool.query<T>(sql, params)).rows;
      } finally {
        await pool.end();
      }
    };
    const rows = await query<{ version: string }>('select version from match_models');
    expect(rows.map((r) => Number(r.version))).toEqual([fitted!.version]);

    const r = await mention({ id: 'tr-after', name: 'Ngozi Adeyemi-Clarke', location: 'Leeds' });
    expect(r.customer.status).not.toBe('prospect');
    // The decision's evidence (stored in PostgreSQL; on identity.links it travels sealed).
    const [stored] = await query<{ evidence: { kind: string; detail: string }[] }>(
      `select evidence from social_identities where platform = 'x' and author_id = 'tr-after'`,
    );
    expect(stored!.evidence.find((e) => e.kind === 'model')?.detail).toMatch(
      new RegExp(`^model v${fitted!.version} fitted .*\\(set by MATCH_POPULATION\\)$`),
    );
  });
});
