import { createPool, migrate, type Pool } from '@hark/db';
import { createKafka } from '@hark/kafka';
import { createTestDatabase, createTestTopics, waitFor } from '@hark/testing';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR } from '../../src/collector.ts';
import type { PollerSpec } from '../../src/domain/pollers/poller-spec.ts';
import { env, logger, startCollector, type Harness } from './harness.ts';

/** A Mastodon server stand-in: the tag timeline with min_id paging, newest first within a page. */
function mastodonFixture() {
  const statuses: { id: string; text: string }[] = [];
  const requests: (string | null)[] = [];
  const app: FastifyInstance = Fastify();
  app.get<{ Params: { tag: string }; Querystring: { min_id?: string; limit?: string } }>(
    '/api/v1/timelines/tag/:tag',
    async (req) => {
      requests.push(req.query.min_id ?? null);
      const limit = Number(req.query.limit ?? 20);
      const after = req.query.min_id ? BigInt(req.query.min_id) : null;
      const newer = statuses.filter((s) => after === null || BigInt(s.id) > after);
      const page = after === null ? newer.slice(-limit) : newer.slice(0, limit);
      return page.reverse().map((s) => ({
        id: s.id,
        created_at: new Date(
          Date.UTC(2026, 10, 22, 10) + Number(BigInt(s.id) % 1000n) * 1000,
        ).toISOString(),
        visibility: 'public',
        language: 'en',
        uri: `https://m.test/users/fan/statuses/${s.id}`,
        url: `https://m.test/@fan/${s.id}`,
        content: `<p>${s.text}</p>`,
        replies_count: 0,
        reblogs_count: 0,
        favourites_count: 1,
        account: {
          id: '1',
          username: 'fan',
          acct: 'fan',
          url: 'https://m.test/@fan',
          followers_count: 10,
        },
      }));
    },
  );
  return {
    app,
    requests,
    add(...texts: string[]) {
      for (const text of texts)
        statuses.push({ id: String(113_600_000_000_000_000n + BigInt(statuses.length + 1)), text });
    },
  };
}

const fixture = mastodonFixture();
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: Pool;
let topics: { mentions: string; signals: string; dlq: string };
let dropTopics: () => Promise<void>;
let running: Harness | undefined;

beforeAll(async () => {
  await fixture.app.listen({ host: '127.0.0.1', port: 0 });
  db = await createTestDatabase();
  pool = createPool({ url: db.url, logger });
  await migrate({ pool, scope: 'collector', dir: MIGRATIONS_DIR, logger });
  const kafka = createKafka({ clientId: 'poller-test-admin', brokers: env.kafkaBrokers, logger });
  const created = await createTestTopics(kafka, [
    { prefix: 'mentions' },
    { prefix: 'signals' },
    { prefix: 'dlq' },
  ]);
  topics = { mentions: created.names[0]!, signals: created.names[1]!, dlq: created.names[2]! };
  dropTopics = created.drop;
});

afterAll(async () => {
  await running?.close();
  await fixture.app.close();
  await pool?.end();
  await db?.drop();
  await dropTopics?.();
});

function instance(owner: string): Promise<Harness> {
  const address = fixture.app.server.address() as { port: number };
  const poller: PollerSpec = {
    id: 'acme-tag',
    kind: 'mastodon-tag',
    instance: `http://127.0.0.1:${address.port}`,
    tag: 'acme',
    limit: 2,
    intervalMs: 1000,
    maxPages: 10,
    brand: 'acme',
  };
  return startCollector({
    topics,
    pool,
    // Both instances share one database, keys included, as two collector replicas do.
    keyringPool: pool,
    sources: { webhooks: [], pollers: [poller] },
    pollers: { owner, userAgent: 'hark-test' },
  });
}

async function checkpoint(): Promise<{ minId: string } | null> {
  const { rows } = await pool.query<{ cursor: { minId: string } | null }>(
    "select cursor from collector_poller_cursors where poller_id = 'acme-tag'",
  );
  return rows[0]?.cursor ?? null;
}

describe('a Mastodon tag poller across a restart', () => {
  it('resumes from its PostgreSQL checkpoint: nothing missed, nothing repeated', async () => {
    fixture.add('Acme is down', 'Acme is back', 'thanks #acme');
    running = await instance('instance-1');
    const first = running;
    await waitFor(async () => (await checkpoint())?.minId === '113600000000000003', {
      timeoutMs: 20_000,
      what: 'the first checkpoint',
    });
    expect((await first.mentions(2)).map((m) => m.key)).toHaveLength(2);
    await first.close();
    running = undefined;

    // Between the runs: the two newest of the first run's page were ingested; the oldest fell
    // outside the first (newest) page by design. New statuses arrive while no collector runs.
    fixture.add('Acme again', 'still acme', 'acme acme');
    const seenBeforeRestart = fixture.requests.length;

    running = await instance('instance-2');
    await waitFor(async () => (await checkpoint())?.minId === '113600000000000006', {
      timeoutMs: 20_000,
      what: 'the second checkpoint',
    });

    expect(fixture.requests[seenBeforeRestart]).toBe('113600000000000003');
    const all = await running.mentions(5);
    const keys = all.map((m) => m.key.split('/').pop());
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.sort()).toEqual([
      '113600000000000002',
      '113600000000000003',
      '113600000000000004',
      '113600000000000005',
      '113600000000000006',
    ]);
    expect(
      all.every((m) => m.value.source.kind === 'poller' && m.value.source.name === 'acme-tag'),
    ).toBe(true);
    expect(await running.count(topics.mentions)).toBe(5);
    const metrics = await running.metrics.metrics();
    expect(metrics).toMatch(/hark_collector_poller_lag_seconds\{poller="acme-tag"\} \d/);
    expect(metrics).toMatch(
      /hark_collector_poller_item_delay_seconds_count\{poller="acme-tag"\} [1-9]/,
    );
  });
});
