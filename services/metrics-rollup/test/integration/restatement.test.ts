import { createPool, type Pool } from '@hark/db';
import type { ComplianceEvent, ResolvedMention } from '@hark/events';
import { createLogger } from '@hark/observability';
import { createTestDatabase, makeComplianceEvent } from '@hark/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeWorkload, rng } from '../../bench/workload.ts';
import {
  createComplianceStore,
  type ComplianceStore,
} from '../../src/adapters/compliance-store.ts';
import {
  createCorrectionsStore,
  type CorrectionsStore,
} from '../../src/adapters/corrections-store.ts';
import {
  createPartitionManager,
  type PartitionManager,
} from '../../src/adapters/partition-manager.ts';
import {
  createRollupStore,
  restateMentions,
  rollupTransaction,
  type RollupStore,
} from '../../src/adapters/rollup-store.ts';
import { createTextRetention } from '../../src/adapters/text-retention.ts';
import { planCompliance, type DeletedPostsPolicy } from '../../src/domain/compliance.ts';
import { toMentionFact, type MentionFact } from '../../src/domain/mention-fact.ts';
import { windowStart } from '../../src/domain/windows.ts';
import { MIGRATIONS_DIR } from '../../src/schema.ts';
import { migrate, withTransaction } from '@hark/db';
import { resolved } from '../unit/fixtures.ts';
import {
  actualRollups,
  expectRollupsMatchRecount,
  expectedRollups,
  nonEmptyRollups,
  shuffle,
  sorted,
} from './helpers.ts';

const DAY = 86_400_000;
const logger = createLogger({
  service: 'metrics-rollup-test',
  level: process.env.TEST_LOG_LEVEL ?? 'silent',
});
const NOW = Date.now();

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: Pool;
let store: RollupStore;
let compliance: ComplianceStore;
let corrections: CorrectionsStore;
let partitions: PartitionManager;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPool({ url: db.url, logger, max: 8 });
  await migrate({ pool, scope: 'metrics-rollup', dir: MIGRATIONS_DIR, logger });
  store = createRollupStore({ pool });
  compliance = createComplianceStore({ pool });
  corrections = createCorrectionsStore({ pool });
  partitions = createPartitionManager({
    pool,
    logger,
    now: () => NOW,
    policy: {
      latenessMs: 7 * DAY,
      futureToleranceMs: 900_000,
      retentionMs: 30 * DAY,
      aheadDays: 2,
    },
  });
  await partitions.maintain();
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

beforeEach(async () => {
  await pool.query(`truncate mentions, mention_keys, author_days, rollup_minute, rollup_hour, rollup_day,
    compliance_subjects, compliance_events, privacy_audit_steps, corrections, text_retention_progress`);
});

async function apply(batch: readonly ResolvedMention[]) {
  const facts = batch.map(toMentionFact);
  await partitions.ensureDays(facts.map((f) => windowStart(f.createdAt, 'day')));
  return store.applyMentions(facts);
}

async function restate(changes: { mentionId: string; to: MentionFact | null }[]) {
  await partitions.ensureDays(
    changes.flatMap((c) => (c.to ? [windowStart(c.to.createdAt, 'day')] : [])),
  );
  return withTransaction(
    pool,
    (client) => restateMentions(client, changes),
    rollupTransaction('test'),
  );
}

function event(overrides: Partial<ComplianceEvent>): ComplianceEvent {
  return makeComplianceEvent({ occurredAt: NOW, receivedAt: NOW, ...overrides });
}

async function comply(e: ComplianceEvent, policy: DeletedPostsPolicy = 'uncount') {
  return compliance.apply(e, planCompliance(e, policy));
}

/** A new revision of a mention: same id, edited text, re-scored, more engagement, maybe another time. */
function edit(
  m: ResolvedMention,
  revision: number,
  changes: Partial<ResolvedMention['mention']> = {},
) {
  const e = structuredClone(m);
  e.mention = { ...e.mention, revision, text: `${m.mention.text} (edited)`, ...changes };
  return e;
}

const dayRow = async (brand = 'acme', platform = 'x') =>
  (
    await pool.query(
      `select mentions::int, positive::int, neutral::int, negative::int, sentiment_sum::float8 as sentiment_sum,
              likes::int, unique_authors::int, intent_complaint::int, intent_praise::int, intent_other::int
       from rollup_day where brand = $1 and platform = $2 and window_start = $3`,
      [brand, platform, new Date(windowStart(NOW - 60_000, 'day'))],
    )
  ).rows[0];

describe('the restatement primitive', () => {
  it('removing and replacing hundreds of mentions (moving some across days and brands) equals a recount of what remains', async () => {
    const mentions = makeWorkload({ count: 2000, authors: 150, now: NOW, seed: 21 });
    await apply(mentions);
    await expectRollupsMatchRecount(pool);
    const random = rng(5);
    const picked = shuffle([...mentions], 3).slice(0, 600);
    const changes = picked.map((m, i) => {
      if (i % 2 === 0) return { mentionId: m.mention.mentionId, to: null };
      const f = toMentionFact(m);
      return {
        mentionId: f.mentionId,
        to: {
          ...f,
          revision: 1,
          createdAt: i % 3 === 0 ? f.createdAt - DAY - Math.floor(random() * DAY) : f.createdAt,
          brands: i % 5 === 0 ? ['initech'] : f.brands,
          authorId: i % 7 === 0 ? 'someone-else' : f.authorId,
          likes: f.likes + 7,
          sentimentLabel: 'negative' as const,
          sentimentScore: -0.25,
          sentimentMicros: -250_000,
          intentLabel: 'complaint' as const,
        },
      };
    });
    const r = await restate(changes);
    expect(r.removed).toBe(300);
    expect(r.replaced).toBe(300);
    await expectRollupsMatchRecount(pool);
    expect(Number((await pool.query(`select count(*) from mentions`)).rows[0].count)).toBe(1700);
  });

  it('adding then removing is the identity: restoring the removed facts brings back every rollup exactly', async () => {
    const mentions = makeWorkload({ count: 800, authors: 60, now: NOW, seed: 22 });
    await apply(mentions);
    const before = sorted(await actualRollups(pool));
    const facts = mentions.slice(0, 400).map(toMentionFact);
    await restate(facts.map((f) => ({ mentionId: f.mentionId, to: null })));
    await expectRollupsMatchRecount(pool);
    await restate(facts.map((f) => ({ mentionId: f.mentionId, to: f })));
    expect(sorted(await nonEmptyRollups(pool))).toEqual(before);
  });

  it('an author stops counting in a window only when no remaining fact of theirs is in it', async () => {
    const at = NOW - 60_000;
    const [a, b, c] = [
      resolved({ id: 'ua-1', author: 'solo', at }),
      resolved({ id: 'ua-2', author: 'solo', at: at + 1000 }),
      resolved({ id: 'ua-3', author: 'solo', at: at - 3 * 60_000 }),
    ];
    await apply([a!, b!, c!]);
    const authors = async (grain: string) =>
      (
        await pool.query(
          `select sum(unique_authors)::int as n from rollup_${grain} where mentions > 0`,
        )
      ).rows[0].n;
    expect([await authors('minute'), await authors('day')]).toEqual([2, 1]);
    await restate([{ mentionId: a!.mention.mentionId, to: null }]);
    expect([await authors('minute'), await authors('day')]).toEqual([2, 1]);
    await restate([{ mentionId: b!.mention.mentionId, to: null }]);
    expect([await authors('minute'), await authors('day')]).toEqual([1, 1]);
    await restate([{ mentionId: c!.mention.mentionId, to: null }]);
    expect(await authors('day')).toBeNull();
    expect((await pool.query(`select count(*)::int as n from author_days`)).rows[0].n).toBe(0);
    await expectRollupsMatchRecount(pool);
  });

  it('restatements running concurrently with new deliveries of the same authors stay exact', async () => {
    const mentions = makeWorkload({ count: 3000, authors: 30, now: NOW, seed: 23 }).map((m, i) => ({
      ...m,
      mention: { ...m.mention, createdAt: NOW - (i % 9) * 61_000 },
    }));
    await apply(mentions.slice(0, 1500));
    const later = mentions.slice(1500);
    const removals = mentions
      .slice(0, 600)
      .map((m) => ({ mentionId: m.mention.mentionId, to: null }));
    await Promise.all([
      (async () => {
        for (let i = 0; i < later.length; i += 150) await apply(later.slice(i, i + 150));
      })(),
      (async () => {
        for (let i = 0; i < removals.length; i += 60) await restate(removals.slice(i, i + 60));
      })(),
    ]);
    await expectRollupsMatchRecount(pool);
    expect(Number((await pool.query(`select count(*) from mentions`)).rows[0].count)).toBe(2400);
  });
});

describe('edits (revisions)', () => {
  it('a higher revision restates the fact, an equal or lower one is a duplicate', async () => {
    const m = resolved({
      id: 'ed-1',
      at: NOW - 60_000,
      likes: 1,
      sentiment: 'positive',
      intent: 'praise',
    });
    await apply([m]);
    const v2 = edit(m, 2, { engagement: { likes: 40, shares: 0, replies: 0, views: 0 } });
    v2.sentiment = { ...v2.sentiment, label: 'negative', score: -0.75 };
    v2.intent = { ...v2.intent, label: 'complaint' };
    expect(await apply([v2])).toEqual({ applied: 0, duplicates: 0, suppressed: 0, restated: 1 });
    expect(await dayRow()).toMatchObject({
      mentions: 1,
      positive: 0,
      negative: 1,
      sentiment_sum: -0.75,
      likes: 40,
      intent_complaint: 1,
      intent_praise: 0,
    });
    expect(await apply([v2, m, edit(m, 1)])).toEqual({
      applied: 0,
      duplicates: 3,
      suppressed: 0,
      restated: 0,
    });
    const { rows } = await pool.query(`select text, revision::int from mentions`);
    expect(rows).toEqual([{ text: v2.mention.text, revision: 2 }]);
    await expectRollupsMatchRecount(pool);
  });

  it('an edit that moves createdAt to another day moves the fact to that partition and restates both days', async () => {
    const m = resolved({ id: 'ed-move', at: NOW - 60_000, author: 'mover' });
    const other = resolved({ id: 'ed-stay', at: NOW - 60_000, author: 'mover' });
    await apply([m, other]);
    const moved = edit(m, 5, { createdAt: NOW - 2 * DAY });
    expect((await apply([moved])).restated).toBe(1);
    const { rows } = await pool.query(
      `select (extract(epoch from created_at) * 1000)::bigint::float8 as ms from mentions where mention_id = $1`,
      [m.mention.mentionId],
    );
    expect(rows).toEqual([{ ms: NOW - 2 * DAY }]);
    const keys = await pool.query(
      `select (extract(epoch from created_at) * 1000)::bigint::float8 as ms, revision::int from mention_keys where mention_id = $1`,
      [m.mention.mentionId],
    );
    expect(keys.rows).toEqual([{ ms: NOW - 2 * DAY, revision: 5 }]);
    await expectRollupsMatchRecount(pool);
    // A re-delivery of the old revision with the old createdAt changes nothing.
    expect((await apply([m])).duplicates).toBe(1);
    await expectRollupsMatchRecount(pool);
  });

  it('within one batch the highest revision of a mention wins', async () => {
    const m = resolved({ id: 'ed-batch', at: NOW - 60_000, likes: 1 });
    const v3 = edit(m, 3, { engagement: { likes: 3, shares: 0, replies: 0, views: 0 } });
    expect(await apply([m, v3, edit(m, 2)])).toMatchObject({ applied: 1, duplicates: 2 });
    expect((await dayRow())!.likes).toBe(3);
  });
});

describe('compliance events', () => {
  it('post_deleted removes the mention and adjusts its windows; a re-delivered eventId changes nothing', async () => {
    const keep = resolved({ id: 'cd-keep', at: NOW - 60_000, author: 'k', likes: 2 });
    const gone = resolved({
      id: 'cd-gone',
      at: NOW - 60_000,
      author: 'g',
      likes: 5,
      sentiment: 'negative',
    });
    await apply([keep, gone]);
    const e = event({
      eventId: 'post_deleted:x:cd-gone',
      kind: 'post_deleted',
      platform: 'x',
      mentionId: gone.mention.mentionId,
    });
    expect(await comply(e)).toMatchObject({
      duplicate: false,
      factsRemoved: 1,
      windowsRestated: 3,
    });
    expect(await dayRow()).toMatchObject({ mentions: 1, likes: 2, negative: 0, unique_authors: 1 });
    const snapshot = sorted(await actualRollups(pool));
    expect(await comply(e)).toMatchObject({ duplicate: true, factsRemoved: 0 });
    expect(sorted(await actualRollups(pool))).toEqual(snapshot);
    // Its re-delivery is suppressed, not counted again.
    expect(await apply([gone])).toMatchObject({ applied: 0, suppressed: 1 });
    expect(await apply([edit(gone, 9)])).toMatchObject({ applied: 0, suppressed: 1, restated: 0 });
    expect(sorted(await actualRollups(pool))).toEqual(snapshot);
    await expectRollupsMatchRecount(pool);
  });

  it('a post_deleted event before its mention suppresses the later mention (by postId, without mentionId)', async () => {
    const m = resolved({ id: 'cd-early', at: NOW - 60_000 });
    await comply(
      event({
        eventId: 'pd:early',
        kind: 'post_deleted',
        platform: 'x',
        postId: 'cd-early',
        mentionId: null,
      }),
    );
    expect(await apply([m])).toEqual({ applied: 0, duplicates: 0, suppressed: 1, restated: 0 });
    expect(await dayRow()).toBeUndefined();
    expect((await pool.query(`select count(*)::int as n from mentions`)).rows[0].n).toBe(0);
    // The tombstone holds ids only.
    const { rows } = await pool.query(`select mention_id, state, created_at from mention_keys`);
    expect(rows).toEqual([{ mention_id: 'x:cd-early', state: 'removed', created_at: null }]);
  });

  it('under keep_counts a deleted post keeps its counts and loses text, title, url, handle and name, also when it arrives later', async () => {
    const m = resolved({ id: 'kc-1', at: NOW - 60_000, likes: 4 });
    await apply([m]);
    const before = sorted(await actualRollups(pool));
    await comply(
      event({
        eventId: 'pd:kc-1',
        kind: 'post_deleted',
        platform: 'x',
        mentionId: m.mention.mentionId,
      }),
      'keep_counts',
    );
    expect(sorted(await actualRollups(pool))).toEqual(before);
    const late = resolved({ id: 'kc-2', at: NOW - 60_000, likes: 1 });
    await comply(
      event({
        eventId: 'pd:kc-2',
        kind: 'post_deleted',
        platform: 'x',
        mentionId: late.mention.mentionId,
      }),
      'keep_counts',
    );
    expect(await apply([late])).toMatchObject({ restated: 1, suppressed: 0 });
    const { rows } = await pool.query(
      `select mention_id, text, title, url, author_handle, author_name, scrubbed from mentions order by mention_id`,
    );
    expect(rows).toEqual(
      ['x:kc-1', 'x:kc-2'].map((id) => ({
        mention_id: id,
        text: '',
        title: null,
        url: null,
        author_handle: '',
        author_name: null,
        scrubbed: 'post_deleted',
      })),
    );
    expect((await dayRow())!.likes).toBe(5);
    await expectRollupsMatchRecount(pool);
  });

  it('post_edited scrubs the old text at once; the new revision brings its text and restates', async () => {
    const m = resolved({ id: 'pe-1', at: NOW - 60_000, sentiment: 'positive' });
    await apply([m]);
    await comply(
      event({
        eventId: 'pe:1',
        kind: 'post_edited',
        platform: 'x',
        mentionId: m.mention.mentionId,
        revision: 7,
      }),
    );
    expect((await pool.query(`select text, scrubbed from mentions`)).rows).toEqual([
      { text: '', scrubbed: 'post_edited' },
    ]);
    const v7 = edit(m, 7);
    v7.sentiment = { ...v7.sentiment, label: 'negative', score: -0.5 };
    expect((await apply([v7])).restated).toBe(1);
    expect((await pool.query(`select text, scrubbed from mentions`)).rows).toEqual([
      { text: v7.mention.text, scrubbed: null },
    ]);
    expect(await dayRow()).toMatchObject({ positive: 0, negative: 1 });
    await expectRollupsMatchRecount(pool);
  });

  it('post_edited before the old revision arrives: the old one counts without text, the new one replaces it', async () => {
    const m = resolved({ id: 'pe-2', at: NOW - 60_000 });
    await comply(
      event({
        eventId: 'pe:2',
        kind: 'post_edited',
        platform: 'x',
        mentionId: m.mention.mentionId,
        revision: 3,
      }),
    );
    expect(await apply([m])).toMatchObject({ restated: 1 });
    expect((await pool.query(`select text from mentions`)).rows).toEqual([{ text: '' }]);
    await apply([edit(m, 3)]);
    expect((await pool.query(`select text, revision::int from mentions`)).rows).toEqual([
      { text: `${m.mention.text} (edited)`, revision: 3 },
    ]);
    await expectRollupsMatchRecount(pool);
  });

  it('account_deleted removes every fact of the author up to the event, and suppresses the ones still in the pipeline', async () => {
    const mentions = makeWorkload({ count: 600, authors: 20, now: NOW - 120_000, seed: 31 });
    await apply(mentions.slice(0, 500));
    const author = mentions[0]!.mention.author.id;
    const platform = mentions[0]!.mention.platform;
    const theirs = mentions.filter(
      (m) => m.mention.author.id === author && m.mention.platform === platform,
    );
    const out = await comply(
      event({
        eventId: `ad:${platform}:${author}`,
        kind: 'account_deleted',
        platform,
        authorId: author,
      }),
    );
    expect(out.factsRemoved).toBe(theirs.filter((m) => mentions.indexOf(m) < 500).length);
    const r = await apply(mentions.slice(500));
    expect(r.suppressed).toBe(theirs.filter((m) => mentions.indexOf(m) >= 500).length);
    const remaining = mentions.filter((m) => !theirs.includes(m));
    expect(sorted(await nonEmptyRollups(pool))).toEqual(sorted(expectedRollups(remaining)));
    await expectRollupsMatchRecount(pool);
    // A post after the deletion time is new data and counts.
    const after = resolved({ id: 'ad-after', platform, author, at: NOW + 60_000 });
    expect((await apply([after])).applied).toBe(1);
  });

  it('erasure by author and by customer uncounts their facts, drops their corrections and records one audit step each, idempotently', async () => {
    const mentions = makeWorkload({ count: 800, authors: 40, now: NOW - 120_000, seed: 32 });
    await apply(mentions);
    const byAuthor = mentions[3]!.mention;
    const customer = mentions.find((m) => m.customer.customerId)!.customer.customerId!;
    const erasedAuthor = (m: ResolvedMention) =>
      m.mention.author.id === byAuthor.author.id && m.mention.platform === byAuthor.platform;
    await corrections.correct(
      [{ mentionId: byAuthor.mentionId, intent: 'question', reason: 'asked a question' }],
      'analyst@x',
    );
    const e1 = event({
      eventId: 'req-1:author',
      kind: 'erasure',
      platform: byAuthor.platform,
      authorId: byAuthor.author.id,
      requestId: 'req-1',
    });
    const e2 = event({
      eventId: 'req-1:customer',
      kind: 'erasure',
      platform: null,
      customerId: customer,
      requestId: 'req-1',
    });
    const r1 = await comply(e1);
    const r2 = await comply(e2);
    await comply(e1);
    await comply(e2);
    const remaining = mentions.filter(
      (m) => !erasedAuthor(m) && m.customer.customerId !== customer,
    );
    expect(r1.factsRemoved + r2.factsRemoved).toBe(mentions.length - remaining.length);
    expect(sorted(await nonEmptyRollups(pool))).toEqual(sorted(expectedRollups(remaining)));
    await expectRollupsMatchRecount(pool);
    const steps = await pool.query(
      `select request_id, stage, subject_kind, facts_removed::int, windows_restated::int > 0 as restated
       from privacy_audit_steps order by subject_kind`,
    );
    expect(steps.rows).toEqual([
      {
        request_id: 'req-1',
        stage: 'metrics-rollup',
        subject_kind: 'author',
        facts_removed: r1.factsRemoved,
        restated: true,
      },
      {
        request_id: 'req-1',
        stage: 'metrics-rollup',
        subject_kind: 'customer',
        facts_removed: r2.factsRemoved,
        restated: true,
      },
    ]);
    expect((await pool.query(`select count(*)::int as n from corrections`)).rows[0].n).toBe(0);
    // Re-delivered mentions of the erased author or customer are suppressed.
    const again = await apply(mentions);
    expect(again).toMatchObject({ applied: 0, suppressed: mentions.length - remaining.length });
    await expectRollupsMatchRecount(pool);
    // Suppression records and tombstones hold ids only.
    const cols = await pool.query(
      `select table_name, column_name from information_schema.columns
       where table_name in ('compliance_subjects', 'mention_keys', 'privacy_audit_steps', 'compliance_events')
         and column_name in ('text', 'title', 'url', 'author_handle', 'author_name', 'handle', 'name', 'email')`,
    );
    expect(cols.rows).toEqual([]);
  });

  it('an author erasure racing with deliveries of that author leaves none of their facts and exact rollups', async () => {
    const mentions = makeWorkload({ count: 3000, authors: 8, now: NOW - 120_000, seed: 33 });
    const victim = mentions[0]!.mention;
    const batches = Array.from({ length: 20 }, (_, i) => mentions.slice(i * 150, (i + 1) * 150));
    await apply(batches[0]!);
    await Promise.all([
      (async () => {
        for (const b of batches.slice(1)) await apply(b);
      })(),
      (async () => {
        await new Promise((r) => setTimeout(r, 50));
        await comply(
          event({
            eventId: 'race',
            kind: 'erasure',
            platform: victim.platform,
            authorId: victim.author.id,
            requestId: 'race',
          }),
        );
      })(),
    ]);
    const { rows } = await pool.query(
      `select count(*)::int as n from mentions where platform = $1 and author_id = $2`,
      [victim.platform, victim.author.id],
    );
    expect(rows[0].n).toBe(0);
    await expectRollupsMatchRecount(pool);
  });

  it('account_private scrubs the author’s texts and keeps their counts, also for mentions arriving later', async () => {
    const m1 = resolved({ id: 'ap-1', author: 'priv', at: NOW - 120_000, likes: 3 });
    const m2 = resolved({ id: 'ap-2', author: 'priv', at: NOW - 60_000, likes: 4 });
    await apply([m1]);
    await comply(
      event({ eventId: 'ap:x:priv', kind: 'account_private', platform: 'x', authorId: 'priv' }),
    );
    await apply([m2]);
    const { rows } = await pool.query(
      `select text, author_handle, url, scrubbed from mentions order by mention_id`,
    );
    expect(rows).toEqual([
      { text: '', author_handle: '', url: null, scrubbed: 'account_private' },
      { text: '', author_handle: '', url: null, scrubbed: 'account_private' },
    ]);
    expect(await dayRow()).toMatchObject({ mentions: 2, likes: 7, unique_authors: 1 });
    await expectRollupsMatchRecount(pool);
  });
});

describe('analyst corrections', () => {
  it('a correction changes the day’s rollup by exactly the corrected amount', async () => {
    const target = resolved({
      id: 'co-1',
      at: NOW - 60_000,
      sentiment: 'negative',
      score: -0.6,
      intent: 'other',
    });
    const others = [
      resolved({ id: 'co-2', at: NOW - 60_000, sentiment: 'positive', score: 0.4 }),
      resolved({ id: 'co-3', at: NOW - 120_000, sentiment: 'negative', score: -0.2 }),
    ];
    await apply([target, ...others]);
    const before = (await dayRow())!;
    const [out] = await corrections.correct(
      [
        {
          mentionId: target.mention.mentionId,
          sentiment: 'positive',
          intent: 'praise',
          reason: 'sarcasm misread',
        },
      ],
      'ana@example.com',
    );
    expect(out).toMatchObject({
      status: 'applied',
      sentiment: 'positive',
      sentimentScore: 0.5,
      intent: 'praise',
    });
    const after = (await dayRow())!;
    expect({
      mentions: after.mentions - before.mentions,
      positive: after.positive - before.positive,
      negative: after.negative - before.negative,
      sentiment_sum: Math.round((after.sentiment_sum - before.sentiment_sum) * 1e6) / 1e6,
      intent_praise: after.intent_praise - before.intent_praise,
      intent_other: after.intent_other - before.intent_other,
      likes: after.likes - before.likes,
      unique_authors: after.unique_authors - before.unique_authors,
    }).toEqual({
      mentions: 0,
      positive: 1,
      negative: -1,
      sentiment_sum: 1.1,
      intent_praise: 1,
      intent_other: -1,
      likes: 0,
      unique_authors: 0,
    });
    await expectRollupsMatchRecount(pool);
  });

  it('a correction survives a re-delivery of the same revision; a new revision drops it and its new scoring wins', async () => {
    const m = resolved({ id: 'co-rev', at: NOW - 60_000, sentiment: 'negative', score: -0.5 });
    await apply([m]);
    await corrections.correct(
      [{ mentionId: m.mention.mentionId, sentiment: 'neutral', reason: 'not negative' }],
      'ana',
    );
    await apply([m]);
    expect(await dayRow()).toMatchObject({ neutral: 1, negative: 0 });
    expect(
      (
        await pool.query(
          `select sentiment_label, model_sentiment_label, sentiment_corrected from mentions`,
        )
      ).rows,
    ).toEqual([
      { sentiment_label: 'neutral', model_sentiment_label: 'negative', sentiment_corrected: true },
    ]);
    await apply([edit(m, 1)]);
    expect(await dayRow()).toMatchObject({ neutral: 0, negative: 1 });
    const view = await pool.query(
      `select corrected_sentiment, model_sentiment, in_force from v_corrections`,
    );
    expect(view.rows).toEqual([
      { corrected_sentiment: 'neutral', model_sentiment: 'negative', in_force: false },
    ]);
    expect(await corrections.exportPage({ since: 0, limit: 10 })).toEqual([]);
    await expectRollupsMatchRecount(pool);
  });

  it('many corrections at once: unknown ids come back not_found, the rest apply; history is kept and the export pairs text, model output and label', async () => {
    const ms = [1, 2, 3].map((i) =>
      resolved({ id: `co-many-${i}`, at: NOW - 60_000, intent: 'other' }),
    );
    await apply(ms);
    const out = await corrections.correct(
      [
        { mentionId: ms[0]!.mention.mentionId, intent: 'question', reason: 'first try' },
        { mentionId: 'x:nope', intent: 'question', reason: 'typo' },
        { mentionId: ms[0]!.mention.mentionId, intent: 'complaint', reason: 'second look' },
        {
          mentionId: ms[1]!.mention.mentionId,
          sentiment: 'negative',
          sentimentScore: -0.9,
          reason: 'angry',
        },
      ],
      'ana',
    );
    expect(out.map((o) => o.status)).toEqual(['applied', 'not_found', 'applied', 'applied']);
    expect(await dayRow()).toMatchObject({ intent_complaint: 1, intent_other: 2, negative: 1 });
    expect((await corrections.list({ since: 0, limit: 10 })).map((c) => c.reason)).toEqual([
      'first try',
      'second look',
      'angry',
    ]);
    const exported = await corrections.exportPage({ since: 0, limit: 10 });
    expect(
      exported.map((e) => [e.mentionId, e.text, e.model.intent.label, e.corrected, e.reason]),
    ).toEqual([
      [
        ms[0]!.mention.mentionId,
        ms[0]!.mention.text,
        'other',
        { sentiment: null, sentimentScore: null, intent: 'complaint' },
        'second look',
      ],
      [
        ms[1]!.mention.mentionId,
        ms[1]!.mention.text,
        'other',
        { sentiment: 'negative', sentimentScore: -0.9, intent: null },
        'angry',
      ],
    ]);
    await expectRollupsMatchRecount(pool);
  });
});

describe('text retention', () => {
  it('blanks text, title, url, handle and name of facts older than the retention and keeps every aggregate', async () => {
    const old = resolved({ id: 'tr-old', at: NOW - 3 * DAY });
    const fresh = resolved({ id: 'tr-new', at: NOW - 60_000 });
    await apply([old, fresh]);
    const before = sorted(await actualRollups(pool));
    const job = createTextRetention({
      pool,
      logger,
      now: () => NOW,
      textRetentionMs: 2 * DAY,
      retentionMs: 30 * DAY,
      latenessMs: 7 * DAY,
    });
    expect((await job.run()).scrubbed).toBe(1);
    expect((await job.run()).scrubbed).toBe(0);
    const { rows } = await pool.query(
      `select mention_id, text = '' as blank, url is null as no_url, author_handle = '' as no_handle, scrubbed
       from mentions order by mention_id`,
    );
    expect(rows).toEqual([
      { mention_id: 'x:tr-new', blank: false, no_url: false, no_handle: false, scrubbed: null },
      { mention_id: 'x:tr-old', blank: true, no_url: true, no_handle: true, scrubbed: 'retention' },
    ]);
    expect(sorted(await actualRollups(pool))).toEqual(before);
    // A late fact written after the scan passed its day is caught by the next run, also after a restart.
    await apply([resolved({ id: 'tr-late', at: NOW - 3 * DAY - 5000 })]);
    const restarted = createTextRetention({
      pool,
      logger,
      now: () => NOW + 60_000,
      textRetentionMs: 2 * DAY,
      retentionMs: 30 * DAY,
      latenessMs: 7 * DAY,
    });
    expect((await restarted.run()).scrubbed).toBe(1);
  });

  it('deletes tombstones and suppressions older than RETENTION, and nothing younger', async () => {
    await comply(
      event({ eventId: 'old-del', kind: 'post_deleted', platform: 'x', mentionId: 'x:old' }),
    );
    await pool.query(`update mention_keys set removed_at = now() - interval '40 days'`);
    await comply(
      event({ eventId: 'new-del', kind: 'post_deleted', platform: 'x', mentionId: 'x:new' }),
    );
    const job = createTextRetention({
      pool,
      logger,
      now: () => Date.now(),
      textRetentionMs: null,
      retentionMs: 30 * DAY,
      latenessMs: 7 * DAY,
    });
    await job.run();
    expect((await pool.query(`select mention_id from mention_keys`)).rows).toEqual([
      { mention_id: 'x:new' },
    ]);
  });
});
