import type { BrandSignal, ResolvedMention } from '@hark/events';
import type pg from 'pg';
import { expect } from 'vitest';
import { GRAINS, windowStart, type Grain } from '../../src/domain/windows.ts';

/** What the rollup tables should hold, computed the slow and obvious way from the mentions. */
export interface ExpectedRow {
  mentions: number;
  positive: number;
  neutral: number;
  negative: number;
  unknown_sentiment: number;
  sentiment_micros: number;
  likes: number;
  shares: number;
  replies: number;
  views: number;
  reach: number;
  unique_authors: number;
  customer_mentions: number;
  prospect_mentions: number;
  intent_complaint: number;
  intent_question: number;
  intent_praise: number;
  intent_suggestion: number;
  intent_purchase_intent: number;
  intent_churn_risk: number;
  intent_other: number;
}

const key = (grain: Grain, brand: string, platform: string, windowMs: number) =>
  `${grain}|${brand}|${platform}|${new Date(windowMs).toISOString()}`;

/** The reference model: first delivery of each mentionId wins; a mention counts once per distinct brand. */
export function expectedRollups(mentions: readonly ResolvedMention[]): Map<string, ExpectedRow> {
  const seen = new Set<string>();
  const rows = new Map<string, ExpectedRow & { authors: Set<string> }>();
  for (const rm of mentions) {
    const id = rm.mention.mentionId;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const brand of new Set(rm.mention.brands)) {
      for (const grain of GRAINS) {
        const k = key(grain, brand, rm.mention.platform, windowStart(rm.mention.createdAt, grain));
        let r = rows.get(k);
        if (!r) {
          r = {
            mentions: 0,
            positive: 0,
            neutral: 0,
            negative: 0,
            unknown_sentiment: 0,
            sentiment_micros: 0,
            likes: 0,
            shares: 0,
            replies: 0,
            views: 0,
            reach: 0,
            unique_authors: 0,
            customer_mentions: 0,
            prospect_mentions: 0,
            intent_complaint: 0,
            intent_question: 0,
            intent_praise: 0,
            intent_suggestion: 0,
            intent_purchase_intent: 0,
            intent_churn_risk: 0,
            intent_other: 0,
            authors: new Set(),
          };
          rows.set(k, r);
        }
        r.mentions++;
        const label = rm.sentiment.label;
        if (label === 'unknown') r.unknown_sentiment++;
        else {
          r[label]++;
          r.sentiment_micros += Math.round(rm.sentiment.score * 1e6);
        }
        r.likes += rm.mention.engagement.likes;
        r.shares += rm.mention.engagement.shares;
        r.replies += rm.mention.engagement.replies;
        r.views += rm.mention.engagement.views;
        r.reach += rm.mention.author.followers;
        if (rm.customer.status === 'linked' && rm.customer.customerId) r.customer_mentions++;
        else r.prospect_mentions++;
        r[`intent_${rm.intent.label}`]++;
        r.authors.add(rm.mention.author.id);
      }
    }
  }
  return new Map(
    [...rows].map(([k, { authors, ...r }]) => [k, { ...r, unique_authors: authors.size }]),
  );
}

/** The rollup tables, in the reference model's shape. */
export async function actualRollups(db: pg.Pool | pg.Client): Promise<Map<string, ExpectedRow>> {
  const out = new Map<string, ExpectedRow>();
  for (const grain of GRAINS) {
    const { rows } = await db.query<Record<string, string | Date>>(`select * from rollup_${grain}`);
    for (const r of rows) {
      const {
        brand,
        platform,
        window_start: windowStartAt,
        sentiment_sum: sum,
        updated_at: _updated,
        ...counters
      } = r;
      const row = Object.fromEntries(Object.entries(counters).map(([k, v]) => [k, Number(v)]));
      out.set(key(grain, String(brand), String(platform), (windowStartAt as Date).getTime()), {
        ...(row as unknown as ExpectedRow),
        sentiment_micros: Math.round(Number(sum) * 1e6),
      });
    }
  }
  return out;
}

/** Sorted entries, so a failing comparison shows which window differs. */
export const sorted = (m: Map<string, ExpectedRow>) => [...m].sort(([a], [b]) => (a < b ? -1 : 1));

/** Expected signal windows: count and sum of new observations, last value by (observedAt, signalId). */
export function expectedSignals(signals: readonly BrandSignal[]) {
  const seen = new Set<string>();
  const rows = new Map<string, { observations: number; sum: number; last: BrandSignal }>();
  for (const s of signals) {
    const id = `${s.signalId}|${s.observedAt}`;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const grain of GRAINS) {
      const k = `${grain}|${s.brand}|${s.platform}|${s.metric}|${new Date(windowStart(s.observedAt, grain)).toISOString()}`;
      const r = rows.get(k);
      if (!r) rows.set(k, { observations: 1, sum: s.value, last: s });
      else {
        r.observations++;
        r.sum += s.value;
        if (
          s.observedAt > r.last.observedAt ||
          (s.observedAt === r.last.observedAt && s.signalId > r.last.signalId)
        ) {
          r.last = s;
        }
      }
    }
  }
  return new Map(
    [...rows].map(([k, r]) => [
      k,
      {
        observations: r.observations,
        sum: r.sum,
        last: r.last.value,
        aggregation: r.last.aggregation,
      },
    ]),
  );
}

export async function actualSignals(db: pg.Pool | pg.Client) {
  const out = new Map<
    string,
    { observations: number; sum: number; last: number; aggregation: string }
  >();
  for (const grain of GRAINS) {
    const { rows } = await db.query<{
      brand: string;
      platform: string;
      metric: string;
      window_start: Date;
      observations: string;
      value_sum: string;
      last_value: number;
      aggregation: string;
    }>(`select * from signal_rollup_${grain}`);
    for (const r of rows) {
      out.set(`${grain}|${r.brand}|${r.platform}|${r.metric}|${r.window_start.toISOString()}`, {
        observations: Number(r.observations),
        sum: Number(r.value_sum),
        last: r.last_value,
        aggregation: r.aggregation,
      });
    }
  }
  return out;
}

/** Shuffles in place with a seeded generator, so a failure reproduces. */
export function shuffle<T>(items: T[], seed = 1): T[] {
  let s = seed;
  const random = () => (s = (s * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/**
 * The rollups recounted from what remains in the `mentions` fact table, in
 * the shape of {@link actualRollups}: every column of every window, unique
 * authors as a plain count(distinct). "KPI totals equal a recount of what
 * remains" is checked against this after every restatement scenario.
 */
export async function recountRollups(db: pg.Pool | pg.Client): Promise<Map<string, ExpectedRow>> {
  const out = new Map<string, ExpectedRow>();
  for (const grain of GRAINS) {
    const { rows } = await db.query<Record<string, string | Date>>(`
      select b.brand, m.platform, date_trunc('${grain}', m.created_at at time zone 'UTC') at time zone 'UTC' as window_start,
             count(*) as mentions,
             count(*) filter (where sentiment_label = 'positive') as positive,
             count(*) filter (where sentiment_label = 'neutral') as neutral,
             count(*) filter (where sentiment_label = 'negative') as negative,
             count(*) filter (where sentiment_label not in ('positive', 'neutral', 'negative')) as unknown_sentiment,
             coalesce(sum(floor(sentiment_score * 1000000 + 0.5)) filter (where sentiment_label <> 'unknown'), 0) as sentiment_micros,
             sum(likes) as likes, sum(shares) as shares, sum(replies) as replies, sum(views) as views,
             sum(author_followers) as reach,
             count(distinct author_id) as unique_authors,
             count(*) filter (where customer_status = 'linked' and customer_id is not null) as customer_mentions,
             count(*) filter (where not (customer_status = 'linked' and customer_id is not null)) as prospect_mentions,
             count(*) filter (where intent_label = 'complaint') as intent_complaint,
             count(*) filter (where intent_label = 'question') as intent_question,
             count(*) filter (where intent_label = 'praise') as intent_praise,
             count(*) filter (where intent_label = 'suggestion') as intent_suggestion,
             count(*) filter (where intent_label = 'purchase_intent') as intent_purchase_intent,
             count(*) filter (where intent_label = 'churn_risk') as intent_churn_risk,
             count(*) filter (where intent_label = 'other') as intent_other
      from mentions m cross join lateral (select distinct unnest(m.brands) as brand) b
      group by 1, 2, 3`);
    for (const r of rows) {
      const { brand, platform, window_start: w, ...counters } = r;
      out.set(
        key(grain, String(brand), String(platform), (w as Date).getTime()),
        Object.fromEntries(
          Object.entries(counters).map(([k, v]) => [k, Number(v)]),
        ) as unknown as ExpectedRow,
      );
    }
  }
  return out;
}

/**
 * The rollup tables without the windows a restatement emptied: a window
 * whose every mention was removed keeps its row with every column at 0
 * (checked here), which a recount has no row for.
 */
export async function nonEmptyRollups(db: pg.Pool | pg.Client): Promise<Map<string, ExpectedRow>> {
  const all = await actualRollups(db);
  for (const [k, row] of all) {
    if (row.mentions !== 0) continue;
    const nonZero = Object.entries(row).filter(([, v]) => v !== 0);
    if (nonZero.length > 0)
      throw new Error(`emptied window ${k} still holds ${JSON.stringify(nonZero)}`);
    all.delete(k);
  }
  return all;
}

/** Fails with the differing windows unless the rollups equal a recount of the facts. */
export async function expectRollupsMatchRecount(db: pg.Pool | pg.Client): Promise<void> {
  const [actual, recount] = await Promise.all([nonEmptyRollups(db), recountRollups(db)]);
  const a = sorted(actual);
  const r = sorted(recount);
  expect(a).toEqual(r);
}
