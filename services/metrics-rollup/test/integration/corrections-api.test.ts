import { createPool, migrate, type Pool } from '@hark/db';
import { createLogger, createMetricsRegistry, createOpsServer } from '@hark/observability';
import { undocumentedOperations } from '@hark/http';
import { createTestDatabase } from '@hark/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { registerCorrectionsApi } from '../../src/adapters/corrections-api.ts';
import { createCorrectionsStore } from '../../src/adapters/corrections-store.ts';
import { createPartitionManager } from '../../src/adapters/partition-manager.ts';
import { createRollupMetrics } from '../../src/adapters/rollup-metrics.ts';
import { createRollupStore, type RollupStore } from '../../src/adapters/rollup-store.ts';
import { toMentionFact } from '../../src/domain/mention-fact.ts';
import { windowStart } from '../../src/domain/windows.ts';
import { MIGRATIONS_DIR } from '../../src/schema.ts';
import { resolved } from '../unit/fixtures.ts';
import { expectRollupsMatchRecount } from './helpers.ts';

const DAY = 86_400_000;
const NOW = Date.now();
const logger = createLogger({ service: 'metrics-rollup-test', level: 'silent' });
const PRINCIPAL_KEY = 'ana-key-0123456789abcdef';
const BARE_KEY = 'bare-key-0123456789abcdef';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: Pool;
let store: RollupStore;
let ops: ReturnType<typeof createOpsServer>;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPool({ url: db.url, logger });
  await migrate({ pool, scope: 'metrics-rollup', dir: MIGRATIONS_DIR, logger });
  await createPartitionManager({
    pool,
    logger,
    now: () => NOW,
    policy: {
      latenessMs: 7 * DAY,
      futureToleranceMs: 900_000,
      retentionMs: 30 * DAY,
      aheadDays: 2,
    },
  }).maintain();
  store = createRollupStore({ pool });
  const registry = createMetricsRegistry({ service: 'metrics-rollup-test', defaults: false });
  ops = createOpsServer({ host: '127.0.0.1', port: 0, registry, logger });
  await registerCorrectionsApi(ops.app, {
    store: createCorrectionsStore({ pool }),
    apiKeys: [`ana@example.com:${PRINCIPAL_KEY}`, BARE_KEY],
    isStarted: () => true,
    metrics: createRollupMetrics(registry),
    logger,
  });
  await ops.app.ready();
});

afterAll(async () => {
  await ops?.app.close();
  await pool?.end();
  await db?.drop();
});

beforeEach(async () => {
  await pool.query(
    `truncate mentions, mention_keys, author_days, rollup_minute, rollup_hour, rollup_day, corrections`,
  );
});

const post = (body: unknown, key = PRINCIPAL_KEY) =>
  ops.app.inject({
    method: 'POST',
    url: '/v1/corrections',
    headers: { authorization: `Bearer ${key}` },
    payload: body as Record<string, unknown>,
  });
const get = (url: string, key = PRINCIPAL_KEY) =>
  ops.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });

const day = async () =>
  (
    await pool.query(
      `select negative::int, positive::int, sentiment_sum::float8 as sum, intent_complaint::int, intent_other::int
       from rollup_day where brand = 'acme' and platform = 'x' and window_start = $1`,
      [new Date(windowStart(NOW - 60_000, 'day'))],
    )
  ).rows[0];

describe('the corrections API', () => {
  it('refuses requests without a known bearer key', async () => {
    const res = await ops.app.inject({ method: 'GET', url: '/v1/corrections' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'HARK_ROLLUP_API_UNAUTHORIZED', statusCode: 401 });
    expect((await get('/v1/corrections', 'wrong-key-0123456789')).statusCode).toBe(401);
  });

  it('a correction through the API changes the day’s rollup by exactly the corrected amount, recorded with the key’s principal', async () => {
    const m = resolved({
      id: 'api-1',
      at: NOW - 60_000,
      sentiment: 'positive',
      score: 0.3,
      intent: 'other',
    });
    await store.applyMentions([
      toMentionFact(m),
      toMentionFact(resolved({ id: 'api-2', at: NOW - 60_000 })),
    ]);
    const before = (await day())!;
    const res = await post({
      corrections: [
        {
          mentionId: m.mention.mentionId,
          sentiment: 'negative',
          sentimentScore: -0.7,
          intent: 'complaint',
          reason: 'sarcasm',
        },
      ],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      applied: 1,
      results: [
        {
          index: 0,
          status: 'applied',
          sentiment: 'negative',
          intent: 'complaint',
          statusCode: 200,
        },
      ],
    });
    const after = (await day())!;
    expect({
      negative: after.negative - before.negative,
      positive: after.positive - before.positive,
      sum: Math.round((after.sum - before.sum) * 1e6) / 1e6,
      complaint: after.intent_complaint - before.intent_complaint,
      other: after.intent_other - before.intent_other,
    }).toEqual({ negative: 1, positive: -1, sum: -1, complaint: 1, other: -1 });
    const listed = await get('/v1/corrections?since=1970-01-01T00:00:00Z');
    expect(listed.json()).toMatchObject({
      corrections: [
        { mentionId: m.mention.mentionId, correctedBy: 'ana@example.com', reason: 'sarcasm' },
      ],
      next: null,
    });
    await expectRollupsMatchRecount(pool);
  });

  it('answers 207 with a 404 per unknown mention and applies the rest; 404 when none is known', async () => {
    const m = resolved({ id: 'api-3', at: NOW - 60_000 });
    await store.applyMentions([toMentionFact(m)]);
    const res = await post({
      corrections: [
        { mentionId: 'x:unknown', intent: 'question', reason: 'r' },
        { mentionId: m.mention.mentionId, intent: 'question', reason: 'r' },
      ],
    });
    expect(res.statusCode).toBe(207);
    expect(res.json().results).toEqual([
      expect.objectContaining({ index: 0, statusCode: 404, code: 'HARK_ROLLUP_MENTION_NOT_FOUND' }),
      expect.objectContaining({ index: 1, statusCode: 200, status: 'applied' }),
    ]);
    const none = await post({
      corrections: [{ mentionId: 'x:unknown', intent: 'question', reason: 'r' }],
    });
    expect(none.statusCode).toBe(404);
  });

  it.each([
    [{ corrections: [{ mentionId: 'x:1', sentiment: 'furious', reason: 'r' }] }, /sentiment/],
    [{ corrections: [{ mentionId: 'x:1', intent: 'rant', reason: 'r' }] }, /intent/],
    [{ corrections: [{ mentionId: 'x:1', reason: 'r' }] }, /give at least one label/],
    [{ corrections: [{ mentionId: 'x:1', intent: 'praise' }] }, /reason/],
    [
      {
        corrections: [
          { mentionId: 'x:1', sentiment: 'positive', sentimentScore: -0.5, reason: 'r' },
        ],
      },
      /score above 0/,
    ],
    [{ corrections: [] }, /corrections/],
  ])('rejects %j with 400 and stores nothing', async (body, message) => {
    const res = await post(body);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'HARK_ROLLUP_API_BAD_REQUEST', statusCode: 400 });
    expect(res.json().message).toMatch(message);
    expect((await pool.query(`select count(*)::int as n from corrections`)).rows[0].n).toBe(0);
  });

  it('a key without a principal needs correctedBy', async () => {
    const m = resolved({ id: 'api-4', at: NOW - 60_000 });
    await store.applyMentions([toMentionFact(m)]);
    const missing = await post(
      { corrections: [{ mentionId: m.mention.mentionId, intent: 'praise', reason: 'r' }] },
      BARE_KEY,
    );
    expect(missing.statusCode).toBe(400);
    expect(missing.json().message).toMatch(/correctedBy: required/);
    const ok = await post(
      {
        correctedBy: 'bob',
        corrections: [{ mentionId: m.mention.mentionId, intent: 'praise', reason: 'r' }],
      },
      BARE_KEY,
    );
    expect(ok.statusCode).toBe(200);
    expect((await pool.query(`select corrected_by from corrections`)).rows).toEqual([
      { corrected_by: 'bob' },
    ]);
  });

  it('exports the corrections in force as JSON lines: text, model output, corrected label, who, why and when', async () => {
    const ms = Array.from({ length: 3 }, (_, i) =>
      resolved({ id: `api-x${i}`, at: NOW - 60_000, sentiment: 'neutral', intent: 'other' }),
    );
    await store.applyMentions(ms.map(toMentionFact));
    await post({
      corrections: ms.map((m, i) => ({
        mentionId: m.mention.mentionId,
        sentiment: i === 2 ? 'negative' : 'positive',
        reason: `r${i}`,
      })),
    });
    const res = await get('/v1/corrections/export?since=0');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/x-ndjson/);
    const lines = res.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatchObject({
      mentionId: ms[2]!.mention.mentionId,
      text: ms[2]!.mention.text,
      model: { sentiment: { label: 'neutral', score: 0 }, intent: { label: 'other' } },
      corrected: { sentiment: 'negative', sentimentScore: -0.5, intent: null },
      correctedBy: 'ana@example.com',
      reason: 'r2',
    });
    expect(typeof lines[2]!.correctedAt).toBe('string');
    const bad = await get('/v1/corrections?since=yesterday-ish');
    expect(bad.statusCode).toBe(400);
  });

  it('corrects a thousand mentions in one request and streams an export longer than one page', async () => {
    const ms = Array.from({ length: 1000 }, (_, i) =>
      resolved({
        id: `api-bulk-${i}`,
        at: NOW - 60_000 - (i % 50) * 1000,
        author: `b${i % 37}`,
        intent: 'other',
      }),
    );
    await store.applyMentions(ms.map(toMentionFact));
    const res = await post({
      corrections: ms.map((m) => ({
        mentionId: m.mention.mentionId,
        intent: 'complaint',
        reason: 'bulk',
      })),
    });
    expect([res.statusCode, res.json().applied]).toEqual([200, 1000]);
    expect((await day())!.intent_complaint).toBe(1000);
    const exported = await get('/v1/corrections/export');
    const ids = exported.body
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { mentionId: string }).mentionId);
    expect(new Set(ids).size).toBe(1000);
    await expectRollupsMatchRecount(pool);
  });
});

describe('GET /openapi.json', () => {
  it('describes every corrections route with its schemas and the bearer-key scheme', async () => {
    const res = await ops.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/openapi.json',
      '/v1/corrections',
      '/v1/corrections/export',
    ]);
    expect(Object.keys(doc.paths['/v1/corrections'])).toEqual(['post', 'get']);
    expect(undocumentedOperations(doc)).toEqual([]);
    for (const op of [doc.paths['/v1/corrections'].post, doc.paths['/v1/corrections/export'].get])
      expect(op.security).toEqual([{ bearerKey: [] }]);
    expect(
      doc.paths['/v1/corrections'].post.requestBody.content['application/json'].schema,
    ).toMatchObject({ required: ['corrections'] });
  });
});
