import { createPool, migrate, type Pool } from '@hark/db';
import type { ComplaintTheme, ResolvedMention, SentimentLabel } from '@hark/events';
import { createLogger } from '@hark/observability';
import { createTestDatabase } from '@hark/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPartitionManager,
  type PartitionManager,
} from '../../src/adapters/partition-manager.ts';
import { createRollupStore, type RollupStore } from '../../src/adapters/rollup-store.ts';
import { toMentionFact } from '../../src/domain/mention-fact.ts';
import { correctionConstants, correctShares } from '../../src/domain/share-correction.ts';
import { windowStart } from '../../src/domain/windows.ts';
import { MIGRATIONS_DIR } from '../../src/schema.ts';
import { resolved } from '../unit/fixtures.ts';

const DAY = 86_400_000;
const NOW = Date.now();
const logger = createLogger({ service: 'metrics-rollup-test', level: 'silent' });

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: Pool;
let store: RollupStore;
let partitions: PartitionManager;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPool({ url: db.url, logger, max: 4 });
  await migrate({ pool, scope: 'metrics-rollup', dir: MIGRATIONS_DIR, logger });
  store = createRollupStore({ pool });
  partitions = createPartitionManager({
    pool,
    logger,
    now: () => NOW,
    policy: {
      latenessMs: 30 * DAY,
      futureToleranceMs: 900_000,
      retentionMs: 60 * DAY,
      aheadDays: 2,
    },
  });
  await partitions.maintain();
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

let seq = 0;
function mention(
  theme: ComplaintTheme,
  sentiment: SentimentLabel,
  at: number,
  intent: 'complaint' | 'other' = 'complaint',
): ResolvedMention {
  const r = resolved({ id: `theme-${++seq}`, at, sentiment, brands: ['acme'] });
  return { ...r, theme, intent: { ...r.intent, label: intent } };
}

async function apply(batch: readonly ResolvedMention[]): Promise<void> {
  const facts = batch.map(toMentionFact);
  await partitions.ensureDays(facts.map((f) => windowStart(f.createdAt, 'day')));
  await store.applyMentions(facts);
}

describe('complaint themes and corrected shares in the analyst views', () => {
  it('themes of counted mentions reach the daily and weekly views, each mention once', async () => {
    const today = NOW - 3_600_000;
    const lastWeek = NOW - 9 * DAY;
    const batch = [
      mention('delay', 'negative', today),
      mention('delay', 'negative', today),
      mention('delay', 'neutral', today),
      mention('billing', 'negative', today, 'other'),
      mention('billing', 'negative', lastWeek),
      mention('billing', 'negative', lastWeek),
      mention('none', 'positive', today, 'other'),
    ];
    await apply(batch);
    await apply(batch.slice(0, 2)); // a duplicate delivery changes nothing

    const day = new Date(windowStart(today, 'day')).toISOString().slice(0, 10);
    const daily = await pool.query<{
      theme: string;
      mentions: string;
      negative: string;
      complaints: string;
    }>(
      `select theme, mentions, negative, complaints from v_theme_daily
       where brand = 'acme' and day = $1::date order by theme`,
      [day],
    );
    expect(daily.rows).toEqual([
      { theme: 'billing', mentions: '1', negative: '1', complaints: '0' },
      { theme: 'delay', mentions: '3', negative: '2', complaints: '3' },
    ]);

    const weekly = await pool.query<{
      theme: string;
      this_week: string;
      last_week: string;
      change: string;
    }>(
      `select theme, this_week, last_week, change from v_theme_weekly_change
       where brand = 'acme' order by theme`,
    );
    expect(weekly.rows).toEqual([
      { theme: 'billing', this_week: '1', last_week: '2', change: '-1' },
      { theme: 'delay', this_week: '3', last_week: '0', change: '3' },
    ]);
  });

  it('corrected shares and their intervals in SQL equal the unit-tested correction', async () => {
    const at = NOW - 20 * DAY;
    const batch = [
      ...Array.from({ length: 30 }, () => mention('other', 'negative', at)),
      ...Array.from({ length: 50 }, () => mention('none', 'neutral', at, 'other')),
      ...Array.from({ length: 20 }, () => mention('none', 'positive', at, 'other')),
    ];
    await apply(batch);
    const day = new Date(windowStart(at, 'day')).toISOString().slice(0, 10);
    const { rows } = await pool.query(
      `select * from v_sentiment_shares_corrected
       where grain = 'day' and brand = 'acme' and day = $1::date`,
      [day],
    );
    expect(rows).toHaveLength(1);
    const r = rows[0] as Record<string, number | string>;
    // Every grain offers the same correction; the mentions fell in one hour and one minute.
    const grains = await pool.query<{ grain: string; n: string }>(
      `select grain, sum(scored_mentions)::text as n from v_sentiment_shares_corrected
       where brand = 'acme' and window_start >= $1::date and window_start < $1::date + 1
       group by grain order by grain`,
      [day],
    );
    expect(grains.rows).toEqual([
      { grain: 'day', n: '100' },
      { grain: 'hour', n: '100' },
      { grain: 'minute', n: '100' },
    ]);
    expect(r.model).toBe('hark-social-en@2');
    const expected = correctShares(
      [30, 50, 20],
      correctionConstants([
        [3159, 621, 192],
        [2495, 2536, 906],
        [402, 453, 1520],
      ]),
    );
    const labels = ['negative', 'neutral', 'positive'];
    labels.forEach((l, k) => {
      expect(Number(r[`raw_${l}`])).toBeCloseTo(expected.raw[k]!, 9);
      expect(Number(r[`corrected_${l}`])).toBeCloseTo(expected.corrected[k]!, 6);
      expect(Number(r[`${l}_low`])).toBeCloseTo(expected.lower[k]!, 6);
      expect(Number(r[`${l}_high`])).toBeCloseTo(expected.upper[k]!, 6);
    });
  });
});
