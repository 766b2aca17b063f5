import type { PoolClient } from '@hark/db';
import type { AlertMention, AlertMetric } from '@hark/events';
import type { Episode, WindowCounts } from '../domain/spikes/detector.ts';
import type { SeriesState } from '../domain/spikes/evaluate.ts';
import { seriesKey, splitKey } from '../domain/spikes/round.ts';

const LOCK_KEY = 'hark:action-router:spikes';

export interface MinuteRow extends WindowCounts {
  brand: string;
  platform: string;
  windowStart: number;
}

/**
 * The detector's reads of metrics-rollup's tables (rollup_minute,
 * tracked_brands, mentions: same database, read-only) and its own state.
 * Every call runs on the round's client, inside its transaction.
 */
export const spikeStore = {
  /** Only one instance runs a round at a time; the lock ends with the transaction. */
  async tryLock(c: PoolClient): Promise<boolean> {
    const res = await c.query<{ ok: boolean }>(
      'select pg_try_advisory_xact_lock(hashtext($1)) as ok',
      [LOCK_KEY],
    );
    return res.rows[0]!.ok;
  },

  async loadStates(c: PoolClient): Promise<Map<string, SeriesState>> {
    const res = await c.query<{
      brand: string;
      platform: string;
      last: Date;
      episodes: Record<string, Episode>;
    }>('select brand, platform, last_evaluated_end as last, episodes from alert_series');
    return new Map(
      res.rows.map((r) => [
        seriesKey(r.brand, r.platform),
        { lastEvaluatedEnd: r.last.getTime(), episodes: r.episodes as SeriesState['episodes'] },
      ]),
    );
  },

  async trackedBrands(c: PoolClient): Promise<string[]> {
    const res = await c.query<{ brand: string }>('select brand from tracked_brands order by brand');
    return res.rows.map((r) => r.brand);
  },

  /** Minute rollups of the brands over [from, to), read through the (brand, window_start) key. */
  async minuteRows(
    c: PoolClient,
    brands: string[],
    from: number,
    to: number,
  ): Promise<MinuteRow[]> {
    const res = await c.query<{
      brand: string;
      platform: string;
      window_start: Date;
      mentions: string;
      negative: string;
      unknown_sentiment: string;
    }>(
      `select brand, platform, window_start, mentions, negative, unknown_sentiment
         from rollup_minute
        where brand = any($1::text[]) and window_start >= $2 and window_start < $3`,
      [brands, new Date(from), new Date(to)],
    );
    return res.rows.map((r) => ({
      brand: r.brand,
      platform: r.platform,
      windowStart: r.window_start.getTime(),
      mentions: Number(r.mentions),
      negative: Number(r.negative),
      scored: Number(r.mentions) - Number(r.unknown_sentiment),
    }));
  },

  /** The window's mentions with the widest reach (negative ones for a negative-share alert). */
  async topMentions(
    c: PoolClient,
    q: {
      brand: string;
      platform: string;
      from: number;
      to: number;
      metric: AlertMetric;
      limit: number;
    },
  ): Promise<AlertMention[]> {
    if (q.limit === 0) return [];
    const res = await c.query<AlertMention>(
      `select mention_id as "mentionId", url, author_handle as "authorHandle",
              author_followers::float8 as reach, sentiment_label as "sentimentLabel",
              left(text, 280) as excerpt
         from mentions
        where created_at >= $3 and created_at < $4 and platform = $2 and $1 = any(brands)
          and ($5::boolean is false or sentiment_label = 'negative')
        order by author_followers desc, mention_id
        limit $6`,
      [
        q.brand,
        q.platform,
        new Date(q.from),
        new Date(q.to),
        q.metric === 'negative_share',
        q.limit,
      ],
    );
    return res.rows;
  },

  /** Logs alerts; returns the ids not logged before (only those are produced). */
  async logAlerts(
    c: PoolClient,
    alerts: {
      alertId: string;
      brand: string;
      platform: string;
      metric: string;
      windowStart: number;
      windowEnd: number;
      observed: number;
      expected: number;
      deviation: number;
    }[],
  ): Promise<Set<string>> {
    if (alerts.length === 0) return new Set();
    const res = await c.query<{ alert_id: string }>(
      `insert into alert_log (alert_id, brand, platform, metric, window_start, window_end, observed, expected, deviation)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[],
                            $7::float8[], $8::float8[], $9::float8[])
       on conflict (alert_id) do nothing
       returning alert_id`,
      [
        alerts.map((a) => a.alertId),
        alerts.map((a) => a.brand),
        alerts.map((a) => a.platform),
        alerts.map((a) => a.metric),
        alerts.map((a) => new Date(a.windowStart)),
        alerts.map((a) => new Date(a.windowEnd)),
        alerts.map((a) => a.observed),
        alerts.map((a) => a.expected),
        alerts.map((a) => a.deviation),
      ],
    );
    return new Set(res.rows.map((r) => r.alert_id));
  },

  async saveStates(c: PoolClient, states: Map<string, SeriesState>): Promise<void> {
    const rows = [...states].filter(([, s]) => s.lastEvaluatedEnd !== null);
    if (rows.length === 0) return;
    await c.query(
      `insert into alert_series (brand, platform, last_evaluated_end, episodes)
       select * from unnest($1::text[], $2::text[], $3::timestamptz[], $4::jsonb[])
       on conflict (brand, platform) do update
         set last_evaluated_end = excluded.last_evaluated_end, episodes = excluded.episodes, updated_at = now()`,
      [
        rows.map(([k]) => splitKey(k)[0]),
        rows.map(([k]) => splitKey(k)[1]),
        rows.map(([, s]) => new Date(s.lastEvaluatedEnd!)),
        rows.map(([, s]) => JSON.stringify(s.episodes)),
      ],
    );
  },
};
