import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createPool, type Pool } from '@hark/db';
import {
  loadSchema,
  valueSubject,
  type BrandSignal,
  type DeadLetter,
  type ResolvedMention,
} from '@hark/events';
import {
  createAvroSerde,
  createKafka,
  createProducer,
  createRegistryClient,
  type AvroSerde,
  type BatchHandler,
  type Encoder,
} from '@hark/kafka';
import { createLogger, createMetricsRegistry } from '@hark/observability';
import {
  createTestDatabase,
  createTestTopics,
  makeBrandSignal,
  readMessages,
  testEnv,
  uniqueName,
  waitFor,
} from '@hark/testing';
import { TEST_MASTER_KEY } from '@hark/privacy';
import type { Kafka, Producer } from 'kafkajs';
import type { Registry } from 'prom-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeWorkload } from '../../bench/workload.ts';
import { parseRollupConfig } from '../../src/config.ts';
import { createService } from '@hark/stage-runtime';
import { rollupService, type RollupService } from '../../src/main.ts';
import { resolved } from '../unit/fixtures.ts';
import {
  actualRollups,
  actualSignals,
  expectedRollups,
  expectedSignals,
  sorted,
} from './helpers.ts';

const env = testEnv();
const logger = createLogger({
  service: 'metrics-rollup-test',
  level: process.env.TEST_LOG_LEVEL ?? 'silent',
});
const BRANDS_FILE = fileURLToPath(new URL('../../../../deploy/local/brands.yaml', import.meta.url));
const DAY = 86_400_000;

let kafka: Kafka;
let producer: Producer;
let serde: AvroSerde;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: Pool;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  kafka = createKafka({ clientId: 'metrics-rollup-test', brokers: env.kafkaBrokers, logger });
  producer = createProducer(kafka);
  await producer.connect();
  serde = createAvroSerde({ registry: createRegistryClient({ url: env.schemaRegistryUrl }) });
  db = await createTestDatabase();
  pool = createPool({ url: db.url, logger });
});

afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
  await producer?.disconnect();
  await pool?.end();
  await db?.drop();
});

interface Setup {
  mentionsTopic: string;
  signalsTopic: string;
  dlqTopic: string;
  complianceTopic: string;
  groupId: string;
  mentions: Encoder<ResolvedMention>;
  signals: Encoder<BrandSignal>;
}

let setup: Setup;

beforeEach(async () => {
  const topics = await createTestTopics(kafka, [
    { prefix: 'resolved', partitions: 3 },
    { prefix: 'signals', partitions: 2 },
    { prefix: 'dlq', partitions: 1 },
    { prefix: 'compliance', partitions: 1 },
  ]);
  cleanups.push(topics.drop);
  const [mentionsTopic, signalsTopic, dlqTopic, complianceTopic] = topics.names as [
    string,
    string,
    string,
    string,
  ];
  setup = {
    mentionsTopic,
    signalsTopic,
    dlqTopic,
    complianceTopic,
    groupId: uniqueName('metrics-rollup-test'),
    mentions: await serde.encoder(valueSubject(mentionsTopic), loadSchema('ResolvedMention')),
    signals: await serde.encoder(valueSubject(signalsTopic), loadSchema('BrandSignal')),
  };
  // Tables exist once the first service has migrated; each test starts from empty rollups.
  await pool
    .query(
      `truncate mentions, mention_keys, author_days, signals, rollup_minute, rollup_hour, rollup_day,
       signal_rollup_minute, signal_rollup_hour, signal_rollup_day`,
    )
    .catch(() => {});
});

interface Running {
  service: RollupService;
  registry: Registry;
  crashed: Promise<Error>;
  /** Closes once; later calls (the file's cleanup) do nothing. */
  close: () => Promise<void>;
}

async function startService(
  opts: { wrapHandler?: (input: string, h: BatchHandler<unknown>) => BatchHandler<unknown> } = {},
): Promise<Running> {
  const registry = createMetricsRegistry({ service: 'metrics-rollup-test', defaults: false });
  let onCrash!: (err: Error) => void;
  const crashed = new Promise<Error>((resolve) => (onCrash = resolve));
  const service = await createService(rollupService, {
    config: parseRollupConfig({
      KAFKA_BROKERS: env.kafkaBrokers.join(','),
      OPS_PORT: '0',
      SCHEMA_REGISTRY_URL: env.schemaRegistryUrl,
      DATABASE_URL: db.url,
      MENTIONS_TOPIC: setup.mentionsTopic,
      SIGNALS_TOPIC: setup.signalsTopic,
      DLQ_TOPIC: setup.dlqTopic,
      COMPLIANCE_TOPIC: setup.complianceTopic,
      HARK_PRIVACY_MASTER_KEY: TEST_MASTER_KEY,
      GROUP_ID: setup.groupId,
      BRANDS_FILE,
      // Small chunks: more transactions, so crashes and rebalances land between them.
      BATCH_SIZE: '50',
    }),
    logger,
    registry,
    onCrash,
    wrapHandler: opts.wrapHandler,
    sessionTimeoutMs: 10_000,
  });
  await service.start();
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= service.close());
  cleanups.push(close);
  await waitFor(() => service.isConsuming(), {
    timeoutMs: 30_000,
    what: 'the consumers to join their groups',
  });
  return { service, registry, crashed, close };
}

async function produceMentions(mentions: readonly ResolvedMention[]): Promise<void> {
  for (let i = 0; i < mentions.length; i += 250) {
    await producer.send({
      topic: setup.mentionsTopic,
      acks: -1,
      messages: mentions
        .slice(i, i + 250)
        .map((m) => ({ key: m.mention.mentionId, value: setup.mentions.encode(m) })),
    });
  }
}

async function produceSignals(signals: readonly BrandSignal[]): Promise<void> {
  await producer.send({
    topic: setup.signalsTopic,
    acks: -1,
    messages: signals.map((s) => ({
      key: `${s.brand}:${s.metric}`,
      value: setup.signals.encode(s),
    })),
  });
}

/** Offsets the group committed and the topic's end offsets, summed over partitions. */
async function offsets(
  topic: string,
  groupId: string,
): Promise<{ committed: number; end: number }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [group] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const ends = await admin.fetchTopicOffsets(topic);
    return {
      committed: group!.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0),
      end: ends.reduce((n, p) => n + Number(p.high), 0),
    };
  } finally {
    await admin.disconnect();
  }
}

async function waitConsumed(topic: string, group: string): Promise<void> {
  await waitFor(
    async () => {
      const o = await offsets(topic, group);
      return o.end > 0 && o.committed === o.end;
    },
    {
      timeoutMs: 90_000,
      intervalMs: 250,
      what: `group ${group} to commit every offset of ${topic}`,
    },
  );
}

async function metric(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const m = await registry.getSingleMetric(name)?.get();
  return (m?.values ?? [])
    .filter((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want))
    .reduce((n, v) => n + v.value, 0);
}

const mentionsGroup = () => `${setup.groupId}.mentions`;

describe('exactly-once rollups through the real broker', () => {
  it('when the same batch is delivered twice, totals are exact', async () => {
    const { registry } = await startService();
    const batch = makeWorkload({ count: 600, authors: 150, now: Date.now(), seed: 21 });
    await produceMentions(batch);
    await waitConsumed(setup.mentionsTopic, mentionsGroup());
    const once = await actualRollups(pool);
    await produceMentions(batch);
    await waitConsumed(setup.mentionsTopic, mentionsGroup());
    expect(sorted(await actualRollups(pool))).toEqual(sorted(once));
    expect(sorted(once)).toEqual(sorted(expectedRollups(batch)));
    expect(await metric(registry, 'hark_rollup_applied_total', { kind: 'mention' })).toBe(600);
    expect(await metric(registry, 'hark_rollup_duplicates_total', { kind: 'mention' })).toBe(600);
  });

  it('when the consumer crashes after the database commit and before the offset commit, a new instance re-processes and totals stay exact', async () => {
    const batch = makeWorkload({ count: 900, authors: 200, now: Date.now(), seed: 22 });
    await produceMentions(batch);
    let calls = 0;
    // From the third chunk on, this instance dies right after its transaction committed:
    // the rollup is durable, the offset never is.
    const broken = await startService({
      wrapHandler: (input, handler) =>
        input !== 'mentions'
          ? handler
          : async (records) => {
              const result = await handler(records);
              if (++calls > 2)
                throw new TypeError(
                  'injected crash after the rollup commit, before the offset commit',
                );
              return result;
            },
    });
    const err = await broken.crashed;
    expect(err.message).toContain('injected crash');
    await broken.close();

    const stored = Number((await pool.query('select count(*) from mentions')).rows[0].count);
    const { committed } = await offsets(setup.mentionsTopic, mentionsGroup());
    // The state the test is about: more mentions counted than offsets committed.
    expect(stored).toBeGreaterThan(committed);

    const fresh = await startService();
    await waitConsumed(setup.mentionsTopic, mentionsGroup());
    expect(sorted(await actualRollups(pool))).toEqual(sorted(expectedRollups(batch)));
    expect(
      await metric(fresh.registry, 'hark_rollup_duplicates_total', { kind: 'mention' }),
    ).toBeGreaterThanOrEqual(stored - committed);
  });

  it('when a second instance joins mid-stream and the first one leaves, totals are exact', async () => {
    // More than the test ever sends: production must outlast both rebalances.
    const workload = makeWorkload({ count: 40_000, authors: 300, now: Date.now(), seed: 23 });
    const first = await startService();
    let produced = 0;
    let stop = false;
    // Records keep flowing through both rebalances until the test says stop.
    const producing = (async () => {
      while (!stop && produced < workload.length) {
        await produceMentions(workload.slice(produced, produced + 50));
        produced += 50;
        await sleep(25);
      }
    })();
    await waitFor(async () => (await metric(first.registry, 'hark_rollup_applied_total')) > 0, {
      timeoutMs: 60_000,
      what: 'the first instance to count records',
    });
    const second = await startService();
    await waitFor(async () => (await metric(second.registry, 'hark_rollup_applied_total')) > 0, {
      timeoutMs: 60_000,
      what: 'the second instance to get partitions and count records',
    });
    const producedAtLeave = produced;
    expect(producedAtLeave, 'records still flowing when the first instance leaves').toBeLessThan(
      workload.length - 300,
    );
    await first.close();
    await waitFor(() => produced >= producedAtLeave + 300, {
      timeoutMs: 60_000,
      what: 'records after the first left',
    });
    stop = true;
    await producing;
    await waitConsumed(setup.mentionsTopic, mentionsGroup());

    const all = workload.slice(0, produced);
    expect(sorted(await actualRollups(pool))).toEqual(sorted(expectedRollups(all)));
    const applied =
      (await metric(first.registry, 'hark_rollup_applied_total', { kind: 'mention' })) +
      (await metric(second.registry, 'hark_rollup_applied_total', { kind: 'mention' }));
    expect(applied).toBe(all.length);
  });
});

describe('lateness and signals through the real broker', () => {
  it('late and future-dated records go to dlq with their reason and original bytes; the rest counts', async () => {
    const { registry } = await startService();
    const now = Date.now();
    const ok = resolved({ id: 'on-time', at: now - 3_600_000 });
    const late = resolved({ id: 'late', at: now - 8 * DAY });
    const future = resolved({ id: 'future', at: now + 2 * 3_600_000 });
    const lateSignal = makeBrandSignal({
      signalId: 'acme:x:followers:late',
      observedAt: now - 30 * DAY,
    });
    await produceMentions([ok, late, future]);
    await produceSignals([lateSignal]);

    const dead = await readMessages(kafka, setup.dlqTopic, 3, 60_000);
    const decoder = serde.decoder<DeadLetter>(loadSchema('DeadLetter'));
    const letters = await Promise.all(
      dead.map((m) => decoder.decode((m as unknown as { value: Buffer }).value)),
    );
    const byKey = new Map(letters.map((l) => [l.key!.toString(), l]));
    expect(byKey.get('x:late')).toMatchObject({
      stage: 'metrics-rollup.mentions',
      errorCode: 'HARK_ROLLUP_TOO_LATE',
    });
    expect(byKey.get('x:late')!.errorMessage).toMatch(/beyond the allowed lateness of 7d/);
    expect(byKey.get('x:late')!.value).toEqual(setup.mentions.encode(late));
    expect(byKey.get('x:future')).toMatchObject({ errorCode: 'HARK_ROLLUP_IN_FUTURE' });
    expect(byKey.get('acme:followers')).toMatchObject({
      stage: 'metrics-rollup.signals',
      errorCode: 'HARK_ROLLUP_TOO_LATE',
    });

    await waitConsumed(setup.mentionsTopic, mentionsGroup());
    expect((await pool.query('select mention_id from mentions')).rows).toEqual([
      { mention_id: 'x:on-time' },
    ]);
    expect(
      await metric(registry, 'hark_rollup_rejected_total', {
        kind: 'mention',
        code: 'HARK_ROLLUP_TOO_LATE',
      }),
    ).toBe(1);
    expect(
      await metric(registry, 'hark_rollup_rejected_total', {
        kind: 'signal',
        code: 'HARK_ROLLUP_TOO_LATE',
      }),
    ).toBe(1);
  });

  it('regression: records written straight to Kafka that break the contract (NaN rating and influence, customer value −1e308, mentionId not platform:postId) go to dlq, not into the facts', async () => {
    await startService();
    const now = Date.now() - 3_600_000;
    const ok = resolved({ id: 'contract-ok', at: now });
    const nanRating = resolved({ id: 'nan-rating', at: now });
    nanRating.mention.rating = Number.NaN;
    const infInfluence = resolved({ id: 'inf-influence', at: now });
    infInfluence.influence.score = Number.POSITIVE_INFINITY;
    const hugeValue = resolved({ id: 'huge-value', at: now });
    hugeValue.customer = { ...hugeValue.customer, customerValue: -1e308 };
    const wrongId = resolved({ id: 'wrong-id', at: now });
    wrongId.mention.mentionId = 'x:someone-else';
    await produceMentions([ok, nanRating, infInfluence, hugeValue, wrongId]);

    const dead = await readMessages(kafka, setup.dlqTopic, 4, 60_000);
    const decoder = serde.decoder<DeadLetter>(loadSchema('DeadLetter'));
    const letters = await Promise.all(
      dead.map((m) => decoder.decode((m as unknown as { value: Buffer }).value)),
    );
    expect(letters.map((l) => l.errorCode)).toEqual(Array(4).fill('HARK_STAGE_INVALID_RECORD'));
    const messages = letters.map((l) => l.errorMessage).join('\n');
    expect(messages).toMatch(/mention\.rating is not a finite number \(NaN\)/);
    expect(messages).toMatch(/influence\.score is not a finite number \(Infinity\)/);
    expect(messages).toMatch(/customer\.customerValue is -1e\+308/);
    expect(messages).toMatch(/mentionId "x:someone-else" is not platform:postId/);
    await waitConsumed(setup.mentionsTopic, mentionsGroup());
    expect((await pool.query('select mention_id from mentions')).rows).toEqual([
      { mention_id: 'x:contract-ok' },
    ]);
  });

  it('signals: sums and last values are exact when every signal is delivered twice', async () => {
    await startService();
    const hour = Math.floor((Date.now() - 2 * 3_600_000) / 3_600_000) * 3_600_000;
    const signals = [
      ...Array.from({ length: 10 }, (_, i) =>
        makeBrandSignal({
          signalId: `globex:web:web_visits:${hour + i * 300_000}`,
          brand: 'globex',
          platform: 'web',
          metric: 'web_visits',
          aggregation: 'sum',
          value: 100 + i,
          observedAt: hour + i * 300_000,
        }),
      ),
      ...Array.from({ length: 6 }, (_, i) =>
        makeBrandSignal({
          signalId: `globex:x:followers:${hour + (5 - i) * 600_000}`,
          brand: 'globex',
          metric: 'followers',
          aggregation: 'last',
          value: 5000 + (5 - i),
          observedAt: hour + (5 - i) * 600_000,
        }),
      ),
    ];
    await produceSignals(signals);
    await produceSignals(signals);
    await waitConsumed(setup.signalsTopic, `${setup.groupId}.signals`);
    const actual = await actualSignals(pool);
    const expected = expectedSignals(signals);
    expect(
      new Map([...actual].map(([k, v]) => [k, { ...v, sum: Math.round(v.sum * 1e6) / 1e6 }])),
    ).toEqual(
      new Map([...expected].map(([k, v]) => [k, { ...v, sum: Math.round(v.sum * 1e6) / 1e6 }])),
    );
    const { rows } = await pool.query(
      `select metric, value::float8 as value from v_brand_signals where grain = 'hour' and brand = 'globex' order by metric`,
    );
    expect(rows).toEqual([
      { metric: 'followers', value: 5005 },
      { metric: 'web_visits', value: 1045 },
    ]);
  });
});
