import { fileURLToPath } from 'node:url';
import { createPool, migrate, type Pool } from '@hark/db';
import { loadSchema, type Alert } from '@hark/events';
import { createAvroSerde, createKafka, createRegistryClient } from '@hark/kafka';
import { createLogger, createMetricsRegistry } from '@hark/observability';
import {
  createTestDatabase,
  createTestTopics,
  readMessages,
  testEnv,
  uniqueName,
} from '@hark/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService } from '@hark/stage-runtime';
import { actionRouter, type ActionRouter } from '../../src/main.ts';
import { testConfig } from './helpers.ts';

const ROLLUP_MIGRATIONS = fileURLToPath(
  new URL('../../../metrics-rollup/migrations/', import.meta.url),
);
const MIN = 60_000;
// The spike starts at T0: 20 minutes at 5× the usual volume of acme on x, same negative share.
const T0 = Date.UTC(2026, 10, 23, 12, 0);
const env = testEnv();
const logger = createLogger({ service: 'action-router-spike-test', level: 'silent' });
const kafka = createKafka({
  clientId: 'action-router-spike-test',
  brokers: env.kafkaBrokers,
  logger,
});
const serde = createAvroSerde({ registry: createRegistryClient({ url: env.schemaRegistryUrl }) });

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: Pool;
let topics: Awaited<ReturnType<typeof createTestTopics>>;
let clock = T0;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPool({ url: db.url, logger });
  // metrics-rollup's own migrations: the detector reads its tables as they really are.
  await migrate({ pool, scope: 'metrics-rollup', dir: ROLLUP_MIGRATIONS, logger });
  await pool.query(
    `insert into tracked_brands (brand, name) values ('acme', 'Acme'), ('tiny', 'Tiny')`,
  );
  const rows: {
    brand: string;
    platform: string;
    at: number;
    mentions: number;
    negative: number;
  }[] = [];
  for (let t = T0 - 240 * MIN; t < T0 + 120 * MIN; t += MIN) {
    const i = (t - T0) / MIN;
    const wobble = ((((i * 5) % 7) + 7) % 7) - 3; // deterministic noise in [-3, 3], mean 0
    const spike = i >= 0 && i < 20;
    const acme = (spike ? 100 : 20) + wobble;
    rows.push({
      brand: 'acme',
      platform: 'x',
      at: t,
      mentions: acme,
      negative: Math.round(acme * 0.2),
    });
    // Flat on another platform: never alerts.
    rows.push({
      brand: 'acme',
      platform: 'reddit',
      at: t,
      mentions: 12 + (wobble > 0 ? 1 : 0),
      negative: 2,
    });
    // A quiet brand that triples: still under the minimum volume, pages no one.
    if (i % 5 === 0 || (spike && i % 2 === 0))
      rows.push({ brand: 'tiny', platform: 'x', at: t, mentions: 1, negative: 1 });
  }
  await pool.query(
    `insert into rollup_minute (brand, window_start, platform, mentions, positive, neutral, negative,
       unknown_sentiment, sentiment_sum, likes, shares, replies, views, reach, unique_authors,
       customer_mentions, prospect_mentions, intent_complaint, intent_question, intent_praise,
       intent_suggestion, intent_purchase_intent, intent_churn_risk, intent_other)
     select b, w, p, m, 0, m - n, n, 0, 0, 0, 0, 0, 0, 0, m, 0, m, 0, 0, 0, 0, 0, 0, m
       from unnest($1::text[], $2::timestamptz[], $3::text[], $4::bigint[], $5::bigint[]) as r (b, w, p, m, n)`,
    [
      rows.map((r) => r.brand),
      rows.map((r) => new Date(r.at)),
      rows.map((r) => r.platform),
      rows.map((r) => r.mentions),
      rows.map((r) => r.negative),
    ],
  );
  // A few facts in the spike window, for the alert's top mentions.
  const day = new Date(T0 - (T0 % 86_400_000));
  await pool.query(
    `create table mentions_spike_test partition of mentions for values from ($1) to ($2)`.replace(
      /\$1|\$2/g,
      (p) => `'${(p === '$1' ? day : new Date(day.getTime() + 86_400_000)).toISOString()}'`,
    ),
  );
  for (const [n, followers, label] of [
    [1, 500, 'negative'],
    [2, 250_000, 'neutral'],
    [3, 9_000, 'negative'],
  ] as const) {
    await pool.query(
      `insert into mentions (mention_id, created_at, platform, post_id, kind, author_id, author_handle,
         author_followers, author_verified, text, likes, shares, replies, views, brands, keywords,
         source_kind, source_name, collected_at, sentiment_score, sentiment_label, sentiment_lang,
         sentiment_model, intent_label, intent_confidence, scored_at, customer_status,
         customer_confidence, customer_method, influence_score, influence_tier, resolved_at, url)
       values ($1, $2, 'x', $3, 'post', $4, $5, $6, false, $7, 0, 0, 0, 0, '{acme}', '{}', 'http', 'api', $2,
         -0.5, $8, 'en', 'm', 'complaint', 0.9, $2, 'prospect', 0, 'none', 0.1, 'nano', $2, null)`,
      [
        `x:s${n}`,
        new Date(T0 + MIN),
        `s${n}`,
        `a${n}`,
        `user${n}`,
        followers,
        `spike post ${n}`,
        label,
      ],
    );
  }
  topics = await createTestTopics(kafka, [
    { prefix: 'resolved', partitions: 1 },
    { prefix: 'actions', partitions: 1 },
    { prefix: 'alerts', partitions: 1 },
    { prefix: 'dlq', partitions: 1 },
  ]);
});

afterAll(async () => {
  await topics?.drop();
  await pool?.end();
  await db?.drop();
});

function router(): Promise<ActionRouter> {
  const [input, actions, alerts, dlq] = topics.names as [string, string, string, string];
  return createService(actionRouter, {
    config: testConfig({
      DATABASE_URL: db.url,
      INPUT_TOPIC: input,
      ACTIONS_TOPIC: actions,
      ALERTS_TOPIC: alerts,
      DLQ_TOPIC: dlq,
      GROUP_ID: uniqueName('action-router'),
      // Rounds are driven by the test; the timer would only add more of them.
      ALERT_INTERVAL: '10m',
    }),
    logger,
    registry: createMetricsRegistry({ service: 'action-router-spike-test' }),
    now: () => clock,
  });
}

async function alertCount(topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((s, p) => s + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

describe('spike alerts from the minute rollups', () => {
  it('a generated spike produces exactly one alert across many evaluation rounds and a restart', async () => {
    const alertsTopic = topics.names[2]!;
    let r = await router();
    await r.start();
    const emitted: Alert[] = [];
    try {
      // Minute by minute from 30 minutes before the spike to 40 minutes after it began (2 min grace).
      for (clock = T0 - 30 * MIN; clock <= T0 + 25 * MIN; clock += MIN)
        emitted.push(...(await r.exposed.spikes!.round()));
      // A restart mid-episode must not re-alert: the episode state is in PostgreSQL.
      await r.close();
      r = await router();
      await r.start();
      for (; clock <= T0 + 70 * MIN; clock += MIN)
        emitted.push(...(await r.exposed.spikes!.round()));
    } finally {
      await r.close();
    }
    expect(emitted).toHaveLength(1);
    const [message] = await readMessages(kafka, alertsTopic, 1, 20_000);
    expect(await alertCount(alertsTopic)).toBe(1);
    expect(message!.key!.toString()).toBe('acme:x');
    const alert = await serde.decoder<Alert>(loadSchema('Alert')).decode(message!.value!);
    expect(alert).toMatchObject({
      brand: 'acme',
      platform: 'x',
      metric: 'volume',
      baselineWindows: 24,
    });
    // Detected within a few minutes of the spike start.
    expect(alert.windowEndAt).toBeGreaterThan(T0);
    expect(alert.windowEndAt).toBeLessThanOrEqual(T0 + 5 * MIN);
    expect(alert.windowEndAt - alert.windowStartAt).toBe(5 * MIN);
    expect(alert.expected).toBeGreaterThan(80);
    expect(alert.expected).toBeLessThan(120);
    expect(alert.observed).toBeGreaterThan(1.8 * alert.expected);
    expect(alert.deviation).toBeGreaterThanOrEqual(6);
    expect(alert.alertId).toBe(`acme:x:volume:${new Date(alert.windowStartAt).toISOString()}`);
    expect(alert.topMentions.map((m) => [m.mentionId, m.reach])).toEqual([
      ['x:s2', 250_000],
      ['x:s3', 9_000],
      ['x:s1', 500],
    ]);
    const { rows } = await pool.query(`select alert_id from alert_log`);
    expect(rows).toEqual([{ alert_id: alert.alertId }]);
    // The episode closed once the volume was back to normal for ALERT_CLOSE_AFTER.
    const state = await pool.query(
      `select episodes from alert_series where brand = 'acme' and platform = 'x'`,
    );
    expect(state.rows[0].episodes).toEqual({});
  });
});
