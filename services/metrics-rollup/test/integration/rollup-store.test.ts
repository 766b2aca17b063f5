import { fileURLToPath } from 'node:url';
import { loadBrandsConfig } from '@hark/brands';
import { createPool, migrate, type Pool } from '@hark/db';
import type { BrandSignal, ResolvedMention } from '@hark/events';
import { createLogger } from '@hark/observability';
import { createTestDatabase, makeBrandSignal } from '@hark/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWorkload } from '../../bench/workload.ts';
import { createCatalog, type Catalog } from '../../src/adapters/catalog.ts';
import {
  createPartitionManager,
  type PartitionManager,
} from '../../src/adapters/partition-manager.ts';
import { createRollupStore, rowToFact, type RollupStore } from '../../src/adapters/rollup-store.ts';
import { toMentionFact } from '../../src/domain/mention-fact.ts';
import { shareOfVoice } from '../../src/domain/share-of-voice.ts';
import { toSignalFact } from '../../src/domain/signal-fact.ts';
import { windowStart } from '../../src/domain/windows.ts';
import { MIGRATIONS_DIR } from '../../src/schema.ts';
import { resolved } from '../unit/fixtures.ts';
import {
  actualRollups,
  actualSignals,
  expectedRollups,
  expectedSignals,
  shuffle,
  sorted,
} from './helpers.ts';

const DAY = 86_400_000;
const logger = createLogger({
  service: 'metrics-rollup-test',
  level: process.env.TEST_LOG_LEVEL ?? 'silent',
});
const NOW = Date.now();
const BRANDS_FILE = fileURLToPath(new URL('../../../../deploy/local/brands.yaml', import.meta.url));

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: Pool;
let store: RollupStore;
let partitions: PartitionManager;
let catalog: Catalog;
let clock = NOW;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPool({ url: db.url, logger, max: 8 });
  await migrate({ pool, scope: 'metrics-rollup', dir: MIGRATIONS_DIR, logger });
  store = createRollupStore({ pool });
  partitions = createPartitionManager({
    pool,
    logger,
    now: () => clock,
    policy: {
      latenessMs: 7 * DAY,
      futureToleranceMs: 900_000,
      retentionMs: 30 * DAY,
      aheadDays: 2,
    },
  });
  await partitions.maintain();
  catalog = createCatalog({ pool, logger });
  await catalog.syncBrands(loadBrandsConfig(BRANDS_FILE));
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

async function reset(): Promise<void> {
  await pool.query(`truncate mentions, mention_keys, author_days, signals, rollup_minute, rollup_hour, rollup_day,
    signal_rollup_minute, signal_rollup_hour, signal_rollup_day`);
}

async function apply(batch: readonly ResolvedMention[]) {
  const facts = batch.map(toMentionFact);
  await partitions.ensureDays(facts.map((f) => windowStart(f.createdAt, 'day')));
  return store.applyMentions(facts);
}

async function applySignals(batch: readonly BrandSignal[]) {
  const facts = batch.map(toSignalFact);
  await partitions.ensureDays(facts.map((f) => windowStart(f.observedAt, 'day')));
  return store.applySignals(facts);
}

function batchesOf<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

describe('mention rollups are exact under re-delivery', () => {
  it('when the same batch is applied twice, every total equals one application', async () => {
    await reset();
    const batch = makeWorkload({ count: 500, authors: 200, now: NOW, seed: 1 });
    expect(await apply(batch)).toEqual({ applied: 500, duplicates: 0, suppressed: 0, restated: 0 });
    const once = await actualRollups(pool);
    expect(await apply(batch)).toEqual({ applied: 0, duplicates: 500, suppressed: 0, restated: 0 });
    expect(sorted(await actualRollups(pool))).toEqual(sorted(once));
    expect(sorted(once)).toEqual(sorted(expectedRollups(batch)));
  });

  it('overlapping, re-ordered and repeated batches add up to the reference model, unique authors included', async () => {
    await reset();
    const mentions = makeWorkload({ count: 3000, authors: 300, now: NOW, seed: 2 });
    // Every mention twice, shuffled, cut into uneven batches: at-least-once delivery at its worst.
    const deliveries = shuffle([...mentions, ...mentions, ...mentions.slice(0, 700)], 7);
    let applied = 0;
    for (const [i, batch] of batchesOf(deliveries, 333).entries()) {
      applied += (await apply(batch.slice(0, i % 2 === 0 ? batch.length : 250))).applied;
      if (i % 2 === 1) applied += (await apply(batch.slice(250))).applied;
    }
    expect(applied).toBe(3000);
    expect(sorted(await actualRollups(pool))).toEqual(sorted(expectedRollups(mentions)));
  });

  it('concurrent transactions over the same authors and windows never count an author or a mention twice', async () => {
    await reset();
    // Few authors and a narrow time range: every transaction fights over the same rows.
    const mentions = makeWorkload({ count: 2400, authors: 40, now: NOW, seed: 3 }).map((m, i) => ({
      ...m,
      mention: { ...m.mention, createdAt: NOW - (i % 7) * 61_000 },
    }));
    const batches = batchesOf(shuffle([...mentions, ...mentions], 11), 200);
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let i = next++; i < batches.length; i = next++) await apply(batches[i]!);
      }),
    );
    expect(sorted(await actualRollups(pool))).toEqual(sorted(expectedRollups(mentions)));
  });

  it('a mention matching two brands counts once for each; an author of both counts once per brand', async () => {
    await reset();
    const at = '2026-11-20T09:30:15Z';
    clock = Date.parse('2026-11-21T00:00:00Z');
    try {
      await apply([
        resolved({ brands: ['acme', 'globex'], author: 'a1', at, likes: 5 }),
        resolved({ brands: ['acme'], author: 'a1', at }),
        resolved({ brands: ['globex', 'globex'], author: 'a2', at }),
      ]);
      const { rows } = await pool.query(
        `select brand, mentions::int, unique_authors::int, likes::int from rollup_day order by brand`,
      );
      expect(rows).toEqual([
        { brand: 'acme', mentions: 2, unique_authors: 1, likes: 5 },
        { brand: 'globex', mentions: 2, unique_authors: 2, likes: 5 },
      ]);
    } finally {
      clock = NOW;
    }
  });

  it('first write wins: a re-delivered mention with edited text and more likes changes neither the fact nor the rollups', async () => {
    await reset();
    const original = resolved({ id: 'edit-1', at: NOW - 60_000, likes: 1 });
    await apply([original]);
    const edited = structuredClone(original);
    edited.mention.text = 'edited text';
    edited.mention.engagement.likes = 999;
    expect(await apply([edited])).toEqual({
      applied: 0,
      duplicates: 1,
      suppressed: 0,
      restated: 0,
    });
    const { rows } = await pool.query(
      `select text, likes::int from mentions where mention_id = $1`,
      [original.mention.mentionId],
    );
    expect(rows).toEqual([{ text: original.mention.text, likes: 1 }]);
    expect(
      (await pool.query(`select sum(likes)::int as likes from rollup_day`)).rows[0].likes,
    ).toBe(1);
  });

  it('a re-delivery carrying another createdAt (a second source, other precision) is the same mention, counted once', async () => {
    await reset();
    const first = resolved({ id: 'moved', at: NOW - 3_600_000, likes: 2 });
    const moved = structuredClone(first);
    moved.mention.createdAt = NOW - 3_600_000 + 1234;
    const movedToAnotherDay = structuredClone(first);
    movedToAnotherDay.mention.createdAt = NOW - 2 * DAY;
    expect(await apply([first])).toEqual({ applied: 1, duplicates: 0, suppressed: 0, restated: 0 });
    expect(await apply([moved, movedToAnotherDay])).toEqual({
      applied: 0,
      duplicates: 2,
      suppressed: 0,
      restated: 0,
    });
    // Both in one batch: the first in the batch wins.
    await reset();
    expect(await apply([moved, first])).toEqual({
      applied: 1,
      duplicates: 1,
      suppressed: 0,
      restated: 0,
    });
    const { rows } = await pool.query(
      `select (extract(epoch from created_at) * 1000)::bigint::float8 as created_ms from mentions`,
    );
    expect(rows).toEqual([{ created_ms: moved.mention.createdAt }]);
    expect(sorted(await actualRollups(pool))).toEqual(sorted(expectedRollups([moved])));
  });

  it('text with quotes, backslashes, braces, newlines, emoji and NUL is stored (NUL dropped) without failing the batch', async () => {
    await reset();
    const m = resolved({ id: 'weird', at: NOW - 1000 });
    m.mention.text = 'say "hi" \\ {a,b}\nnext line 😡\u0000end';
    m.mention.keywords = ['@acme', 'a,b'];
    await apply([m]);
    const { rows } = await pool.query(`select text, keywords from mentions`);
    expect(rows).toEqual([
      { text: 'say "hi" \\ {a,b}\nnext line 😡end', keywords: ['@acme', 'a,b'] },
    ]);
  });
});

describe('facts are stored as delivered', () => {
  it('every column of a fact reads back as the fact (binary COPY: nulls, empty lists, negative scores, large counters, milliseconds)', async () => {
    await reset();
    const linked = resolved({ id: 'cols-1', at: NOW - 1234, customerId: 'CRM-9' });
    linked.mention.keywords = ['@acme', 'a,b', ''];
    linked.mention.engagement.views = 2 ** 40;
    linked.sentiment.score = -0.123456789;
    linked.sentiment.label = 'negative';
    const prospect = resolved({ id: 'cols-2', at: NOW - 987_654 });
    prospect.mention.keywords = [];
    prospect.mention.title = null;
    prospect.mention.url = 'https://example.com/ü?q="x"';
    const facts = [linked, prospect].map(toMentionFact);
    await apply([linked, prospect]);
    const { rows } = await pool.query<Record<string, unknown> & { mention_id: string }>(
      `select * from mentions order by mention_id`,
    );
    expect(rows.map(rowToFact)).toEqual(
      [...facts].sort((a, b) => (a.mentionId < b.mentionId ? -1 : 1)),
    );
  });
});

describe('brand signals', () => {
  it('sums flows exactly and keeps the latest level; re-delivery and arrival order change nothing', async () => {
    await reset();
    const base = windowStart(NOW - 3 * 3_600_000, 'hour');
    const signals: BrandSignal[] = [
      ...[0.1, 0.2, 0.3, 1234.5].map((value, i) =>
        makeBrandSignal({
          signalId: `acme:web:web_visits:${base + i * 60_000}`,
          platform: 'web',
          metric: 'web_visits',
          aggregation: 'sum',
          value,
          observedAt: base + i * 60_000,
        }),
      ),
      ...[100, 300, 200].map((value, i) =>
        makeBrandSignal({
          signalId: `acme:x:followers:${base + 600_000}:${['a', 'c', 'b'][i]}`,
          metric: 'followers',
          aggregation: 'last',
          value,
          observedAt: base + 600_000,
        }),
      ),
      makeBrandSignal({ signalId: 'acme:x:followers:early', value: 50, observedAt: base + 1000 }),
    ];
    for (const batch of batchesOf(shuffle([...signals, ...signals.slice(2)], 5), 3))
      await applySignals(batch);
    await applySignals(signals);
    const actual = await actualSignals(pool);
    const expected = expectedSignals(signals);
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [k, e] of expected) {
      expect(actual.get(k)!.observations, k).toBe(e.observations);
      expect(actual.get(k)!.sum, k).toBeCloseTo(e.sum, 9);
      expect(actual.get(k)!.last, k).toBe(e.last);
    }
    const { rows } = await pool.query(
      `select metric, value::float8 as value from v_brand_signals where grain = 'hour' order by metric`,
    );
    // 0.1 + 0.2 + 0.3 + 1234.5 in numeric is exactly 1235.1, whatever the batching.
    expect(rows).toEqual([
      { metric: 'followers', value: 300 },
      { metric: 'web_visits', value: 1235.1 },
    ]);
  });
});

describe('partitions and retention', () => {
  it('dropping expired fact partitions leaves every rollup unchanged', async () => {
    await reset();
    clock = NOW;
    const old = makeWorkload({ count: 300, authors: 50, now: NOW - 5 * DAY, seed: 4 });
    await apply(old);
    expect((await pool.query('select count(*)::int as n from mention_keys')).rows[0].n).toBe(300);
    const before = await actualRollups(pool);
    const { rows: partitionsBefore } = await pool.query(
      `select count(*)::int as n from pg_inherits where inhparent = 'mentions'::regclass`,
    );
    clock = NOW + 40 * DAY;
    try {
      const { dropped } = await partitions.maintain();
      expect(dropped.some((n) => n.startsWith('mentions_p'))).toBe(true);
      expect(dropped.some((n) => n.startsWith('author_days_p'))).toBe(true);
      expect((await pool.query('select count(*)::int as n from mentions')).rows[0].n).toBe(0);
      // The claims of the expired mentions went with their partitions.
      expect((await pool.query('select count(*)::int as n from mention_keys')).rows[0].n).toBe(0);
      expect(sorted(await actualRollups(pool))).toEqual(sorted(before));
      const { rows: partitionsAfter } = await pool.query(
        `select count(*)::int as n from pg_inherits where inhparent = 'mentions'::regclass`,
      );
      expect(partitionsAfter[0].n).toBeGreaterThan(0);
      expect(partitionsBefore[0].n).toBeGreaterThan(0);
    } finally {
      clock = NOW;
      await partitions.maintain();
    }
  });

  it('creates the partitions of the lateness horizon ahead of time, and is idempotent', async () => {
    const first = await partitions.maintain();
    expect(first.created).toEqual([]);
    const { rows } = await pool.query<{ relname: string }>(
      `select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid
       where i.inhparent = 'mentions'::regclass order by 1`,
    );
    const today = new Date(NOW).toISOString().slice(0, 10).replace(/-/g, '');
    expect(rows.map((r) => r.relname)).toContain(`mentions_p${today}`);
  });
});

describe('analyst views', () => {
  it('v_share_of_voice matches the domain computation, per platform and across platforms', async () => {
    await reset();
    clock = Date.parse('2026-11-21T00:00:00Z');
    const at = '2026-11-20T10:15:00Z';
    try {
      await apply([
        ...Array.from({ length: 6 }, (_, i) =>
          resolved({ brands: ['acme'], platform: 'x', at, likes: 10, author: `a${i}` }),
        ),
        ...Array.from({ length: 3 }, () =>
          resolved({ brands: ['globex'], platform: 'x', at, shares: 20 }),
        ),
        resolved({ brands: ['globex'], platform: 'reddit', at, replies: 30 }),
        resolved({ brands: ['initech', 'notinset'], platform: 'reddit', at }),
      ]);
      const { rows } = await pool.query(
        `select platform, brand, mentions::int, set_mentions::int, share::float8, engagement::int, engagement_share::float8
         from v_share_of_voice
         where grain = 'day' and set_id = 'home-internet' and window_start = '2026-11-20T00:00:00Z'
         order by platform, brand`,
      );
      const members = ['acme', 'globex', 'initech', 'umbrella'];
      const expectRows = (
        platform: string,
        volumes: { brand: string; mentions: number; engagement: number }[],
      ) =>
        shareOfVoice(members, volumes).map((r) => ({
          platform,
          brand: r.brand,
          mentions: r.mentions,
          set_mentions: r.setMentions,
          share: r.share,
          engagement: r.engagement,
          engagement_share: r.engagementShare,
        }));
      const x = [
        { brand: 'acme', mentions: 6, engagement: 60 },
        { brand: 'globex', mentions: 3, engagement: 60 },
      ];
      const reddit = [
        { brand: 'globex', mentions: 1, engagement: 30 },
        { brand: 'initech', mentions: 1, engagement: 0 },
      ];
      const expected = [
        ...expectRows('all', [...x, ...reddit]),
        ...expectRows('reddit', reddit),
        ...expectRows('x', x),
      ];
      expect(
        rows.map((r) => ({
          ...r,
          share: round(r.share),
          engagement_share: round(r.engagement_share),
        })),
      ).toEqual(
        expected.map((r) => ({
          ...r,
          share: round(r.share),
          engagement_share: round(r.engagement_share),
        })),
      );
    } finally {
      clock = NOW;
    }
  });

  it('when the competitive set changes in the config, share of voice follows for past windows too', async () => {
    const config = loadBrandsConfig(BRANDS_FILE);
    await catalog.syncBrands({
      ...config,
      competitiveSets: [{ id: 'home-internet', name: 'Home internet', brands: ['acme', 'globex'] }],
    });
    try {
      const { rows } = await pool.query(
        `select brand, share::float8 from v_share_of_voice
         where grain = 'day' and set_id = 'home-internet' and platform = 'all' and window_start = '2026-11-20T00:00:00Z'
         order by brand`,
      );
      expect(rows).toEqual([
        { brand: 'acme', share: 0.6 },
        { brand: 'globex', share: 0.4 },
      ]);
    } finally {
      await catalog.syncBrands(config);
    }
  });

  it('v_daily_kpis derives averages, net sentiment and the customer share; "all" adds up the platforms', async () => {
    await reset();
    clock = Date.parse('2026-11-21T00:00:00Z');
    const at = '2026-11-20T12:00:00Z';
    try {
      await apply([
        resolved({
          at,
          platform: 'x',
          sentiment: 'positive',
          score: 0.8,
          customerId: 'CRM-1',
          author: 'a1',
        }),
        resolved({
          at,
          platform: 'x',
          sentiment: 'negative',
          score: -0.4,
          author: 'a2',
          intent: 'complaint',
        }),
        resolved({ at, platform: 'reddit', sentiment: 'neutral', score: 0, author: 'a1' }),
        resolved({ at, platform: 'reddit', sentiment: 'unknown', score: 0, author: 'a3' }),
      ]);
      const { rows } = await pool.query(
        `select platform, mentions::int, unique_authors::int, avg_sentiment::float8, net_sentiment::float8,
                customer_share::float8, complaints::int
         from v_daily_kpis where day = '2026-11-20' and brand = 'acme' order by platform`,
      );
      expect(rows.map((r) => ({ ...r, avg_sentiment: round(r.avg_sentiment) }))).toEqual([
        {
          platform: 'all',
          mentions: 4,
          unique_authors: 4,
          avg_sentiment: round(0.4 / 3),
          net_sentiment: 0,
          customer_share: 0.25,
          complaints: 1,
        },
        {
          platform: 'reddit',
          mentions: 2,
          unique_authors: 2,
          avg_sentiment: 0,
          net_sentiment: 0,
          customer_share: 0,
          complaints: 0,
        },
        {
          platform: 'x',
          mentions: 2,
          unique_authors: 2,
          avg_sentiment: 0.2,
          net_sentiment: 0,
          customer_share: 0.5,
          complaints: 1,
        },
      ]);
    } finally {
      clock = NOW;
    }
  });

  it('the customer views work before identity-resolution exists and pick up its tables once they appear', async () => {
    await reset();
    await apply([
      resolved({
        id: 'n1',
        at: NOW - 60_000,
        sentiment: 'negative',
        score: -0.9,
        customerId: 'CRM-7',
        author: 'jd',
        likes: 40,
      }),
      resolved({
        id: 'n2',
        at: NOW - 50_000,
        sentiment: 'negative',
        score: -0.2,
        customerId: 'CRM-7',
        author: 'jd',
      }),
      resolved({
        id: 'n3',
        at: NOW - 40_000,
        sentiment: 'negative',
        score: -0.9,
        author: 'stranger',
      }),
      resolved({
        id: 'p1',
        at: NOW - 30_000,
        sentiment: 'positive',
        score: 0.5,
        customerId: 'CRM-7',
        author: 'jd',
      }),
    ]);
    const top = async () =>
      (
        await pool.query(
          `select mention_id, customer_id, customer_name from v_top_negative_customer_mentions order by severity desc`,
        )
      ).rows;
    expect(await top()).toEqual([
      { mention_id: 'x:n1', customer_id: 'CRM-7', customer_name: null },
      { mention_id: 'x:n2', customer_id: 'CRM-7', customer_name: null },
    ]);
    const c360 = async () =>
      (
        await pool.query(
          `select customer_id, customer_name, platform, author_id, link_status, mentions::int, negative::int, positive::int
           from v_customer_360 order by customer_id, author_id`,
        )
      ).rows;
    expect(await c360()).toEqual([
      {
        customer_id: 'CRM-7',
        customer_name: null,
        platform: 'x',
        author_id: 'jd',
        link_status: 'linked',
        mentions: 3,
        negative: 2,
        positive: 1,
      },
    ]);

    // identity-resolution arrives with its schema (services/identity-resolution/migrations/0001):
    // social_identities.customer_id references customers.id, and the stranger was linked after the fact.
    await pool.query(`create table customers (id bigint generated always as identity primary key,
      external_id text not null unique, first_name text, last_name text, full_name text, tier text)`);
    await pool.query(`create table social_identities (platform text not null, author_id text not null, handle text,
      customer_id bigint references customers (id), confidence double precision not null default 0,
      method text not null, status text not null, primary key (platform, author_id))`);
    try {
      await pool.query(`insert into customers (external_id, first_name, last_name, full_name)
        values ('CRM-7', 'Jane', 'Doe', null), ('CRM-8', 'Sam', 'Roe', 'Samuel Roe'), ('CRM-9', 'No', 'Body', null)`);
      await pool.query(`insert into social_identities (platform, author_id, handle, customer_id, confidence, method, status)
        select 'x', 'jd', 'jdoe', id, 0.99, 'email', 'linked' from customers where external_id = 'CRM-7'
        union all select 'x', 'stranger', 'str', id, 0.95, 'manual', 'linked' from customers where external_id = 'CRM-8'
        union all select 'x', 'nobody', 'nb', id, 0.1, 'fuzzy', 'rejected' from customers where external_id = 'CRM-9'`);
      expect(await catalog.refreshCustomerViews()).toBe(
        'customer names from customers; identities from social_identities',
      );
      expect((await top()).map((r) => r.customer_name)).toEqual(['Jane Doe', 'Jane Doe']);
      expect(await c360()).toEqual([
        {
          customer_id: 'CRM-7',
          customer_name: 'Jane Doe',
          platform: 'x',
          author_id: 'jd',
          link_status: 'linked',
          mentions: 3,
          negative: 2,
          positive: 1,
        },
        // Linked after the fact: the 360 still finds the mention through the identity.
        {
          customer_id: 'CRM-8',
          customer_name: 'Samuel Roe',
          platform: 'x',
          author_id: 'stranger',
          link_status: 'linked',
          mentions: 1,
          negative: 1,
          positive: 0,
        },
      ]);
      // An analyst's lookup by CRM id reaches social_identities through customers' unique index.
      const { rows: plan } = await pool.query(
        `explain select * from v_customer_360 where customer_id = 'CRM-7'`,
      );
      expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/customers_external_id_key/);
    } finally {
      await pool.query('drop table social_identities, customers cascade');
      await catalog.refreshCustomerViews();
    }
  });

  it('the 360 also accepts identity links that carry the CRM external id as text', async () => {
    await pool.query(
      `create table social_identities (platform text, author_id text, customer_id text, status text)`,
    );
    try {
      await pool.query(`insert into social_identities values ('x', 'jd', 'CRM-7', 'linked')`);
      expect(await catalog.refreshCustomerViews()).toBe(
        'customer names unavailable; identities from social_identities',
      );
      const { rows } = await pool.query(
        `select customer_id, author_id, mentions::int from v_customer_360`,
      );
      expect(rows).toEqual([{ customer_id: 'CRM-7', author_id: 'jd', mentions: 3 }]);
    } finally {
      await pool.query('drop table social_identities cascade');
      await catalog.refreshCustomerViews();
    }
  });

  it('the aggregate tier reads rollups and pseudonymous facts, never people; the customer-service tier reads people', async () => {
    const client = await pool.connect();
    const denied = async (sql: string) => {
      await client.query('savepoint s');
      await expect(client.query(sql), sql).rejects.toThrow(/permission denied/);
      await client.query('rollback to savepoint s');
    };
    try {
      await client.query('begin');
      await client.query('set local role hark_analyst_aggregate');
      for (const rel of [
        'v_daily_kpis',
        'v_share_of_voice',
        'v_sentiment_trend',
        'v_brand_signals',
        'v_mentions_pseudonymous',
        'rollup_day',
        'tracked_brands',
        'v_theme_daily',
        'v_theme_weekly_change',
        'v_sentiment_shares_corrected',
      ])
        await client.query(`select * from ${rel} limit 1`);
      const cols = await client.query(`select * from v_mentions_pseudonymous limit 0`);
      const names = cols.fields.map((f) => f.name);
      for (const personal of [
        'mention_id',
        'post_id',
        'author_id',
        'author_handle',
        'author_name',
        'text',
        'title',
        'url',
        'customer_id',
      ])
        expect(names, personal).not.toContain(personal);
      expect(names).toEqual(
        expect.arrayContaining(['author_key', 'mention_key', 'sentiment_label', 'theme']),
      );
      for (const rel of [
        'mentions',
        'v_customer_360',
        'v_top_negative_customer_mentions',
        'v_corrections',
        'v_mention_themes',
      ])
        await denied(`select * from ${rel} limit 1`);
      await client.query('reset role');
      await client.query('set local role hark_analyst_people');
      for (const rel of [
        'mentions',
        'v_customer_360',
        'v_top_negative_customer_mentions',
        'v_daily_kpis',
      ])
        await client.query(`select * from ${rel} limit 1`);
      await denied(`insert into tracked_brands values ('x', 'x')`);
    } finally {
      await client.query('rollback');
      client.release();
    }
  });

  it('hark_grant_analyst gives a login its tier and a statement timeout', async () => {
    const login = `hark_test_analyst_${Date.now().toString(36)}`;
    await pool.query(`create role ${login} login`);
    try {
      await pool.query(`select hark_grant_analyst($1, 'aggregate')`, [login]);
      const { rows } = await pool.query<{ setconfig: string[] }>(
        `select setconfig from pg_db_role_setting s join pg_roles r on r.oid = s.setrole where r.rolname = $1`,
        [login],
      );
      expect(rows[0]!.setconfig).toEqual(
        expect.arrayContaining([
          'statement_timeout=60s',
          'idle_in_transaction_session_timeout=5min',
        ]),
      );
      const member = await pool.query(
        `select pg_has_role($1, 'hark_analyst_aggregate', 'member') as m`,
        [login],
      );
      expect(member.rows[0].m).toBe(true);
      await expect(
        pool.query(`select hark_grant_analyst($1, 'everything')`, [login]),
      ).rejects.toThrow(/tier must be aggregate or people/);
    } finally {
      await pool.query(`drop owned by ${login}`).catch(() => {});
      await pool.query(`drop role ${login}`);
    }
  });

  it('hark_analyst reads the views and rollups, and can neither write nor read other tables', async () => {
    const client = await pool.connect();
    try {
      await client.query('begin');
      await client.query('set local role hark_analyst');
      for (const view of [
        'v_daily_kpis',
        'v_share_of_voice',
        'v_sentiment_trend',
        'v_top_negative_customer_mentions',
        'v_customer_360',
        'v_brand_signals',
        'rollup_day',
        'mentions',
      ]) {
        await client.query(`select * from ${view} limit 1`);
      }
      await client.query('savepoint s');
      await expect(client.query(`insert into tracked_brands values ('x', 'x')`)).rejects.toThrow(
        /permission denied/,
      );
      await client.query('rollback to savepoint s');
      for (const internal of ['hark_schema_migrations', 'author_days']) {
        await client.query('savepoint s');
        await expect(client.query(`select * from ${internal}`)).rejects.toThrow(
          /permission denied/,
        );
        await client.query('rollback to savepoint s');
      }
    } finally {
      await client.query('rollback');
      client.release();
    }
  });
});

const round = (x: number | null) => (x === null ? null : Math.round(x * 1e9) / 1e9);
